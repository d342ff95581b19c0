"""Pairing refusals, the match lifecycle, and what withdrawing consent does."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from youthagainstguns.auth.models import Role
from youthagainstguns.mentoring import services
from youthagainstguns.mentoring.board import waiting_mentees
from youthagainstguns.mentoring.errors import MentoringError, PairingRefused
from youthagainstguns.mentoring.mentee_records import withdraw_consent
from youthagainstguns.mentoring.models import (
    AlertKind,
    ClosureReason,
    ClosureType,
    Match,
    MatchStatus,
    SafeguardingAlert,
)

pytestmark = pytest.mark.usefixtures("english_request")

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


@pytest.fixture
def coordinator(make):
    return make.user(Role.COORDINATOR)


def _refused(mentor, mentee, today, coordinator) -> PairingRefused:
    with pytest.raises(PairingRefused) as info:
        services.propose_match(mentor, mentee, goals="", on=today, by=coordinator)
    return info.value


def test_ready_mentor_and_consented_mentee_can_be_paired(make, db, today, coordinator):
    """Is a proposal between a ready mentor and a consented mentee saved as proposed?"""
    match = services.propose_match(make.mentor(), make.mentee(), goals="Terminar el colegio",
                                   on=today, by=coordinator)
    db.session.commit()
    assert db.session.get(Match, match.id).status == MatchStatus.PROPOSED


def test_pairing_refused_for_a_mentor_in_screening_names_what_is_missing(make, today, coordinator):
    """Is a mentor without references and decision refused, with both named?"""
    mentor = make.mentor(steps=("interview", "check", "training"))
    refused = _refused(mentor, make.mentee(), today, coordinator)
    assert refused.codes == ["screening"]
    assert "two positive references" in refused.message
    assert "an approval decision" in refused.message


def test_pairing_refused_when_training_is_missing(make, today, coordinator):
    """Is a mentor screened but not trained refused, naming the training?"""
    mentor = make.mentor(steps=("interview", "references", "check", "decision"))
    refused = _refused(mentor, make.mentee(), today, coordinator)
    assert refused.codes == ["screening"]
    assert "training of at least 6 hours" in refused.message


def test_pairing_refused_when_background_check_expired(make, today, coordinator):
    """Is a mentor whose check expired refused, with the expiry date?"""
    mentor = make.mentor(check_expires=today - timedelta(days=2))
    refused = _refused(mentor, make.mentee(), today, coordinator)
    assert refused.codes == ["check_expired"]
    assert (today - timedelta(days=2)).strftime("%d/%m/%Y") in refused.message


def test_pairing_refused_when_mentor_inactive(make, today, coordinator):
    """Is a mentor who stepped back refused?"""
    refused = _refused(make.mentor(inactive_since=today), make.mentee(), today, coordinator)
    assert refused.codes == ["mentor_inactive"]


def test_pairing_refused_when_mentor_at_capacity(make, today, coordinator):
    """Is a mentor with all places taken (a proposed match counts) refused?"""
    mentor = make.mentor(max_mentees=1)
    make.match(mentor, make.mentee(), status=MatchStatus.PROPOSED)
    refused = _refused(mentor, make.mentee(), today, coordinator)
    assert refused.codes == ["at_capacity"]
    assert "1 of 1" in refused.message


def test_pairing_refused_without_participation_consent(make, today, coordinator):
    """Is a mentee with only a photo consent refused for lack of participation consent?"""
    mentee = make.mentee(consent=False)
    make.consent(mentee, covers_participation=False, covers_photos=True)
    refused = _refused(make.mentor(), mentee, today, coordinator)
    assert refused.codes == ["no_consent"]


def test_pairing_refused_when_consent_was_withdrawn(make, db, today, coordinator):
    """Is a mentee whose guardian withdrew consent refused, saying so?"""
    mentee = make.mentee()
    mentee.consents[0].withdrawn_on = today - timedelta(days=1)
    db.session.commit()
    refused = _refused(make.mentor(), mentee, today, coordinator)
    assert refused.codes == ["consent_withdrawn"]


def test_pairing_refused_when_mentee_already_matched(make, today, coordinator):
    """Is a mentee already in a proposed or active match refused a second one?"""
    mentee = make.mentee()
    make.match(make.mentor(), mentee, status=MatchStatus.PROPOSED)
    refused = _refused(make.mentor(), mentee, today, coordinator)
    assert refused.codes == ["mentee_matched"]


def test_pairing_lists_every_reason_at_once(make, today, coordinator):
    """Are all the reasons given together, not one per attempt?"""
    mentee = make.mentee(consent=False)
    refused = _refused(make.mentor(inactive_since=today), mentee, today, coordinator)
    assert refused.codes == ["mentor_inactive", "no_consent"]


# --- Lifecycle -----------------------------------------------------------------------------

def _activate(match, today, coordinator, **overrides):
    values = dict(agreement_signed_on=today, first_meeting_on=today, start_date=today,
                  expected_end=today + timedelta(days=365))
    services.activate_match(match, today=today, by=coordinator, **(values | overrides))


def test_match_lifecycle_proposed_active_paused_active_closed(make, db, today, coordinator):
    """Does a match move proposed → active → paused → active → closed with its data kept?"""
    match = make.match(make.mentor(), make.mentee(), status=MatchStatus.PROPOSED)
    _activate(match, today, coordinator)
    assert match.status == MatchStatus.ACTIVE and match.start_date == today
    services.pause_match(match, reason="Viaje familiar", by=coordinator)
    assert match.status == MatchStatus.PAUSED and match.paused_reason == "Viaje familiar"
    services.resume_match(match, today=today, by=coordinator)
    assert match.status == MatchStatus.ACTIVE and match.paused_reason is None
    services.close_match(match, closed_on=today, closure_type=ClosureType.PLANNED,
                         reason=ClosureReason.COMPLETED_TERM, exit_notes="Cumplió metas",
                         rematch=False, today=today, now=NOW, by=coordinator)
    db.session.commit()
    match = db.session.get(Match, match.id)
    assert (match.status, match.closure_reason, match.rematch) == (
        MatchStatus.CLOSED, ClosureReason.COMPLETED_TERM, False)
    assert match.closed_by_id == coordinator.id
    assert match.mentee.archived_at is not None


@pytest.mark.parametrize("status, action", [
    (MatchStatus.ACTIVE, "activate"),
    (MatchStatus.CLOSED, "activate"),
    (MatchStatus.PROPOSED, "pause"),
    (MatchStatus.PAUSED, "pause"),
    (MatchStatus.ACTIVE, "resume"),
    (MatchStatus.CLOSED, "close"),
])
def test_illegal_transitions_are_refused(make, today, coordinator, status, action):
    """Is each transition from the wrong status refused with a message, leaving the status?"""
    match = make.match(make.mentor(), make.mentee(), status=status)
    calls = {
        "activate": lambda: _activate(match, today, coordinator),
        "pause": lambda: services.pause_match(match, reason="x", by=coordinator),
        "resume": lambda: services.resume_match(match, today=today, by=coordinator),
        "close": lambda: services.close_match(
            match, closed_on=today, closure_type=ClosureType.UNPLANNED,
            reason=ClosureReason.OTHER, exit_notes="x", rematch=True, today=today, now=NOW,
            by=coordinator),
    }
    with pytest.raises(MentoringError) as info:
        calls[action]()
    assert info.value.message
    assert match.status == status


def test_activation_rechecks_the_pairing_rules(make, db, today, coordinator):
    """Is a proposed match refused activation once the mentor's check has expired?"""
    mentor = make.mentor(check_expires=today + timedelta(days=1))
    match = make.match(mentor, make.mentee(), status=MatchStatus.PROPOSED)
    mentor.background_checks[0].expires_on = today
    db.session.commit()
    with pytest.raises(PairingRefused) as info:
        _activate(match, today, coordinator)
    assert info.value.codes == ["check_expired"]


