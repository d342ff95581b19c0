"""Builders for test records: `make.school()`, `make.workshop()`, `make.match(...)` ...

One API for every area: sensible defaults, every field overridable, each record committed and
returned. Grouped by area below; the `make` fixture is the whole of it.
"""
import itertools
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pyotp

from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import Role, User
from youthagainstguns.certificates.models import Certificate, CertificateKind
from youthagainstguns.demo import DEMO_PASSWORD
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
from youthagainstguns.schools.models import School, VenueKind
from youthagainstguns.speakers.models import Speaker, VettingDecision
from youthagainstguns.timeutil import LIMA, lima_to_utc, today_lima, utcnow
from youthagainstguns.workshops.models import (
    AttendanceStatus,
    RosterEntry,
    Student,
    Workshop,
    WorkshopStatus,
    workshop_speakers,
)

SCREENING_STEPS = ("interview", "references", "check", "training", "decision")
_counter = itertools.count(1)


class _Records:
    def __init__(self, db):
        self.db = db

    def _save(self, *records):
        self.db.session.add_all(records)
        self.db.session.commit()
        return records[0]

    def days_from_today(self, days: int) -> date:
        """Return the Lima date `days` away from today."""
        return today_lima() + timedelta(days=days)

    def audit_event(self, action: str = "match.view", *, at: datetime | None = None,
                    actor=None, object_type: str = "Match", object_id: int | None = 1,
                    summary: str = "") -> AuditEvent:
        """Return an audit event, recorded now unless `at` (aware) says when."""
        return self._save(AuditEvent(action=action, at=at or utcnow(), object_type=object_type,
                                     object_id=object_id, summary=summary,
                                     actor_id=actor.id if actor else None))


class _People(_Records):
    def school(self, **fields) -> School:
        """Return a school in San Juan de Lurigancho unless told otherwise."""
        n = next(_counter)
        defaults = dict(name=f"I.E. Prueba {n}", kind=VenueKind.SCHOOL,
                        district="San Juan de Lurigancho", address=f"Av. Próceres {n}")
        return self._save(School(**(defaults | fields)))

    def user(self, role: Role = Role.COORDINATOR, password: str = DEMO_PASSWORD,
             two_step: bool | None = None, **fields) -> User:
        """Return an active account of `role` that can log in with `password`.

        Staff get a second step already set up (a test computes its codes with pyotp from
        `user.totp_secret`) unless two_step=False; others only with two_step=True.
        """
        from flask import current_app
        from werkzeug.security import generate_password_hash

        n = next(_counter)
        if role == Role.SCHOOL and "school_id" not in fields and "school" not in fields:
            fields["school"] = self.school()
        defaults = dict(email=f"{role.value}{n}@example.org", full_name=f"Persona {n}",
                        role=role)
        if two_step if two_step is not None else role in (Role.ADMIN, Role.COORDINATOR):
            defaults |= dict(totp_secret=pyotp.random_base32(), two_step_enabled_at=utcnow())
        user = User(**(defaults | fields))
        user.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"])
        return self._save(user)

    def speaker(self, **fields) -> Speaker:
        """Return an active speaker with vetting approved for another year."""
        n = next(_counter)
        today = today_lima()
        defaults = dict(alias=f"Ponente {n}", legal_name=f"Nombre Legal {n}",
                        vetting_decision=VettingDecision.APPROVED,
                        vetting_date=today - timedelta(days=30),
                        vetting_renewal_on=today + timedelta(days=365))
        return self._save(Speaker(**(defaults | fields)))


