"""The benchmark's data set: ten years of a city-wide program, or a fraction of it.

Scale 1 is 1,000 venues, 200 speakers, 20,000 workshops, 400,000 students, 1,000,000 roster
rows, 2,000 mentors, 5,000 mentees and matches and 100,000 mentoring sessions; scale 0.1 is a
tenth. Rows go in with bulk Core inserts over the models' tables (so columns with Python
defaults fill themselves) and explicit ids, from one seeded generator: the same scale on the
same day gives the same data. Venue sizes follow a Zipf law, so venue 1 is the big school
whose year fills a long report. Only an empty database is filled (`BenchRefused` otherwise).
"""
from __future__ import annotations

import base64
import math
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import generate_password_hash

from ..auth.models import Role, User
from ..certificates.models import Certificate, CertificateKind
from ..dbstats import refresh_statistics
from ..mentoring.models import (
    AlertKind,
    BackgroundCheck,
    CheckResult,
    ClosureReason,
    ClosureType,
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
from ..schools.districts import DISTRICTS
from ..schools.models import BlackoutDate, School, VenueKind
from ..speakers.models import (
    Speaker,
    SpeakerExcludedDistrict,
    SpeakerUnavailability,
    VettingDecision,
)
from ..timeutil import today_lima
from ..workshops.models import (
    RosterEntry,
    Student,
    Workshop,
    WorkshopStatus,
    workshop_speakers,
)
from .data import ACTIVITIES, ATTENDANCE_WEIGHTS, FIRST_NAMES, INTERESTS, SURNAMES

# S105: the public password of throw-away benchmark accounts.
BENCH_PASSWORD = "bench-yag-2026"  # noqa: S105
# The accounts that log in (everyone else has no password).
ADMIN_EMAIL = "bench-admin@example.org"
COORDINATOR_EMAIL = "bench-coordinacion@example.org"
SCHOOL_EMAIL = "bench-colegio@example.org"  # the big school's contact
SPEAKER_EMAIL = "bench-ponente@example.org"
MENTOR_EMAIL = "bench-mentor@example.org"
# Staff log in with two steps: this secret gives their codes (pyotp.TOTP(secret).now()).
# S105: the public second step of throw-away benchmark accounts.
BENCH_TOTP_SECRET = "BENCHYAGBENCHYAGBENCHYAGBENCHYAG"  # noqa: S105
BIG_ROSTER = 300
BIG_ROSTER_TITLE = "Asamblea escolar: decidir a tiempo"
# Counts at scale 1, and the least of each that still gives every page something to show.
FULL = {"schools": 1000, "speakers": 200, "workshops": 20_000, "students": 400_000,
        "roster": 1_000_000, "mentors": 2000, "mentees": 5000, "sessions": 100_000}
LEAST = {"schools": 2, "speakers": 3, "workshops": 12, "students": 400, "roster": 600,
         "mentors": 4, "mentees": 8, "sessions": 40}
ZIPF = 0.9  # venue i (from 1) hosts a share ∝ i^-0.9: venue 1 about 9.5% of everything at scale 1
YEARS = 10
BATCH = 5000
LIMA_OFFSET = timedelta(hours=5)  # Lima keeps UTC-5 all year (no daylight saving since 1994)
TITLES = (
    "Decidir a tiempo: historias de salida", "Cultura de paz en el aula",
    "Pandillas: lo que nadie te cuenta", "Madres jóvenes, barrios seguros",
    "Barras bravas: la otra cara", "Proyecto de vida sin violencia", "El deporte como salida",
    "Armas de fuego: consecuencias reales", "Familias que protegen", "Resolver sin golpes",
)
GRADES = ("1.º", "2.º", "3.º", "4.º", "5.º")
VENUE_WORDS = ("José Carlos Mariátegui", "Túpac Amaru", "Santa Rosa de Lima", "Perú-Japón",
               "Inca Garcilaso de la Vega", "Señor de los Milagros", "César Vallejo",
               "Micaela Bastidas", "María Parado de Bellido", "Miguel Grau")


class BenchRefused(Exception):
    """The database already holds records; benchmark data goes only into an empty one."""


def sizes(scale: float) -> dict[str, int]:
    """Return how many of each record `scale` asks for."""
    return {k: max(LEAST[k], round(n * scale)) for k, n in FULL.items()}


def refusal(connection) -> str | None:
    """Say why the database must not be filled, or None when it is empty."""
    for table in (User.__table__, School.__table__, Workshop.__table__):
        if connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
            return (f"The database already holds data (table {table.name} is not empty); "
                    "flask seed-bench only fills an empty database.")
    return None


def seed_bench(engine: sa.Engine, scale: float, today: date | None = None) -> dict[str, int]:
    """Fill an empty database with the data set at `scale`; return the rows written per table."""
    with engine.begin() as connection:
        reason = refusal(connection)
        if reason:
            raise BenchRefused(reason)
        builder = _Builder(connection, sizes(scale), today or today_lima())
        builder.build()
        if connection.dialect.name == "postgresql":
            _advance_sequences(connection, builder.written)
    # A database in service has had its nightly statistics; measure one in the same state.
    refresh_statistics(engine)
    return builder.written


def _advance_sequences(connection, tables: Iterable[str]) -> None:
    """Explicit ids leave PostgreSQL's sequences at 1: move each past its table's largest id;
    then ANALYZE, as autovacuum soon would after a load this size."""
    for name in tables:
        if "id" in User.metadata.tables[name].c:
            connection.exec_driver_sql(
                # S608: table names come from the schema, not from input.
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {name}))")
    connection.exec_driver_sql("ANALYZE")