def test_activation_refuses_an_end_before_the_start(make, today, coordinator):
    """Is an expected end before the start refused on that field?"""
    match = make.match(make.mentor(), make.mentee(), status=MatchStatus.PROPOSED)
    with pytest.raises(MentoringError) as info:
        _activate(match, today, coordinator, expected_end=today - timedelta(days=1))
    assert info.value.field == "expected_end"


def test_closing_with_rematch_puts_the_mentee_back_on_the_waiting_list(make, db, today,
                                                                       coordinator):
    """Does a rematch restart the mentee's wait from the closure date?"""
    mentee = make.mentee(referred_on=today - timedelta(days=200))
    match = make.match(make.mentor(), mentee, start_date=today - timedelta(days=100))
    closed_on = today - timedelta(days=20)
    services.close_match(match, closed_on=closed_on, closure_type=ClosureType.UNPLANNED,
                         reason=ClosureReason.MENTOR_WITHDREW, exit_notes="Se mudó",
                         rematch=True, today=today, now=NOW, by=coordinator)
    db.session.commit()
    assert mentee.referred_on == closed_on and mentee.archived_at is None
    assert [row.mentee_id for row in waiting_mentees(today)] == [mentee.id]


def test_resuming_needs_participation_consent(make, db, today, coordinator):
    """Is a match paused for withdrawn consent kept paused until consent is given again?"""
    mentee = make.mentee()
    match = make.match(make.mentor(), mentee)
    withdraw_consent(mentee.consents[0], on=today, reason="La madre no quiere", by=coordinator,
                     today=today, now=NOW)
    with pytest.raises(MentoringError):
        services.resume_match(match, today=today, by=coordinator)
    make.consent(mentee, given_on=today)
    services.resume_match(match, today=today, by=coordinator)
    assert match.status == MatchStatus.ACTIVE


