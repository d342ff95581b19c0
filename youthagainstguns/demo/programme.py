"""Build the workshops side of the demo: accounts, venues, speakers, workshops, certificates."""
import random
from datetime import date, time, timedelta

from ..auth.models import Role, User
from ..auth.services import set_password
from ..certificates.models import Certificate, CertificateKind
from ..extensions import db
from ..schools.models import BlackoutDate, School
from ..speakers.models import (
    Speaker,
    SpeakerExcludedDistrict,
    SpeakerUnavailability,
    VettingDecision,
)
from ..timeutil import lima_to_utc
from ..workshops.models import RosterEntry, Student, Workshop, WorkshopStatus
from .data import (
    ATTENDANCE_WEIGHTS,
    BLACKOUTS,
    DEMO_PASSWORD,
    FIRST_NAMES,
    GRADES,
    SCHOOLS,
    SPEAKERS,
    STAFF,
    SURNAMES,
    WORKSHOPS,
)


class ProgrammeDemo:
    """Builds the data set; holds the records that later parts refer to."""

    def __init__(self, today: date):
        self.today = today
        # S311: made-up demo data, not a secret.
        self.rng = random.Random(2026)  # same names on every run  # noqa: S311
        self.users: dict[str, User] = {}
        self.schools: list[School] = []
        self.speakers: list[Speaker] = []
        self.workshops: dict[str, Workshop] = {}
        self.password_hash = ""

    def build(self) -> None:
        """Create every part, in dependency order."""
        self._staff()
        self._schools()
        self._speakers()
        db.session.flush()  # ids for the columns that have no relationship
        self._workshops()
        self._certificates()

    def day(self, offset: int) -> date:
        """Return the date `offset` days from today."""
        return self.today + timedelta(days=offset)

    def person_name(self) -> tuple[str, str]:
        """Return a random first name and two last names."""
        return (self.rng.choice(FIRST_NAMES),
                f"{self.rng.choice(SURNAMES)} {self.rng.choice(SURNAMES)}")

    def account(self, email: str, full_name: str, role: Role, **fields) -> User:
        """Add a user who logs in with the demo password (hashed once: it is slow by design)."""
        user = User(email=email, full_name=full_name, role=role, **fields)
        if not self.password_hash:
            set_password(user, DEMO_PASSWORD)
            self.password_hash = user.password_hash
        user.password_hash = self.password_hash
        db.session.add(user)
        self.users[email] = user
        return user

    @property
    def coordinator(self) -> User:
        """The demo coordinator, who records most things."""
        return self.users["coordinacion@example.org"]

    def _staff(self) -> None:
        for email, name, role in STAFF:
            self.account(email, name, role)

    def _schools(self) -> None:
        for name, kind, district, address, code, phone in SCHOOLS:
            school = School(name=name, kind=kind, district=district, address=address,
                            official_code=code, phone=phone)
            db.session.add(school)
            self.schools.append(school)
        for index, first, last, reason in BLACKOUTS:
            db.session.add(BlackoutDate(school=self.schools[index], starts_on=self.day(first),
                                        ends_on=self.day(last), reason=reason))
        self.account("colegio@example.org", "Jorge Medina Paredes", Role.SCHOOL,
                     school=self.schools[0])
        self.account("direccion.ie2057@example.org", "Mónica Lozano Ríos", Role.SCHOOL,
                     school=self.schools[1])

    def _speakers(self) -> None:
        for alias, legal, topics, bio, renewal, excluded, teacher, group in SPEAKERS:
            speaker = Speaker(
                alias=alias, legal_name=legal, topics=topics, bio=bio, languages="Español",
                phone=f"9{self.rng.randint(10, 99)} {self.rng.randint(100, 999)} "
                      f"{self.rng.randint(100, 999)}",
                vetting_decision=VettingDecision.APPROVED, vetting_date=self.day(renewal - 365),
                vetting_reviewer=self.coordinator, vetting_renewal_on=self.day(renewal),
                requires_teacher_present=teacher, group_settings_only=group,
                excluded_districts=[SpeakerExcludedDistrict(district=d) for d in excluded],
            )
            db.session.add(speaker)
            self.speakers.append(speaker)
        self.speakers[1].conditions_notes = "No programar cerca de su antiguo barrio."
        gladys = self.speakers[4]
        gladys.unavailability.append(SpeakerUnavailability(
            starts_at=lima_to_utc(self.day(30), time(0)),
            ends_at=lima_to_utc(self.day(34), time(0)),
            reason="Viaje familiar a Ayacucho"))
        lucho = self.speakers[0]
        lucho.user = self.account("ponente@example.org", lucho.legal_name, Role.SPEAKER)

    def _workshops(self) -> None:
        for key, title, topic, school, speakers, offset, hour, status, size in WORKSHOPS:
            day = _weekday(self.day(offset))
            venue = self.schools[school]
            workshop = Workshop(
                title=title, topic=topic, venue=venue, status=status,
                starts_at=lima_to_utc(day, time(hour)),
                ends_at=lima_to_utc(day, time(hour + 1, 30)),
                capacity=max(size + 5, 30), seats_taken=size,
                target_grades=GRADES[len(self.workshops) % 3],
                speakers=[self.speakers[i] for i in speakers],
                created_by_id=self.coordinator.id,
            )
            if status == WorkshopStatus.CANCELLED:
                workshop.cancel_reason = "Paro de transportistas: el colegio suspendió clases."
            self._roster(workshop, size, taken=status in (WorkshopStatus.HELD,
                                                          WorkshopStatus.CLOSED))
            db.session.add(workshop)
            self.workshops[key] = workshop

    def _roster(self, workshop: Workshop, size: int, taken: bool) -> None:
        """Add `size` new students of the venue, with attendance if it was taken."""
        statuses, weights = zip(*ATTENDANCE_WEIGHTS.items(), strict=True)
        for position in range(size):
            first, last = self.person_name()
            student = Student(school=workshop.venue, first_name=first, last_names=last,
                              grade=workshop.target_grades.split(" ")[0],
                              section="AB"[position % 2])
            entry = RosterEntry(student=student, position=position + 1)
            if taken:
                entry.status = self.rng.choices(statuses, weights)[0]
                entry.marked_by = self.coordinator
                entry.marked_at = workshop.starts_at + timedelta(minutes=15)
            workshop.roster.append(entry)

    def _certificates(self) -> None:
        """Issue certificates for the first students present at a closed workshop."""
        workshop = self.workshops["w1"]
        issued_on = workshop.starts_at.date() + timedelta(days=2)
        present = [e.student for e in workshop.roster if e.status.attended][:6]
        for student in present:
            db.session.add(Certificate(kind=CertificateKind.STUDENT, workshop=workshop,
                                       student=student, issued_on=issued_on,
                                       issued_by_id=self.coordinator.id))
        db.session.add(Certificate(kind=CertificateKind.SPEAKER, workshop=workshop,
                                   speaker=self.speakers[0], issued_on=issued_on,
                                   issued_by_id=self.coordinator.id))

    def student_of(self, key: str, position: int) -> Student:
        """Return a student from a demo workshop's roster."""
        return self.workshops[key].roster[position].student


def _weekday(day: date) -> date:
    """Move a Saturday or Sunday to the next Monday: workshops happen on school days."""
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day
