"""The demo data set: loaded once, realistic enough to try every screen, and idempotent."""
import pytest
import sqlalchemy as sa

from youthagainstguns.auth.models import Role, User
from youthagainstguns.certificates.models import Certificate
from youthagainstguns.demo import DEMO_PASSWORD, load_demo_data
from youthagainstguns.mentoring.models import (
    GuardianConsent,
    Match,
    MatchStatus,
    Mentee,
    MentoringSession,
    MentorProfile,
    SafeguardingAlert,
    StaffCheckIn,
)
from youthagainstguns.mentoring.status import MentorStatus, mentor_status
from youthagainstguns.schools.models import BlackoutDate, School, VenueKind
from youthagainstguns.speakers.models import Speaker
from youthagainstguns.speakers.services import VettingState, vetting_state
from youthagainstguns.surveys.models import SurveyPhase
from youthagainstguns.surveys.services import pair_responses, response_counts, workshop_surveys
from youthagainstguns.timeutil import utcnow
from youthagainstguns.workshops.models import RosterEntry, Workshop, WorkshopStatus

DEMO_ACCOUNTS = {
    "admin@example.org": Role.ADMIN, "coordinacion@example.org": Role.COORDINATOR,
    "mentor@example.org": Role.MENTOR, "colegio@example.org": Role.SCHOOL,
    "ponente@example.org": Role.SPEAKER,
}


def _count(db, model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _all_counts(db) -> dict[str, int]:
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


@pytest.fixture
def demo(db):
    """Load the demo data set once into the empty test database."""
    assert load_demo_data() is True
    db.session.commit()


@pytest.mark.usefixtures("demo")
def test_demo_has_venues_speakers_and_accounts(db, today):
    """Are there a dozen venues (two community centres), six speakers and every demo account?"""
    assert _count(db, School) == 12
    assert _count(db, School, School.kind == VenueKind.COMMUNITY_CENTRE) == 2
    assert _count(db, BlackoutDate) >= 3
    states = [vetting_state(s, today) for s in db.session.scalars(sa.select(Speaker))]
    assert len(states) == 6
    assert states.count(VettingState.LAPSED) == 1 and VettingState.EXPIRING in states
    assert any(s.excluded_districts for s in db.session.scalars(sa.select(Speaker)))
    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    for email, role in DEMO_ACCOUNTS.items():
        assert users[email].role == role
    assert users["ponente@example.org"].speaker.alias == "Hermano Lucho"


@pytest.mark.usefixtures("demo")
def test_demo_workshops_have_rosters_and_attendance(db):
    """Do past workshops carry marked rosters of 15–35, upcoming ones unmarked rosters?"""
    now = utcnow()
    workshops = db.session.scalars(sa.select(Workshop)).all()
    past = [w for w in workshops if w.status in (WorkshopStatus.HELD, WorkshopStatus.CLOSED)]
    upcoming = [w for w in workshops if w.status == WorkshopStatus.SCHEDULED]
    assert len(past) >= 4 and len(upcoming) >= 3
    assert _count(db, Workshop, Workshop.status == WorkshopStatus.CANCELLED) == 1
    for workshop in past:
        assert workshop.ends_at < now
        assert 15 <= len(workshop.roster) <= 35
        assert all(e.status is not None for e in workshop.roster)
        assert workshop.seats_taken == len(workshop.roster) <= workshop.capacity
    marked = {e.status for w in past for e in w.roster}
    assert len(marked) == 4  # present, late, excused and absent all occur
    for workshop in upcoming:
        assert workshop.starts_at > now and workshop.roster
        assert all(e.status is None for e in workshop.roster)
    school_user = db.session.scalar(sa.select(User).where(User.email == "colegio@example.org"))
    speaker = db.session.scalar(sa.select(Speaker).where(Speaker.alias == "Hermano Lucho"))
    for owner in ({w for w in workshops if w.venue_id == school_user.school_id},
                  {w for w in workshops if speaker in w.speakers}):
        assert any(w in past for w in owner) and any(w in upcoming for w in owner)
    assert _count(db, Certificate) >= 3
    assert _count(db, RosterEntry) >= 200


@pytest.mark.usefixtures("demo")
def test_demo_mentoring_covers_every_stage(app, db, today):
    """Are mentors at every screening stage, mentees with and without consent, and matches
    active and closed with sessions, check-ins and an open safeguarding alert?"""
    mentors = db.session.scalars(sa.select(MentorProfile)).all()
    with app.test_request_context():  # screening gaps are worded in the user's language
        statuses = [mentor_status(m, today) for m in mentors]
    assert len(mentors) == 10
    for status in MentorStatus:
        assert status in statuses, status
    assert _count(db, Mentee) == 25
    consented = sa.select(GuardianConsent.mentee_id)
    assert _count(db, Mentee, Mentee.id.not_in(consented)) >= 3
    assert _count(db, GuardianConsent, GuardianConsent.withdrawn_on.is_not(None)) >= 2
    assert _count(db, Mentee, Mentee.student_id.is_not(None)) >= 2
    assert _count(db, Match, Match.status == MatchStatus.ACTIVE) >= 3
    assert _count(db, Match, Match.status == MatchStatus.CLOSED) >= 2
    assert _count(db, MentoringSession, MentoringSession.safeguarding_concern) == 1
    assert _count(db, SafeguardingAlert, SafeguardingAlert.followed_up_at.is_(None)) == 1
    assert _count(db, StaffCheckIn) >= 5
    me = next(m for m in mentors if m.user.email == "mentor@example.org")
    assert sorted(m.status for m in me.matches) == [MatchStatus.ACTIVE, MatchStatus.CLOSED]
    assert all(m.sessions for m in me.matches)


def test_second_load_changes_nothing(db, demo):
    """Does loading the demo again return False and add no row anywhere?"""
    before = _all_counts(db)
    assert load_demo_data() is False
    db.session.commit()
    assert _all_counts(db) == before


@pytest.mark.usefixtures("demo")
def test_every_demo_account_logs_in(auth):
    """Can each demo account log in through the real form with the documented password?"""
    for email in DEMO_ACCOUNTS:
        response = auth.login(email, DEMO_PASSWORD)
        assert response.status_code == 302, email
        assert "/login" not in response.headers["Location"]


@pytest.mark.usefixtures("demo")
def test_demo_surveys_have_paired_answers(db):
    """Do two demo workshops carry a survey before and after, open to answers (guardians
    informed), with 12 students paired by code and more answering unpaired?"""
    surveyed = db.session.scalars(sa.select(Workshop).where(Workshop.guardians_informed)).all()
    assert len(surveyed) == 2
    for workshop in surveyed:
        assert set(workshop_surveys(workshop)) == set(SurveyPhase)
        assert len(pair_responses(workshop)) == 12
        assert sum(response_counts(workshop).values()) == 18 + 16