# --- Consent -------------------------------------------------------------------------------

def test_withdrawing_participation_consent_pauses_and_alerts(make, db, today, coordinator):
    """Does withdrawal pause the active match and raise a consent alert for coordinators?"""
    mentee = make.mentee()
    match = make.match(make.mentor(), mentee)
    paused = withdraw_consent(mentee.consents[0], on=today, reason="Cambio de opinión",
                              by=coordinator, today=today, now=NOW)
    db.session.commit()
    assert paused == [match]
    match = db.session.get(Match, match.id)
    assert match.status == MatchStatus.PAUSED
    assert "consent" in match.paused_reason
    alert = db.session.scalar(sa.select(SafeguardingAlert))
    assert (alert.kind, alert.mentee_id, alert.match_id) == (
        AlertKind.CONSENT_WITHDRAWN, mentee.id, match.id)
    assert alert.followed_up_at is None and alert.raised_by_id == coordinator.id
    assert not mentee.has_participation_consent(today)
    assert mentee.has_participation_consent(today - timedelta(days=1))


def test_withdrawing_a_photo_consent_leaves_the_match_alone(make, db, today, coordinator):
    """Does withdrawing a consent that did not cover participation change nothing else?"""
    mentee = make.mentee()
    photos = make.consent(mentee, covers_participation=False, covers_photos=True)
    match = make.match(make.mentor(), mentee)
    assert withdraw_consent(photos, on=today, reason="Sin fotos", by=coordinator,
                            today=today, now=NOW) == []
    assert match.status == MatchStatus.ACTIVE
    assert db.session.scalar(sa.select(sa.func.count(SafeguardingAlert.id))) == 0


def test_withdrawal_cannot_be_dated_in_the_future(make, today, coordinator):
    """Is a withdrawal dated tomorrow refused on its field?"""
    mentee = make.mentee()
    with pytest.raises(MentoringError) as info:
        withdraw_consent(mentee.consents[0], on=today + timedelta(days=1), reason="x",
                         by=coordinator, today=today, now=NOW)
    assert info.value.field == "withdrawn_on"
