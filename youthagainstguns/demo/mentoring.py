"""Build the mentoring side of the demo: mentors at each stage, mentees, matches, sessions."""
from datetime import time, timedelta
from decimal import Decimal

from ..auth.models import Role
from ..extensions import db
from ..mentoring.models import (
    AlertKind,
    BackgroundCheck,
    CheckInGoalRating,
    CheckResult,
    ClosureReason,
    ClosureType,
    ConsentMethod,
    GoalProgress,
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
from ..timeutil import lima_to_utc
from .data import ACTIVITIES, INTERESTS, MENTORS
from .programme import ProgrammeDemo


class MentoringDemo:
    """Mentors at each screening stage, mentees with and without consent, matches, sessions."""

    def __init__(self, demo: ProgrammeDemo):
        self.demo = demo
        self.day = demo.day
        self.rng = demo.rng
        self.by_id = demo.coordinator.id
        self.mentors: list[MentorProfile] = []
        self.mentees: list[Mentee] = []

    def build(self) -> None:
        """Create mentors, mentees, consents, then the matches between them."""
        for email, name, district, stage in MENTORS:
            self._mentor(email, name, district, stage)
        for index in range(25):
            self._mentee(index)
        db.session.flush()
        self._matches()

    def _mentor(self, email: str, name: str, district: str, stage: str) -> None:
        user = self.demo.account(email, name, Role.MENTOR)
        profile = MentorProfile(
            user=user, district=district, application_date=self.day(-30 if stage in (
                "applied", "interviewed", "references") else -500),
            phone=f"9{self.rng.randint(10, 99)} {self.rng.randint(100, 999)} 4{len(self.mentors)}7",
            interests=", ".join(self.rng.sample(INTERESTS, 3)),
            max_mentees=2 if email == "mentor@example.org" else 1,
        )
        if stage == "applied":
            profile.application_date = self.day(-5)
        else:
            self._screen(profile, stage)
        if stage == "inactive":
            profile.inactive_since = self.day(-60)
        db.session.add(profile)
        self.mentors.append(profile)

    def _screen(self, profile: MentorProfile, stage: str) -> None:
        """Add the screening records a mentor at `stage` has."""
        start = profile.application_date
        profile.interviews.append(MentorInterview(
            held_on=start + timedelta(days=7), interviewer=self.demo.coordinator,
            outcome=InterviewOutcome.RECOMMENDED, notes="Motivación clara; experiencia con "
            "jóvenes en su parroquia."))
        if stage == "interviewed":
            return
        for n, relation in enumerate(("Jefe de trabajo", "Párroco", "Vecina")[:2]):
            first, last = self.demo.person_name()
            profile.references.append(MentorReference(
                referee_name=f"{first} {last}", relation=relation,
                contacted_on=start + timedelta(days=10 + n), outcome=ReferenceOutcome.POSITIVE))
        if stage == "references":
            profile.references.pop()
            return
        checked = start + timedelta(days=14)
        expires = self.day(-15) if stage == "expired" else checked + timedelta(days=730)
        profile.background_checks.append(BackgroundCheck(
            checked_on=checked, result=CheckResult.CLEAR, expires_on=expires))
        if stage == "checked":
            return
        for n, (hours, topics) in enumerate(((Decimal("4"), "Rol del mentor, límites"),
                                             (Decimal("3"), "Protección infantil, reporte"))):
            profile.trainings.append(TrainingSession(
                held_on=start + timedelta(days=20 + n * 7), hours=hours, topics=topics))
        profile.decisions.append(ScreeningDecision(
            decided_on=start + timedelta(days=30), approved=True, decided_by_id=self.by_id,
            reason="Evaluación completa."))

    def _mentee(self, index: int) -> None:
        first, last = self.demo.person_name()
        school = self.demo.schools[index % 10]
        guardian_first, guardian_last = self.demo.person_name()
        relation = ("Madre", "Padre", "Abuela", "Tía")[index % 4]
        mentee = Mentee(
            first_name=first, last_names=last, school=school, district=school.district,
            date_of_birth=self.day(-365 * (12 + index % 6) - 40 * (index % 7)),
            interests=", ".join(self.rng.sample(INTERESTS, 2)),
            guardian_name=f"{guardian_first} {guardian_last}", guardian_relation=relation,
            guardian_phone=f"9{self.rng.randint(10, 99)} {self.rng.randint(100, 999)} "
                           f"{self.rng.randint(100, 999)}",
            referred_on=self.day(-10 - index * 4),
        )
        # 8..12 have no consent at all; 6 and 7 withdrew it; the rest consented.
        if not 8 <= index <= 12:
            mentee.consents.append(GuardianConsent(
                given_by=mentee.guardian_name, relation=relation,
                given_on=mentee.referred_on + timedelta(days=3),
                method=ConsentMethod.PAPER if index % 2 else ConsentMethod.IN_PERSON,
                covers_participation=True, covers_data_sharing=index % 3 != 0,
                covers_photos=index % 4 == 0, recorded_by_id=self.by_id))
        if index in (6, 7):
            consent = mentee.consents[0]
            consent.withdrawn_on = self.day(-20 if index == 6 else -8)
            consent.withdrawn_reason = "La familia se mudó de distrito." if index == 6 \
                else "La madre prefiere esperar al próximo año."
            consent.withdrawn_recorded_by_id = self.by_id
        db.session.add(mentee)
        self.mentees.append(mentee)

    def _matches(self) -> None:
        """Pair mentors and mentees at every stage of a match's life."""
        demo, m, e = self.demo, self.mentors, self.mentees
        e[0].student, e[0].school = demo.student_of("w1", 3), demo.schools[0]
        e[3].student, e[3].school = demo.student_of("w3", 5), demo.schools[2]
        e[13].student, e[13].school = demo.student_of("w4", 2), demo.schools[0]
        for mentee in (e[0], e[3], e[13]):
            mentee.district = mentee.school.district
        self._active(m[0], e[0], start=-90, sessions=(-85, -71, -57, -43, -29, -15, -3))
        self._closed(m[0], e[1], start=-400, end=-120, closure=(
            ClosureType.PLANNED, ClosureReason.COMPLETED_TERM), rematch=False)
        concern = self._active(m[1], e[2], start=-60, sessions=(-55, -41, -27, -6))
        self._raise_concern(concern)
        self._active(m[2], e[3], start=-120, sessions=(-113, -99, -85, -71, -55, -40))
        db.session.add(Match(mentor=m[3], mentee=e[4], status=MatchStatus.PROPOSED,
                             proposed_on=self.day(-3), proposed_by_id=self.by_id,
                             goals="Mejorar la asistencia y explorar talleres de música."))
        self._closed(m[8], e[5], start=-240, end=-70, closure=(
            ClosureType.UNPLANNED, ClosureReason.MENTOR_WITHDREW), rematch=True)
        self._closed(m[3], e[6], start=-200, end=-20, closure=(
            ClosureType.UNPLANNED, ClosureReason.CONSENT_WITHDRAWN), rematch=False)

    def _match(self, mentor, mentee, start: int, status: MatchStatus) -> Match:
        match = Match(
            mentor=mentor, mentee=mentee, status=status, proposed_on=self.day(start - 10),
            proposed_by_id=self.by_id, start_date=self.day(start),
            expected_end=self.day(start + 365), agreement_signed_on=self.day(start - 2),
            first_meeting_on=self.day(start),
            goals="Terminar el año escolar.\nDefinir una meta de estudios.\n"
                  "Alejarse de grupos de riesgo.",
        )
        db.session.add(match)
        return match

    def _active(self, mentor, mentee, start: int, sessions: tuple[int, ...]) -> Match:
        match = self._match(mentor, mentee, start, MatchStatus.ACTIVE)
        self._sessions(match, sessions)
        self._check_ins(match, start)
        return match

    def _closed(self, mentor, mentee, start: int, end: int, closure, rematch: bool) -> Match:
        match = self._match(mentor, mentee, start, MatchStatus.CLOSED)
        match.closed_on, match.rematch, match.closed_by_id = self.day(end), rematch, self.by_id
        match.closure_type, match.closure_reason = closure
        match.exit_notes = "Reunión de cierre con el mentoreado y su familia."
        self._sessions(match, tuple(range(start + 5, end, 21)))
        self._check_ins(match, start, until=end)
        return match

    def _sessions(self, match: Match, offsets: tuple[int, ...]) -> None:
        for offset in offsets:
            match.sessions.append(MentoringSession(
                held_on=self.day(offset), duration_minutes=self.rng.choice((45, 60, 90, 120)),
                kind=self.rng.choice((SessionKind.IN_PERSON, SessionKind.IN_PERSON,
                                      SessionKind.PHONE, SessionKind.VIDEO)),
                activity=self.rng.choice(ACTIVITIES), notes="Buena disposición.",
                logged_by_id=match.mentor.user.id,
                created_at=lima_to_utc(self.day(offset), time(20)),
            ))

    def _check_ins(self, match: Match, start: int, until: int = 0) -> None:
        """Staff contact on days 10 and 28 of the match, then monthly (skipping the last);
        at each, every goal is rated, each later goal moving on more slowly."""
        # By the check-in's number, not the demo's random numbers: drawing more of them would
        # change everything the demo builds after this.
        progress = list(GoalProgress)
        offsets = (*range(start + 10, min(start + 30, until), 18),
                   *range(start + 58, until - 30, 30))
        for n, offset in enumerate(offsets):
            match.check_ins.append(StaffCheckIn(
                held_on=self.day(offset), by_id=self.by_id, method=SessionKind.PHONE,
                notes="Llamada al mentor y a la familia: sin novedades.",
                goal_ratings=[CheckInGoalRating(
                    position=position, goal=goal,
                    progress=progress[min(n // (position + 2), len(progress) - 1)])
                    for position, goal in enumerate(match.goal_list())]))

    def _raise_concern(self, match: Match) -> None:
        """Flag the latest session as a safeguarding concern, with an open alert."""
        db.session.flush()
        session = match.sessions[-1]
        session.safeguarding_concern = True
        session.notes = "Comentó que lo presionan para guardar un paquete en su casa."
        db.session.add(SafeguardingAlert(
            kind=AlertKind.CONCERN, match=match, mentee=match.mentee, session_id=session.id,
            raised_by_id=match.mentor.user_id, raised_at=session.created_at,
            details="El mentoreado contó que un grupo del barrio le pide guardar un paquete."))
