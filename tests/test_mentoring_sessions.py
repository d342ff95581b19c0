"""Session logs: validation, the 7-day edit window, concern alerts and their follow-up."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from youthagainstguns.auth.models import Role
from youthagainstguns.mentoring import services
from youthagainstguns.mentoring.board import open_alerts
from youthagainstguns.mentoring.errors import MentoringError
from youthagainstguns.mentoring.models import (
    AlertKind,
    MatchStatus,
    MentoringSession,
    SafeguardingAlert,
    SessionKind,
)
from youthagainstguns.timeutil import to_lima

pytestmark = pytest.mark.usefixtures("english_request")

# 10:00 in Lima: far from midnight, so "today" is the same in UTC and Lima.
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
TODAY = to_lima(NOW).date()


@pytest.fixture
def match(make):
    return make.match(make.mentor(), make.mentee(), start_date=TODAY - timedelta(days=20))


def _log(match, user, **overrides):
    values = dict(held_on=TODAY, duration_minutes=60, kind=SessionKind.IN_PERSON,
                  activity="Tarea de matemáticas", notes="", concern=False, concern_details="",
                  now=NOW)
    return services.log_session(match, user, **(values | overrides))


NOT_YOURS_OR_NOT_ACTIVE = "Sessions can be logged only for your own active matches."


def _refusal(match, user, **overrides) -> MentoringError:
    with pytest.raises(MentoringError) as info:
        _log(match, user, **overrides)
    return info.value


def test_mentor_logs_a_session_of_their_active_match(match, db):
    """Is a valid log saved with who logged it?"""
    session = _log(match, match.mentor.user)
    db.session.commit()
    saved = db.session.get(MentoringSession, session.id)
    assert (saved.duration_minutes, saved.logged_by_id) == (60, match.mentor.user_id)


def test_session_date_cannot_be_in_the_future(match):
    """Is tomorrow refused, on the date field?"""
    error = _refusal(match, match.mentor.user, held_on=TODAY + timedelta(days=1))
    assert error.field == "held_on"


def test_session_date_cannot_be_before_the_match_started(match):
    """Is a date before the start refused?"""
    error = _refusal(match, match.mentor.user, held_on=match.start_date - timedelta(days=1))
    assert error.field == "held_on"


@pytest.mark.parametrize("minutes, ok", [(4, False), (5, True), (600, True), (601, False)])
def test_session_duration_bounds(match, minutes, ok):
    """Are 5 and 600 minutes accepted, and 4 and 601 refused?"""
    if ok:
        assert _log(match, match.mentor.user, duration_minutes=minutes).id
    else:
        assert _refusal(match, match.mentor.user,
                        duration_minutes=minutes).field == "duration_minutes"


def test_another_mentor_cannot_log_on_a_match(match, make):
    """Can a mentor log a session on someone else's (active) match?"""
    error = _refusal(match, make.user(Role.MENTOR))
    assert (error.message, error.field) == (NOT_YOURS_OR_NOT_ACTIVE, None)


def test_no_log_on_a_paused_match(match, db):
    """Is logging refused once the match is no longer active?"""
    match.status = MatchStatus.PAUSED
    db.session.commit()
    error = _refusal(match, match.mentor.user)
    assert (error.message, error.field) == (NOT_YOURS_OR_NOT_ACTIVE, None)


@pytest.mark.parametrize("days, allowed", [(7, True), (8, False)])
def test_edit_window_is_seven_days(make, match, db, days, allowed):
    """May a mentor edit a log on day 7 after writing it, and not on day 8?"""
    session = make.session(match, held_on=TODAY - timedelta(days=10),
                         created_at=NOW - timedelta(days=days))
    user = match.mentor.user
    assert services.can_edit_session(session, user, NOW) is allowed
    values = dict(held_on=session.held_on, duration_minutes=90, kind=SessionKind.PHONE,
                  activity="Llamada", notes="", concern=False, concern_details="", now=NOW)
    if allowed:
        services.edit_session(session, user, **values)
        db.session.commit()
        assert db.session.get(MentoringSession, session.id).duration_minutes == 90
    else:
        with pytest.raises(MentoringError, match="can no longer be edited"):
            services.edit_session(session, user, **values)
        assert session.duration_minutes == 60


def test_concern_raises_an_alert_at_once_with_who_and_when(match, db):
    """Does a concern create an open alert with the mentor and the time?"""
    session = _log(match, match.mentor.user, concern=True, concern_details="Dice que le pegan")
    db.session.commit()
    alert = db.session.scalar(sa.select(SafeguardingAlert))
    assert (alert.kind, alert.session_id, alert.mentee_id) == (
        AlertKind.CONCERN, session.id, match.mentee_id)
    assert (alert.raised_by_id, alert.raised_at) == (match.mentor.user_id, NOW)
    assert alert.details == "Dice que le pegan"
    assert [a.id for a in open_alerts()] == [alert.id]


def test_concern_added_on_edit_raises_one_alert_and_cannot_be_removed(make, match, db):
    """Does ticking the concern on an edit alert once, and unticking it keep the flag?"""
    session = make.session(match, created_at=NOW)
    values = dict(held_on=TODAY, duration_minutes=60, kind=SessionKind.IN_PERSON,
                  activity="Paseo", notes="", concern_details="Moretones", now=NOW)
    services.edit_session(session, match.mentor.user, concern=True, **values)
    services.edit_session(session, match.mentor.user, concern=True, **values)
    services.edit_session(session, match.mentor.user, concern=False, **values)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(SafeguardingAlert.id))) == 1
    assert db.session.get(MentoringSession, session.id).safeguarding_concern is True


def test_alert_stays_open_until_follow_up_with_notes(match, make, db):
    """Is a follow-up without notes refused, and one with notes closing the alert?"""
    alert = make.alert(match)
    coordinator = make.user(Role.COORDINATOR)
    with pytest.raises(MentoringError):
        services.follow_up_alert(alert, notes="  ", by=coordinator, now=NOW)
    assert [a.id for a in open_alerts()] == [alert.id]
    services.follow_up_alert(alert, notes="Llamé a la madre; derivado a DEMUNA",
                             by=coordinator, now=NOW)
    db.session.commit()
    assert open_alerts() == []
    assert db.session.get(SafeguardingAlert, alert.id).followed_up_by_id == coordinator.id
    with pytest.raises(MentoringError):
        services.follow_up_alert(alert, notes="otra vez", by=coordinator, now=NOW)
