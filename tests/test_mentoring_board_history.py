"""The board's rules read from indexes, never from a kept copy: a session edited or removed, a
check-in recorded, a background check renewed show on the board at once, and a long history
behind a record does not change what the board says about it."""
from datetime import timedelta

from youthagainstguns.auth.models import Role
from youthagainstguns.mentoring import board, services
from youthagainstguns.mentoring.enums import SessionKind
from youthagainstguns.timeutil import utcnow


def _quiet_ids(today):
    return {row.match_id for row in board.quiet_matches(today)}


def _edit(session, held_on):
    services.edit_session(
        session, session.match.mentor.user, held_on=held_on, duration_minutes=60,
        kind=SessionKind.IN_PERSON, activity="Paseo", notes="", concern=False,
        concern_details="", now=utcnow())


def test_an_edited_session_date_moves_the_match_on_and_off_the_quiet_list(make, db, today):
    """Does correcting the date of the latest session to 40 days ago make the match quiet,
    and back to 5 days ago make it not quiet, on the board and in its count?"""
    match = make.match(make.mentor(), make.mentee(), start_date=today - timedelta(days=90))
    make.session(match, held_on=today - timedelta(days=60))
    latest = make.session(match, held_on=today - timedelta(days=5))
    assert match.id not in _quiet_ids(today)

    _edit(latest, today - timedelta(days=40))
    rows = board.quiet_matches(today)
    assert [(r.match_id, r.days) for r in rows] == [(match.id, 40)]
    assert board.board(today)["counts"]["quiet"] == 1

    _edit(latest, today - timedelta(days=5))
    assert match.id not in _quiet_ids(today)
    assert board.rule_count("quiet", today) == 0


def test_a_removed_session_counts_the_match_from_its_previous_session(make, db, today):
    """With its latest session removed, is the match quiet from the session before?"""
    match = make.match(make.mentor(), make.mentee(), start_date=today - timedelta(days=90))
    make.session(match, held_on=today - timedelta(days=45))
    latest = make.session(match, held_on=today - timedelta(days=2))
    assert match.id not in _quiet_ids(today)
    db.session.delete(latest)
    db.session.flush()
    assert [(r.match_id, r.days) for r in board.quiet_matches(today)] == [(match.id, 45)]


def test_a_recorded_check_in_takes_the_match_off_the_overdue_list(make, db, today):
    """Does a check-in recorded through the service clear a match 20 days in with none?"""
    match = make.match(make.mentor(), make.mentee(), start_date=today - timedelta(days=20))
    assert [r.match_id for r in board.overdue_check_ins(today)] == [match.id]
    services.record_check_in(match, held_on=today, method=SessionKind.PHONE, notes="",
                             today=today, by=make.user(Role.COORDINATOR))
    assert board.overdue_check_ins(today) == []
    assert board.rule_count("check_ins", today) == 0


def test_check_ins_before_the_start_do_not_count(make, db, today):
    """Is a check-in dated before the match started left out of what is due?"""
    match = make.match(make.mentor(), make.mentee(), start_date=today - timedelta(days=20))
    make.check_in(match, today - timedelta(days=25))
    assert [r.match_id for r in board.overdue_check_ins(today)] == [match.id]


def test_only_the_latest_background_check_counts(make, db, today):
    """Is a mentor whose old check lapses soon but who was checked again left off, and one
    whose newer check lapses soon listed, whatever the older checks say?"""
    renewed = make.mentor(check_expires=today + timedelta(days=5))
    make.background_check(renewed, checked_on=today - timedelta(days=2),
                          expires_on=today + timedelta(days=363))
    lapsing = make.mentor(check_expires=today + timedelta(days=300))
    make.background_check(lapsing, checked_on=today - timedelta(days=1),
                          expires_on=today + timedelta(days=10))
    rows = board.expiring_checks(today)
    assert [(r.mentor_id, r.expires_on) for r in rows] == [
        (lapsing.id, today + timedelta(days=10))]
    assert board.rule_counts(today)["checks"] == 1


def test_of_two_checks_on_the_same_day_the_later_recorded_counts(make, db, today):
    """With two checks of the same day, does the one recorded last decide?"""
    mentor = make.mentor(check_expires=today + timedelta(days=300))
    make.background_check(mentor, checked_on=today - timedelta(days=40),
                          expires_on=today + timedelta(days=12))
    assert [r.mentor_id for r in board.expiring_checks(today)] == [mentor.id]


def test_an_expired_check_is_listed_only_while_the_mentor_has_an_active_match(make, db, today):
    """Is a lapsed check flagged for a mentor with an active match, even with an older check
    that is still valid, and not once the match is paused?"""
    mentor = make.mentor(check_expires=today + timedelta(days=200))
    make.background_check(mentor, checked_on=today - timedelta(days=10),
                          expires_on=today - timedelta(days=1))
    match = make.match(mentor, make.mentee())
    assert [(r.mentor_id, r.expired) for r in board.expiring_checks(today)] == [
        (mentor.id, True)]
    match.pause("Viaje")
    db.session.flush()
    assert board.expiring_checks(today) == []


def test_a_followed_up_alert_leaves_the_board(make, db, today):
    """Does the board list open alerts only, oldest first, and count them exactly?"""
    match = make.match(make.mentor(), make.mentee())
    now = utcnow()
    older = make.alert(match, raised_at=now - timedelta(days=3))
    newer = make.alert(match, raised_at=now - timedelta(days=1))
    done = make.alert(match, raised_at=now - timedelta(days=5))
    services.follow_up_alert(done, notes="Llamé a la madre", by=make.user(Role.COORDINATOR),
                             now=now)
    top, count = board.rule_top("alerts", today, board.BOARD_TOP)
    assert ([a.id for a in top], count) == ([older.id, newer.id], 2)