@dataclass
class _Match:
    id: int
    mentor: int
    mentee: int
    status: MatchStatus
    start: date | None
    end: date | None


@dataclass
class _Builder:
    """Writes the tables in dependency order, remembering what later tables refer to."""

    connection: sa.Connection
    n: dict[str, int]
    today: date
    # S311: made-up demo data, not a secret.
    rng: random.Random = field(default_factory=lambda: random.Random(2026))  # noqa: S311
    written: dict[str, int] = field(default_factory=dict)
    password_hash: str = ""

    def build(self) -> None:
        """Write every table."""
        self.password_hash = _password_hash()
        self._schools()
        self._users()
        self._speakers()
        self._students()
        self._workshops()
        self._roster_and_certificates()
        self._mentors()
        self._mentees()
        self._matches()
        self._sessions()

    # Helpers -----------------------------------------------------------------------------

    def insert(self, table: sa.Table | type, rows: Iterable[dict]) -> None:
        """Insert `rows` in batches of BATCH with executemany."""
        table = getattr(table, "__table__", table)
        batch: list[dict] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                self._flush(table, batch)
                batch = []
        if batch:
            self._flush(table, batch)

    def _flush(self, table: sa.Table, batch: list[dict]) -> None:
        self.connection.execute(table.insert(), batch)
        self.written[table.name] = self.written.get(table.name, 0) + len(batch)

    def day(self, offset: int) -> date:
        """The date `offset` days from today."""
        return self.today + timedelta(days=offset)

    def name(self) -> tuple[str, str]:
        """A first name and two last names."""
        return (self.rng.choice(FIRST_NAMES),
                f"{self.rng.choice(SURNAMES)} {self.rng.choice(SURNAMES)}")

    def phone(self) -> str:
        """A Lima mobile number."""
        return f"9{self.rng.randint(10, 99)} {self.rng.randint(100, 999)} " \
               f"{self.rng.randint(100, 999)}"

    def code(self) -> str:
        """A verification code in the real format (160 bits, base32, groups of four)."""
        text = base64.b32encode(self.rng.getrandbits(160).to_bytes(20, "big")).decode("ascii")
        return "-".join(text[i:i + 4] for i in range(0, len(text), 4))

    # Venues, people ----------------------------------------------------------------------

    def _schools(self) -> None:
        count = self.n["schools"]
        self.weights = [(i + 1) ** -ZIPF for i in range(count)]
        # The big school in the largest district; the rest spread over all fifty.
        first = DISTRICTS.index("San Juan de Lurigancho")
        self.districts = [DISTRICTS[(first + i * 7) % len(DISTRICTS)] for i in range(count)]
        self.insert(School, ({
            "id": i + 1,
            "name": (f"Centro Comunitario N.° {i + 1}" if _centre(i)
                     else f"I.E. N.° {1000 + i} \"{VENUE_WORDS[i % len(VENUE_WORDS)]}\""),
            "kind": VenueKind.COMMUNITY_CENTRE if _centre(i) else VenueKind.SCHOOL,
            "district": self.districts[i], "address": f"Av. Principal {100 + i}",
            "official_code": None if _centre(i) else f"{1_000_000 + i}",
            "phone": f"01 {self.rng.randint(200, 599)} {self.rng.randint(1000, 9999)}",
            "archived_at": None,
        } for i in range(count)))
        self.insert(BlackoutDate, ({
            "id": i + 1, "school_id": i * 3 + 1, "starts_on": self.day(20 + i % 40),
            "ends_on": self.day(21 + i % 40), "reason": "Exámenes bimestrales",
        } for i in range((count + 2) // 3)))

    def _users(self) -> None:
        """Staff, one contact per venue, accounts for half the speakers, every mentor."""
        rows = [self._user(1, ADMIN_EMAIL, "Ana Bench Torres", Role.ADMIN, login=True),
                self._user(2, COORDINATOR_EMAIL, "Carla Bench Quispe", Role.COORDINATOR,
                           login=True)]
        self.school_user = 3
        for i in range(self.n["schools"]):
            email = SCHOOL_EMAIL if i == 0 else f"contacto.{i + 1}@bench.example.org"
            rows.append(self._user(self.school_user + i, email, " ".join(self.name()),
                                   Role.SCHOOL, login=i == 0, school_id=i + 1))
        self.speaker_user = self.school_user + self.n["schools"]
        for i in range(0, self.n["speakers"], 2):
            email = SPEAKER_EMAIL if i == 0 else f"ponente.{i + 1}@bench.example.org"
            rows.append(self._user(self.speaker_user + i, email, " ".join(self.name()),
                                   Role.SPEAKER, login=i == 0))
        self.mentor_user = self.speaker_user + self.n["speakers"]
        for i in range(self.n["mentors"]):
            email = MENTOR_EMAIL if i == 0 else f"mentor.{i + 1}@bench.example.org"
            rows.append(self._user(self.mentor_user + i, email, " ".join(self.name()),
                                   Role.MENTOR, login=i == 0))
        self.insert(User, rows)

    def _user(self, id_: int, email: str, name: str, role: Role, login: bool = False,
              school_id: int | None = None) -> dict:
        staff = role in (Role.ADMIN, Role.COORDINATOR)
        return {"id": id_, "email": email, "full_name": name, "role": role,
                "password_hash": self.password_hash if login else None, "school_id": school_id,
                "totp_secret": BENCH_TOTP_SECRET if staff else None,
                "two_step_enabled_at": _utc(self.day(-100), time(9)) if staff else None}

    def _speakers(self) -> None:
        count = self.n["speakers"]
        self.insert(Speaker, ({
            "id": i + 1, "alias": f"Ponente {i + 1:03d}", "legal_name": " ".join(self.name()),
            "phone": self.phone(), "topics": "salida de pandillas, cultura de paz",
            "bio": "Dejó la pandilla y hoy acompaña a jóvenes de su barrio.",
            "user_id": self.speaker_user + i if i % 2 == 0 else None,
            "vetting_decision": VettingDecision.APPROVED, "vetting_date": self.day(-200 - i),
            "vetting_reviewer_id": 2,
            "vetting_renewal_on": self.day(-10 if i % 25 == 24 else 165 - i % 100),
        } for i in range(count)))
        self.insert(SpeakerExcludedDistrict, ({
            "speaker_id": i + 1, "district": DISTRICTS[i % len(DISTRICTS)],
        } for i in range(0, count, 10)))
        self.insert(SpeakerUnavailability, ({
            "id": n + 1, "speaker_id": i + 1,
            "starts_at": _utc(self.day(30 + i % 60), time(0)),
            "ends_at": _utc(self.day(33 + i % 60), time(0)), "reason": "Viaje familiar",
        } for n, i in enumerate(range(0, count, 10))))

    def _students(self) -> None:
        """Each venue's students, ids in one block per venue, as many as its share."""
        total, count = self.n["students"], self.n["schools"]
        whole = sum(self.weights)
        self.student_counts = [max(60, round(total * w / whole)) for w in self.weights]
        self.student_counts[0] = max(self.student_counts[0], BIG_ROSTER + 20)
        self.student_base = [0] * count
        next_id = 1
        for i in range(count):
            self.student_base[i] = next_id
            next_id += self.student_counts[i]

        def rows() -> Iterator[dict]:
            for school in range(count):
                base = self.student_base[school]
                for k in range(self.student_counts[school]):
                    first, last = self.name()
                    yield {"id": base + k, "school_id": school + 1, "first_name": first,
                           "last_names": last, "grade": GRADES[k % 5], "section": "ABC"[k % 3],
                           "student_code": None}
        self.insert(Student, rows())

    # Workshops ---------------------------------------------------------------------------

    def _workshops(self) -> None:
        """Workshops over ten years (a quarter ahead), plus one held assembly of 300."""
        count = self.n["workshops"]
        venues = self.rng.choices(range(self.n["schools"]), self.weights, k=count)
        venues[0] = 0
        offsets = [90 - self.rng.randrange(365 * YEARS) for _ in range(count)]
        statuses = [self._status(offset) for offset in offsets]
        empty = (WorkshopStatus.DRAFT, WorkshopStatus.CANCELLED)
        mean = (self.n["roster"] - BIG_ROSTER) / max(1, sum(s not in empty for s in statuses))
        self.plan: list[tuple[int, int, datetime, WorkshopStatus, int]] = []
        rows, speaker_rows = [], []
        for i in range(count):
            size = 0
            if statuses[i] not in empty:
                size = min(self.student_counts[venues[i]],
                           max(5, round(self.rng.uniform(0.4, 1.6) * mean)))
            self._workshop(i + 1, venues[i], offsets[i], statuses[i], size, rows, speaker_rows)
        self.big_workshop = count + 1
        self._workshop(self.big_workshop, 0, -3, WorkshopStatus.HELD, BIG_ROSTER, rows,
                       speaker_rows, title=BIG_ROSTER_TITLE)
        self.insert(Workshop, rows)
        self.insert(workshop_speakers, speaker_rows)

    def _status(self, offset: int) -> WorkshopStatus:
        roll = self.rng.random()
        if offset > 0:
            return (WorkshopStatus.CANCELLED if roll < 0.05 else WorkshopStatus.DRAFT
                    if roll < 0.15 else WorkshopStatus.SCHEDULED)
        if roll < 0.05:
            return WorkshopStatus.CANCELLED
        if offset > -30:
            return WorkshopStatus.HELD if roll < 0.75 else WorkshopStatus.CLOSED
        return WorkshopStatus.HELD if roll < 0.08 else WorkshopStatus.CLOSED

    def _workshop(self, id_: int, venue: int, offset: int, status: WorkshopStatus, size: int,
                  rows: list, speaker_rows: list, title: str | None = None) -> None:
        day = self.day(offset)
        day += timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else timedelta()
        starts = _utc(day, time(self.rng.choice((8, 9, 10, 11, 14, 15, 16))))
        speakers = self.rng.sample(range(1, self.n["speakers"] + 1),
                                   2 if self.rng.random() < 0.2 else 1)
        rows.append({
            "id": id_, "title": title or self.rng.choice(TITLES), "topic": "prevención",
            "venue_id": venue + 1, "starts_at": starts, "ends_at": starts + timedelta(minutes=90),
            "capacity": size + self.rng.randint(1, 15), "seats_taken": size, "status": status,
            "target_grades": f"{GRADES[id_ % 3 + 2]} de secundaria", "created_by_id": 2,
            "cancel_reason": "Paro de transportistas." if status == WorkshopStatus.CANCELLED
            else None,
        })
        speaker_rows.extend({"workshop_id": id_, "speaker_id": s} for s in speakers)
        self.plan.append((id_, venue, starts, status, size))

    def _roster_and_certificates(self) -> None:
        """Rosters from the venue's students; attendance once held; certificates for a third
        of closed workshops and for the big assembly."""
        statuses, weights = zip(*ATTENDANCE_WEIGHTS.items(), strict=True)
        certificates: list[dict] = []
        issued = 0
        speakers_of: dict[int, list[int]] = {}
        for row in self._speaker_pairs():
            speakers_of.setdefault(row[0], []).append(row[1])

        def rows() -> Iterator[dict]:
            entry_id = 0
            for id_, venue, starts, status, size in self.plan:
                taken = status in (WorkshopStatus.HELD, WorkshopStatus.CLOSED)
                certify = taken and (id_ == self.big_workshop or (
                    status == WorkshopStatus.CLOSED and id_ % 3 == 0))
                base = self.student_base[venue]
                picks = self.rng.sample(range(self.student_counts[venue]), size)
                for position, pick in enumerate(picks, start=1):
                    entry_id += 1
                    mark = self.rng.choices(statuses, weights)[0] if taken else None
                    yield {"id": entry_id, "workshop_id": id_, "student_id": base + pick,
                           "position": position, "walk_in": False, "status": mark,
                           "marked_by_id": 2 if taken else None,
                           "marked_at": starts + timedelta(minutes=15) if taken else None}
                    if certify and mark.attended:
                        certificates.append(self._certificate(id_, starts, base + pick, None))
                if certify:
                    certificates.extend(self._certificate(id_, starts, None, s)
                                        for s in speakers_of[id_])
                if len(certificates) >= BATCH:  # students and workshops are in already
                    write_certificates()

        def write_certificates() -> None:
            nonlocal issued
            for n, row in enumerate(certificates, start=issued + 1):
                row["id"] = n
            issued += len(certificates)
            self.insert(Certificate, certificates)
            certificates.clear()
        self.insert(RosterEntry, rows())
        write_certificates()

    def _speaker_pairs(self) -> Iterator[tuple[int, int]]:
        query = sa.select(workshop_speakers.c.workshop_id, workshop_speakers.c.speaker_id)
        return iter(self.connection.execute(query).all())

    def _certificate(self, workshop: int, starts: datetime, student: int | None,
                     speaker: int | None) -> dict:
        revoked = student is not None and self.rng.random() < 0.002
        return {"code": self.code(), "workshop_id": workshop, "student_id": student,
                "speaker_id": speaker, "kind": CertificateKind.STUDENT if student
                else CertificateKind.SPEAKER, "language": "es",
                "issued_on": starts.date() + timedelta(days=3), "issued_by_id": 2,
                "revoked_at": starts + timedelta(days=30) if revoked else None,
                "revoke_reason": "Emitido por error." if revoked else None,
                "revoked_by_id": 2 if revoked else None}

    # Mentoring ---------------------------------------------------------------------------

    def _mentors(self) -> None:
        """Mentors at every screening stage; most are fully screened."""
        count = self.n["mentors"]
        self.max_mentees = [5 if i == 0 else self.rng.choice((1, 2, 2, 3)) for i in range(count)]
        self.stages = ["ready" if i == 0 else ("ready", "ready", "ready", "ready", "ready",
                       "ready", "ready", "screening", "expired", "inactive")[i % 10]
                       for i in range(count)]
        self.insert(MentorProfile, ({
            "id": i + 1, "user_id": self.mentor_user + i, "application_date": self.day(
                -20 if self.stages[i] == "screening" else -1500 + i % 900),
            "phone": self.phone(), "district": DISTRICTS[(i * 5) % len(DISTRICTS)],
            "interests": ", ".join(self.rng.sample(INTERESTS, 3)),
            "max_mentees": self.max_mentees[i],
            "inactive_since": self.day(-60) if self.stages[i] == "inactive" else None,
        } for i in range(count)))
        screened = [i for i in range(count) if self.stages[i] != "screening"]

        def started(i: int) -> date:
            return self.day(-1500 + i % 900)
        self.insert(MentorInterview, ({
            "id": i + 1, "mentor_id": i + 1, "held_on": self.day(-15) if i not in screened
            else started(i) + timedelta(days=7), "interviewer_id": 2,
            "outcome": InterviewOutcome.RECOMMENDED, "notes": "Motivación clara.",
        } for i in range(count)))
        self.insert(MentorReference, ({
            "id": 2 * n + k + 1, "mentor_id": i + 1, "referee_name": " ".join(self.name()),
            "relation": ("Empleador", "Párroco")[k], "contacted_on": started(i) + timedelta(10),
            "outcome": ReferenceOutcome.POSITIVE, "notes": "",
        } for n, i in enumerate(screened) for k in (0, 1)))
        self.insert(BackgroundCheck, ({
            "id": n + 1, "mentor_id": i + 1, "result": CheckResult.CLEAR,
            "checked_on": self._checked_on(i), "expires_on": self._checked_on(i) + timedelta(730),
        } for n, i in enumerate(screened)))
        self.insert(TrainingSession, ({
            "id": 2 * n + k + 1, "mentor_id": i + 1, "held_on": started(i) + timedelta(20 + k),
            "hours": Decimal(3), "topics": ("Rol del mentor", "Protección infantil")[k],
        } for n, i in enumerate(screened) for k in (0, 1)))
        self.insert(ScreeningDecision, ({
            "id": n + 1, "mentor_id": i + 1, "decided_on": started(i) + timedelta(30),
            "approved": True, "reason": "Evaluación completa.", "decided_by_id": 2,
        } for n, i in enumerate(screened)))
        self.ready = [i + 1 for i in range(count) if self.stages[i] == "ready"]

    def _checked_on(self, i: int) -> date:
        """Expired mentors' checks ran out last month; the others' are under two years old."""
        return self.day(-760) if self.stages[i] == "expired" else self.day(-700 + i % 650)

    def _mentees(self) -> None:
        """Mentees of the venues, a fifth of them linked to a student; consent mostly given,
        missing for one in twenty, withdrawn for another one in twenty."""
        count = self.n["mentees"]
        schools = self.rng.choices(range(self.n["schools"]), self.weights, k=count)
        linked = set()
        rows, consents = [], []
        self.consent = []
        for i in range(count):
            school = schools[i]
            student = None
            if i % 5 == 0:
                student = self.student_base[school] + self.rng.randrange(
                    self.student_counts[school])
                student = None if student in linked else student
                linked.add(student)
            first, last = self.name()
            guardian = " ".join(self.name())
            referred = self.day(-2500 + (i * 37) % 2450)
            rows.append({
                "id": i + 1, "first_name": first, "last_names": last,
                "date_of_birth": referred - timedelta(days=365 * (12 + i % 6) + i % 300),
                "school_id": school + 1, "district": self.districts[school],
                "interests": ", ".join(self.rng.sample(INTERESTS, 2)), "guardian_name": guardian,
                "guardian_relation": ("Madre", "Padre", "Abuela", "Tía")[i % 4],
                "guardian_phone": self.phone(), "student_id": student, "referred_on": referred,
                "archived_at": None,
            })
            state = "none" if i % 20 == 7 else "withdrawn" if i % 20 == 13 else "given"
            self.consent.append(state)
            if state != "none":
                consents.append({
                    "id": len(consents) + 1, "mentee_id": i + 1, "given_by": guardian,
                    "relation": rows[-1]["guardian_relation"],
                    "given_on": referred + timedelta(days=3),
                    "method": ConsentMethod.PAPER if i % 2 else ConsentMethod.IN_PERSON,
                    "covers_participation": True, "covers_data_sharing": i % 3 != 0,
                    "covers_photos": i % 4 == 0, "recorded_by_id": 2,
                    "withdrawn_on": self.day(-10 - i % 50) if state == "withdrawn" else None,
                    "withdrawn_reason": "La familia se mudó." if state == "withdrawn" else None,
                    "withdrawn_recorded_by_id": 2 if state == "withdrawn" else None,
                })
        self.referred = [r["referred_on"] for r in rows]
        self.insert(Mentee, rows)
        self.insert(GuardianConsent, consents)

    def _matches(self) -> None:
        """One match per mentee: closed, active, proposed (no consent yet) or paused
        (consent withdrawn); the bench mentor has open matches of each kind."""
        open_load: dict[int, int] = {}
        self.matches: list[_Match] = []
        capacity = {m: self.max_mentees[m - 1] for m in self.ready}
        for i in range(self.n["mentees"]):
            consent = self.consent[i]
            old = (self.referred[i] < self.day(-400) and i >= 4) or i % 3 == 0
            status = (MatchStatus.PROPOSED if consent == "none" else MatchStatus.PAUSED
                      if consent == "withdrawn" else MatchStatus.CLOSED if old
                      else MatchStatus.ACTIVE)
            mentor = 1 if i < 4 else self.ready[i % len(self.ready)]
            if status != MatchStatus.CLOSED:
                if open_load.get(mentor, 0) >= capacity[mentor]:
                    mentor = next((m for m in self.ready if open_load.get(m, 0) < capacity[m]),
                                  None)
                    if mentor is None:
                        status, mentor = MatchStatus.CLOSED, self.ready[i % len(self.ready)]
                open_load[mentor] = open_load.get(mentor, 0) + (status != MatchStatus.CLOSED)
            start = None if status == MatchStatus.PROPOSED else self.referred[i] + timedelta(20)
            if status == MatchStatus.ACTIVE:
                start = max(start, self.day(-360 + i % 300))
            end = min(start + timedelta(days=365), self.day(-5)) \
                if status == MatchStatus.CLOSED else None
            self.matches.append(_Match(i + 1, mentor, i + 1, status, start, end))
        reasons = list(ClosureReason)
        self.insert(Match, ({
            "id": m.id, "mentor_id": m.mentor, "mentee_id": m.mentee, "status": m.status,
            "proposed_on": (m.start or self.day(-3 - m.id % 20)) - timedelta(days=10),
            "proposed_by_id": 2, "goals": "Terminar el año escolar y definir una meta.",
            "start_date": m.start, "agreement_signed_on": m.start, "first_meeting_on": m.start,
            "expected_end": m.start + timedelta(days=365) if m.start else None,
            "paused_reason": "Consentimiento retirado." if m.status == MatchStatus.PAUSED
            else None,
            "closed_on": m.end, "closed_by_id": 2 if m.end else None,
            "closure_type": (ClosureType.PLANNED if m.id % 2 else ClosureType.UNPLANNED)
            if m.end else None,
            "closure_reason": (ClosureReason.COMPLETED_TERM if m.id % 2
                               else reasons[m.id % len(reasons)]) if m.end else None,
            "exit_notes": "Reunión de cierre con la familia." if m.end else None,
            "rematch": (m.id % 4 == 0) if m.end else None,
        } for m in self.matches))

    def _sessions(self) -> None:
        """Sessions spread over the matches that ran, by length; staff check-ins every month
        (a quarter of active matches overdue); alerts for concerns and withdrawn consent."""
        ran = [m for m in self.matches if m.start]
        length = [((m.end or self.today) - m.start).days + 1 for m in ran]
        whole = sum(length)
        sessions, alerts, check_ins = [], [], []
        for m, days in zip(ran, length, strict=True):
            count = max(1, round(self.n["sessions"] * days / whole))
            for k in range(count):
                held = m.start + timedelta(days=days * k // count)
                concern = self.rng.random() < 0.004
                sessions.append({
                    "id": len(sessions) + 1, "match_id": m.id, "held_on": held,
                    "duration_minutes": self.rng.choice((45, 60, 90, 120)),
                    "kind": self.rng.choice((SessionKind.IN_PERSON, SessionKind.IN_PERSON,
                                             SessionKind.PHONE, SessionKind.VIDEO)),
                    "activity": self.rng.choice(ACTIVITIES), "notes": "Buena disposición.",
                    "safeguarding_concern": concern,
                    "logged_by_id": self.mentor_user + m.mentor - 1,
                    "created_at": _utc(held, time(20)),
                })
                if concern:
                    alerts.append(self._alert(AlertKind.CONCERN, m, sessions[-1]))
            if m.status == MatchStatus.PAUSED:
                alerts.append(self._alert(AlertKind.CONSENT_WITHDRAWN, m, None))
            last = m.end or (self.day(-50) if m.id % 4 == 0 else self.today)
            for offset in (10, 28, *range(58, (last - m.start).days, 30)):
                if m.start + timedelta(days=offset) <= last:
                    check_ins.append({"id": len(check_ins) + 1, "match_id": m.id,
                                      "held_on": m.start + timedelta(days=offset), "by_id": 2,
                                      "method": SessionKind.PHONE, "notes": "Sin novedades."})
        self.insert(MentoringSession, sessions)
        for n, row in enumerate(alerts, start=1):
            row["id"] = n
        self.insert(SafeguardingAlert, alerts)
        self.insert(StaffCheckIn, check_ins)

    def _alert(self, kind: AlertKind, match: _Match, session: dict | None) -> dict:
        raised = session["created_at"] if session else _utc(self.day(-10), time(15))
        done = session is not None and raised < _utc(self.day(-30), time(0))
        return {"kind": kind, "match_id": match.id, "mentee_id": match.mentee,
                "session_id": session["id"] if session else None,
                "raised_by_id": session["logged_by_id"] if session else 2, "raised_at": raised,
                "details": "Comentó que lo presionan para guardar un paquete." if session
                else "El apoderado retiró el consentimiento.",
                "followed_up_at": raised + timedelta(days=2) if done else None,
                "followed_up_by_id": 2 if done else None,
                "follow_up_notes": "Se habló con la familia." if done else None}


def _centre(index: int) -> bool:
    """One venue in twelve is a community centre."""
    return index % 12 == 11


def _utc(day: date, at: time) -> datetime:
    """Lima wall-clock time as an aware UTC datetime (fixed offset: fast for a million rows)."""
    return datetime.combine(day, at, tzinfo=UTC) + LIMA_OFFSET


def _password_hash() -> str:
    """Hash BENCH_PASSWORD once with the app's settings (it is slow by design). Not through
    set_password: that also ends the account's pending links, through the ORM session."""
    return generate_password_hash(BENCH_PASSWORD,
                                  method=current_app.config["PASSWORD_HASH_METHOD"])


@dataclass(frozen=True)
class Landmarks:
    """The records the benchmark's pages open, found in a seeded database."""

    big_school_id: int
    big_workshop_id: int
    mentor_id: int
    mentee_id: int
    match_id: int
    certificate_code: str
    deep_page: int

    @property
    def today(self) -> date:
        """Today in Lima: the data set's dates are relative to the day it was made."""
        return today_lima()

    @property
    def year_start(self) -> date:
        """The first day of the year-long report period that ends today."""
        return self.today - timedelta(days=364)


def landmarks(connection, per_page: int) -> Landmarks:
    """Find the big school, the 300-student workshop, the bench mentor's match and others."""
    big_workshop = connection.scalar(
        sa.select(Workshop.id).where(Workshop.title == BIG_ROSTER_TITLE))
    mentor = connection.scalar(sa.select(MentorProfile.id).join(
        User, User.id == MentorProfile.user_id).where(User.email == MENTOR_EMAIL))
    match, mentee = connection.execute(
        sa.select(Match.id, Match.mentee_id).where(
            Match.mentor_id == mentor, Match.status == MatchStatus.ACTIVE)
        .order_by(Match.id).limit(1)).one()
    code = connection.scalar(sa.select(Certificate.code).where(
        Certificate.revoked_at.is_(None), Certificate.student_id.is_not(None))
        .order_by(Certificate.id).limit(1))
    workshops = connection.scalar(sa.select(sa.func.count()).select_from(Workshop))
    return Landmarks(
        big_school_id=1, big_workshop_id=big_workshop, mentor_id=mentor, mentee_id=mentee,
        match_id=match, certificate_code=code,
        deep_page=max(1, math.ceil(workshops / per_page) * 3 // 4))