class _Workshops(_People):
    def workshop(self, *, venue=None, speakers=None, day: date | None = None,
                 start: time = time(10, 0), end: time = time(12, 0),
                 status: WorkshopStatus = WorkshopStatus.SCHEDULED, capacity: int = 40,
                 **fields) -> Workshop:
        """Return a workshop (scheduled, tomorrow 10:00–12:00 Lima) with one speaker."""
        n = next(_counter)
        day = day or today_lima() + timedelta(days=1)
        return self._save(Workshop(
            title=fields.pop("title", f"Taller {n}"), venue=venue or self.school(),
            starts_at=lima_to_utc(day, start), ends_at=lima_to_utc(day, end), capacity=capacity,
            status=status, speakers=speakers if speakers is not None else [self.speaker()],
            **fields))

    def held_workshop(self, *, speakers=(), days_ago: int = 3,
                      title: str = "Decisiones que salvan vidas", capacity: int = 400,
                      status: WorkshopStatus = WorkshopStatus.HELD, **fields) -> Workshop:
        """Return a workshop held `days_ago` days ago at 10:00–12:00 Lima, with no speaker."""
        return self.workshop(speakers=list(speakers), day=today_lima() - timedelta(days=days_ago),
                             title=title, capacity=capacity, status=status, **fields)

    def happening_now(self, **fields) -> Workshop:
        """Return a scheduled workshop that started ten minutes ago and lasts an hour."""
        workshop = self.workshop(**fields)
        workshop.starts_at = utcnow() - timedelta(minutes=10)
        workshop.ends_at = workshop.starts_at + timedelta(hours=1)
        self.db.session.commit()
        return workshop

    def student(self, school, **fields) -> Student:
        """Return a student of `school`."""
        n = next(_counter)
        defaults = dict(first_name=f"Alumno{n}", last_names=f"Apellido{n} Pérez", grade="4.º",
                        section="A")
        return self._save(Student(school_id=school.id, **(defaults | fields)))

    def roster(self, workshop: Workshop, count: int = 3,
               status: AttendanceStatus | None = None, school=None) -> list[RosterEntry]:
        """Put `count` new students of `school` (the venue by default) on a workshop's roster,
        all with `status`."""
        students = [self.student(school or workshop.venue) for _unused in range(count)]
        return self.enrol(workshop, [(student, status) for student in students])

    def enrol(self, workshop: Workshop, students_and_statuses) -> list[RosterEntry]:
        """Put (student, status) pairs on the workshop's roster, in that order, seats taken."""
        first = len(workshop.roster) + 1
        entries = [RosterEntry(workshop=workshop, student=student, position=position,
                               status=status, marked_at=utcnow() if status else None)
                   for position, (student, status) in enumerate(students_and_statuses, first)]
        self.db.session.add_all(entries)
        workshop.seats_taken = len(workshop.roster)
        self.db.session.commit()
        return entries

    def class_of(self, school, statuses, workshop=None, **workshop_fields):
        """Return a held workshop (or `workshop`) with one new student of `school` per status,
        and those students."""
        workshop = workshop or self.held_workshop(venue=school, **workshop_fields)
        students = [self.student(school) for _status in statuses]
        self.enrol(workshop, list(zip(students, statuses, strict=True)))
        return workshop, students

    def certificate(self, workshop: Workshop, *, student=None, speaker=None,
                    issued_on: date | None = None, **fields) -> Certificate:
        """Return a certificate of `workshop` for a student (or else a speaker), issued on
        `issued_on` (the workshop's Lima day by default)."""
        kind = CertificateKind.STUDENT if student is not None else CertificateKind.SPEAKER
        issued_on = issued_on or workshop.starts_at.astimezone(LIMA).date()
        return self._save(Certificate(kind=kind, workshop=workshop, student=student,
                                      speaker=speaker, issued_on=issued_on, **fields))

    def bulk_workshops(self, venues, speaker, count: int, first_day: date) -> None:
        """Insert `count` scheduled workshops fast (Core executemany), spread over venues and
        days, all given by `speaker`, none at 10:00–12:00 (they run 14:00–15:00)."""
        batch, rows = next(_counter), []
        for i in range(count):
            day = first_day + timedelta(days=i % 28)
            rows.append(dict(title=f"Masivo {batch}-{i}", topic="",
                             venue_id=venues[i % len(venues)].id,
                             starts_at=lima_to_utc(day, time(14)),
                             ends_at=lima_to_utc(day, time(15)), capacity=30, seats_taken=0,
                             status=WorkshopStatus.SCHEDULED, target_grades="", notes="",
                             version_id=1))
        session, table = self.db.session, Workshop.__table__
        session.execute(table.insert(), rows)
        ids = session.scalars(table.select().with_only_columns(table.c.id)
                              .where(table.c.title.like(f"Masivo {batch}-%"))).all()
        session.execute(workshop_speakers.insert(),
                        [{"workshop_id": i, "speaker_id": speaker.id} for i in ids])
        session.commit()


class Builders(_Workshops):
    """The `make` fixture: people and venues, workshops and rosters, mentoring records."""

    def mentor(self, steps=SCREENING_STEPS, user=None, check_expires: date | None = None,
               hours: str = "6", **fields) -> MentorProfile:
        """Return a mentor with the given screening steps done (all of them by default)."""
        today = today_lima()
        user = user or self.user(Role.MENTOR)
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
        start = start_date or today_lima() - timedelta(days=10)
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

    def background_check(self, mentor: MentorProfile, checked_on: date,
                         expires_on: date) -> BackgroundCheck:
        """Return another clear background check of a mentor (a renewal, say)."""
        return self._save(BackgroundCheck(mentor=mentor, checked_on=checked_on,
                                          result=CheckResult.CLEAR, expires_on=expires_on))

    def check_in(self, match: Match, held_on: date) -> StaffCheckIn:
        """Return a phone check-in held on a date."""
        return self._save(StaffCheckIn(match=match, held_on=held_on, method=SessionKind.PHONE))
