"""Derived mentor status, what is missing in screening, and suggested mentors with reasons."""
from datetime import timedelta
from decimal import Decimal

import pytest

from tests.builders import SCREENING_STEPS
from youthagainstguns.auth.models import Role
from youthagainstguns.mentoring.matching import suggest_mentors
from youthagainstguns.mentoring.models import (
    BackgroundCheck,
    CheckResult,
    MatchStatus,
    ScreeningDecision,
    TrainingSession,
)
from youthagainstguns.mentoring.status import MentorStatus, mentor_status, screening_gaps
from youthagainstguns.text import normalise

pytestmark = pytest.mark.usefixtures("english_request")


def _codes(mentor, today):
    return [gap.code for gap in screening_gaps(mentor, today)]


def test_status_moves_through_each_screening_step(make, db, today):
    """Does a mentor stay in screening until every step is done, naming what is missing?"""
    mentor = make.mentor(steps=())
    assert mentor_status(mentor, today) == MentorStatus.IN_SCREENING
    assert _codes(mentor, today) == ["interview", "references", "background_check", "training",
                                     "decision"]
    done = []
    for step, code in zip(SCREENING_STEPS, _codes(mentor, today), strict=True):
        done.append(step)
        mentor = make.mentor(steps=tuple(done))
        assert code not in _codes(mentor, today)
    assert _codes(mentor, today) == []
    assert mentor_status(mentor, today) == MentorStatus.READY


def test_one_positive_reference_is_not_enough(make, db, today):
    """Are two positive references required, with the count so far shown?"""
    mentor = make.mentor()
    mentor.references[0].outcome = "negative"
    db.session.commit()
    gaps = screening_gaps(mentor, today)
    assert [g.code for g in gaps] == ["references"]
    assert "1 so far" in gaps[0].text


def test_training_needs_the_minimum_hours(make, db, today):
    """Does training under 6 hours keep the mentor in screening, and 6 hours in total pass?"""
    mentor = make.mentor(hours="4")
    assert _codes(mentor, today) == ["training"]
    assert mentor_status(mentor, today) == MentorStatus.IN_SCREENING
    db.session.add(TrainingSession(mentor=mentor, held_on=today, hours=Decimal("2"),
                                   topics="Escucha activa"))
    db.session.commit()
    assert mentor_status(mentor, today) == MentorStatus.READY


def test_a_not_clear_check_is_missing_a_clear_one(make, db, today):
    """Does a check that found records count as missing a clear check?"""
    mentor = make.mentor()
    mentor.background_checks[0].result = CheckResult.NOT_CLEAR
    db.session.commit()
    assert _codes(mentor, today) == ["background_check"]


def test_expired_check_makes_the_mentor_expired(make, db, today):
    """Is a mentor whose latest check lapsed on or before today 'expired', and valid the day
    before?"""
    mentor = make.mentor(check_expires=today + timedelta(days=1))
    assert mentor_status(mentor, today) == MentorStatus.READY
    assert mentor_status(mentor, today + timedelta(days=1)) == MentorStatus.EXPIRED


def test_a_newer_check_renews_an_expired_one(make, db, today):
    """Does the latest check count, not an older expired one?"""
    mentor = make.mentor(check_expires=today - timedelta(days=1))
    assert mentor_status(mentor, today) == MentorStatus.EXPIRED
    db.session.add(BackgroundCheck(mentor=mentor, checked_on=today, result=CheckResult.CLEAR,
                                   expires_on=today + timedelta(days=365)))
    db.session.commit()
    assert mentor_status(mentor, today) == MentorStatus.READY


def test_active_match_makes_the_mentor_active(make, today):
    """Is a ready mentor with an active match 'active' (and not with a proposed one)?"""
    mentor = make.mentor(max_mentees=2)
    make.match(mentor, make.mentee(), status=MatchStatus.PROPOSED)
    assert mentor_status(mentor, today) == MentorStatus.READY
    make.match(mentor, make.mentee())
    assert mentor_status(mentor, today) == MentorStatus.ACTIVE


def test_inactive_since_and_refusal_make_the_mentor_inactive(make, db, today):
    """Do a step-back date and a latest 'not approved' decision each make a mentor inactive?"""
    stepped_back = make.mentor(inactive_since=today)
    assert mentor_status(stepped_back, today) == MentorStatus.INACTIVE
    refused = make.mentor()
    db.session.add(ScreeningDecision(mentor=refused, decided_on=today, approved=False,
                                     reason="No se presentó"))
    db.session.commit()
    assert mentor_status(refused, today) == MentorStatus.INACTIVE


# --- Suggestions ---------------------------------------------------------------------------

def test_normalise_folds_case_and_accents():
    """Do "Fútbol " and "futbol" compare equal?"""
    assert normalise("Fútbol ") == normalise("FUTBOL") == "futbol"


def test_suggestions_rank_by_district_interests_preferences_and_capacity(make, today):
    """Are mentors ranked by the score, with each reason shown?"""
    mentee = make.mentee(district="Comas", interests="Fútbol, música, dibujo",
                       preferences="mentora que hable quechua")
    near = make.mentor(user=make.user(Role.MENTOR, full_name="Near"), district="Comas",
                     interests="futbol")
    shared = make.mentor(user=make.user(Role.MENTOR, full_name="Shared"), district="Ate",
                       interests="FÚTBOL, Música, Dibujo, cocina", preferences="Hablo quechua")
    roomy = make.mentor(user=make.user(Role.MENTOR, full_name="Roomy"), district="Ate",
                      max_mentees=3)
    result = suggest_mentors(mentee, today)
    assert [s.mentor.id for s in result] == [shared.id, near.id, roomy.id]
    by_id = {s.mentor.id: s for s in result}
    assert by_id[shared.id].score == 3 * 2 + 1 + 1
    assert "Shared interests: dibujo, Fútbol, música" in by_id[shared.id].reasons[0]
    assert "quechua" in by_id[shared.id].reasons[1]
    assert by_id[near.id].reasons[0] == "Same district (Comas)"
    assert by_id[near.id].score == 3 + 2 + 1
    assert by_id[roomy.id].reasons == ["Spare capacity: 3 of 3 places free"]


def test_suggestions_break_ties_deterministically(make, today):
    """With equal scores, does the earlier applicant come first, then the lower id?"""
    mentee = make.mentee(district="Comas")
    later = make.mentor(application_date=today - timedelta(days=10))
    earlier = make.mentor(application_date=today - timedelta(days=90))
    same_day = make.mentor(application_date=today - timedelta(days=10))
    assert [s.mentor.id for s in suggest_mentors(mentee, today)] == [
        earlier.id, later.id, same_day.id]


def test_suggestions_leave_out_mentors_not_ready_or_full(make, today):
    """Are mentors in screening, expired, inactive or at capacity left out?"""
    mentee = make.mentee()
    ready = make.mentor()
    make.mentor(steps=("interview", "references", "check", "decision"))
    make.mentor(check_expires=today)
    make.mentor(inactive_since=today - timedelta(days=1))
    full = make.mentor()
    make.match(full, make.mentee())
    assert [s.mentor.id for s in suggest_mentors(mentee, today)] == [ready.id]


def test_suggestions_use_a_bounded_number_of_queries(make, db, today, count_queries):
    """Does the number of queries stay the same with many mentors?"""
    mentee = make.mentee()
    for _ in range(12):
        make.mentor()
    db.session.expire_all()
    with count_queries() as counter:
        assert len(suggest_mentors(mentee, today, limit=20)) == 12
    assert counter["n"] <= 8
