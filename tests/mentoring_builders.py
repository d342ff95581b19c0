"""Builders for mentoring records: a ready mentor, a consented mentee, a match, a session."""
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from youthagainstguns.auth.models import Role
from youthagainstguns.mentoring.models import (
    AlertKind,
    BackgroundCheck,
    CheckResult,
    ConsentMethod,
    GuardianConsent,
    InterviewOutcome,
    Match,
    MatchStatus,
    Mentee,
    MentoringSession,
    MentorInterview,
    MentorProfile,
    MentorReference,
    ReferenceOutcome,
    SafeguardingAlert,
    ScreeningDecision,
    SessionKind,
    StaffCheckIn,
    TrainingSession,
)
from youthagainstguns.timeutil import today_lima

SCREENING_STEPS = ("interview", "references", "check", "training", "decision")


class MentoringBuilders:
    """mm.mentor(), mm.mentee(), mm.match(mentor, mentee) ... each commits and returns."""

    def __init__(self, make):
        self.make = make
        self.db = make.db

    def _save(self, *records):
        self.db.session.add_all(records)
        self.db.session.commit()
        return records[0]

    def mentor(self, steps=SCREENING_STEPS, user=None, check_expires: date | None = None,
               hours: str = "6", **fields) -> MentorProfile:
        """Return a mentor with the given screening steps done (all of them by default)."""
        today = today_lima()
        user = user or self.make.user(Role.MENTOR)
        defaults = dict(application_date=today - timedelta(days=60),
                        district="San Juan de Lurigancho", max_mentees=1)
        mentor = MentorProfile(user=user, **(defaults | fields))
        records = [mentor]
        if "interview" in steps:
            records.append(MentorInterview(mentor=mentor, held_on=today - timedelta(days=50),
                                           outcome=InterviewOutcome.RECOMMENDED))
        if "references" in steps:
            records += [MentorReference(mentor=mentor, referee_name=f"Referencia {n}",
                                        relation="Vecina", contacted_on=today - timedelta(days=45),
                                        outcome=ReferenceOutcome.POSITIVE) for n in (1, 2)]
        if "check" in steps:
            records.append(BackgroundCheck(
                mentor=mentor, checked_on=today - timedelta(days=40), result=CheckResult.CLEAR,
                expires_on=check_expires or today + timedelta(days=325)))
        if "training" in steps:
            records.append(TrainingSession(mentor=mentor, held_on=today - timedelta(days=30),
                                           hours=Decimal(hours), topics="Protección infantil"))
        if "decision" in steps:
            records.append(ScreeningDecision(mentor=mentor, decided_on=today - timedelta(days=20),
                                             approved=True))
        return self._save(*records)

    def mentee(self, consent: bool = True, **fields) -> Mentee:
        """Return a 15-year-old mentee, with participation consent unless told otherwise."""
        today = today_lima()
        defaults = dict(first_name="Lucía", last_names="Quispe Mamani",
                        date_of_birth=date(today.year - 15, 1, 15),
                        district="San Juan de Lurigancho", guardian_name="Rosa Mamani",
                        guardian_relation="Madre", guardian_phone="987654321",
                        referred_on=today - timedelta(days=3))
        mentee = self._save(Mentee(**(defaults | fields)))
        if consent:
            self.consent(mentee)
        return mentee

    def consent(self, mentee: Mentee, **fields) -> GuardianConsent:
        """Return a participation consent given on paper a week ago."""
        defaults = dict(given_by=mentee.guardian_name, relation=mentee.guardian_relation,
                        given_on=today_lima() - timedelta(days=7), method=ConsentMethod.PAPER,
                        covers_participation=True)
        return self._save(GuardianConsent(mentee=mentee, **(defaults | fields)))

    def match(self, mentor: MentorProfile, mentee: Mentee, status=MatchStatus.ACTIVE,
              start_date: date | None = None, **fields) -> Match:
        """Return a match, active since `start_date` (10 days ago) unless told otherwise."""
        today = today_lima()
        start = start_date or today - timedelta(days=10)
        defaults = dict(proposed_on=start - timedelta(days=5), status=status)
        if status != MatchStatus.PROPOSED:
            defaults |= dict(start_date=start, agreement_signed_on=start,
                             first_meeting_on=start, expected_end=start + timedelta(days=365))
        return self._save(Match(mentor=mentor, mentee=mentee, **(defaults | fields)))

    def session(self, match: Match, held_on: date | None = None, created_at=None,
                **fields) -> MentoringSession:
        """Return an hour-long in-person session."""
        defaults = dict(held_on=held_on or today_lima(), duration_minutes=60,
                        kind=SessionKind.IN_PERSON, activity="Paseo y conversación",
                        logged_by_id=match.mentor.user_id,
                        created_at=created_at or datetime.now(UTC))
        return self._save(MentoringSession(match=match, **(defaults | fields)))

    def alert(self, match: Match, **fields) -> SafeguardingAlert:
        """Return an open concern alert on a match."""
        defaults = dict(kind=AlertKind.CONCERN, details="Llegó con moretones")
        return self._save(SafeguardingAlert(match=match, mentee_id=match.mentee_id,
                                            **(defaults | fields)))

    def check_in(self, match: Match, held_on: date) -> StaffCheckIn:
        """Return a phone check-in held on a date."""
        return self._save(StaffCheckIn(match=match, held_on=held_on, method=SessionKind.PHONE))
