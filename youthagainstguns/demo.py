"""The Spanish (Peru) demo data set: every area's records, with dates relative to today.

Built directly with the models so that it does not depend on the areas' services. Adds and
flushes only; `flask seed-demo` commits. Names, codes and phone numbers are invented.
"""
import random
from datetime import date, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from .auth.models import Role, User
from .auth.services import set_password
from .certificates.models import Certificate, CertificateKind
from .extensions import db
from .mentoring.models import (
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
from .schools.models import BlackoutDate, School, VenueKind
from .speakers.models import (
    Speaker,
    SpeakerExcludedDistrict,
    SpeakerUnavailability,
    VettingDecision,
)
from .timeutil import lima_to_utc, today_lima
from .workshops.models import AttendanceStatus, RosterEntry, Student, Workshop, WorkshopStatus

DEMO_PASSWORD = "demo-yag-2026"
ADMIN_EMAIL = "admin@example.org"

STAFF = (
    (ADMIN_EMAIL, "Ana María Torres Salazar", Role.ADMIN),
    ("coordinacion@example.org", "Carla Quispe Rojas", Role.COORDINATOR),
)

# name, kind, district, address, código modular, phone
SCHOOLS = (
    ("I.E. N.° 0096 \"Mariscal Andrés Avelino Cáceres\"", VenueKind.SCHOOL,
     "San Juan de Lurigancho", "Av. Próceres de la Independencia 2150", "0327460", "01 388 2145"),
    ("I.E. N.° 2057 \"José Carlos Mariátegui\"", VenueKind.SCHOOL, "Comas",
     "Av. Túpac Amaru 1875, Collique", "0513242", "01 525 3310"),
    ("I.E. N.° 6069 \"Peruano Suizo\"", VenueKind.SCHOOL, "Villa El Salvador",
     "Sector 2, Grupo 15, Mz. F, Lt. 1", "0438812", "01 287 4401"),
    ("I.E. N.° 1190 \"Nuestra Señora de Guadalupe\"", VenueKind.SCHOOL, "Ate",
     "Jr. Los Cedros 340, Vitarte", "0652917", "01 356 0098"),
    ("I.E. N.° 3049 \"Túpac Amaru\"", VenueKind.SCHOOL, "Independencia",
     "Av. Industrial 3200, Tahuantinsuyo", "0334821", "01 522 7613"),
    ("I.E. N.° 7084 \"Perú-Japón\"", VenueKind.SCHOOL, "San Juan de Miraflores",
     "Av. Los Héroes 1050, Pamplona Alta", "0511706", "01 276 3382"),
    ("I.E. N.° 2025 \"Los Olivos de Pro\"", VenueKind.SCHOOL, "Los Olivos",
     "Calle Las Amapolas 215, Pro", "0781245", "01 533 9184"),
    ("I.E. N.° 5130 \"Santa Rosa de Lima\"", VenueKind.SCHOOL, "Ventanilla",
     "Av. La Playa s/n, Pachacútec", "0947360", "01 553 2871"),
    ("I.E. N.° 1249 \"Inca Garcilaso de la Vega\"", VenueKind.SCHOOL, "El Agustino",
     "Jr. Ancash 1760, Catalina Huanca", "0308577", "01 327 1466"),
    ("I.E. N.° 6152 \"Señor de los Milagros\"", VenueKind.SCHOOL, "Villa María del Triunfo",
     "Av. Pachacútec 4400, José Gálvez", "0660381", "01 281 5539"),
    ("Centro Comunitario \"Juventud Activa\"", VenueKind.COMMUNITY_CENTRE, "Rímac",
     "Jr. Chiclayo 645, Leticia", None, "01 481 2290"),
    ("Casa de la Juventud del Callao", VenueKind.COMMUNITY_CENTRE, "Callao",
     "Av. Sáenz Peña 1290", None, "01 429 6610"),
)

# school index, first day offset, last day offset, reason
BLACKOUTS = (
    (0, 18, 22, "Exámenes bimestrales"),
    (1, 9, 9, "Aniversario del colegio"),
    (2, 30, 31, "Juegos Florales"),
    (6, -3, -1, "Jornada de reflexión docente"),
)

# alias, legal name, topics, bio, renewal offset, excluded districts, teacher, group only
SPEAKERS = (
    ("Hermano Lucho", "Luis Alberto Quispe Mamani", "salida de pandillas, proyecto de vida",
     "Creció en Zárate y pasó diez años en una pandilla. Hoy es educador comunitario y "
     "acompaña a jóvenes que quieren dejar la violencia.", 300, (), False, False),
    ("La Flaca Rosa", "Rosa Elvira Huamán Ccori", "violencia de género, maternidad adolescente",
     "Dejó el barrio después de perder a su hermano. Trabaja con madres jóvenes en el Rímac.",
     200, ("Comas", "Independencia"), False, True),
    ("El Profe Beto", "Alberto Ramos Villanueva", "armas de fuego, consecuencias legales",
     "Cumplió condena por robo agravado. Estudió educación en el penal y hoy enseña.",
     20, (), True, False),
    ("Chino Martín", "Martín Yupanqui Salas", "cultura de paz, deporte",
     "Entrenador de fútbol en Ate; usa el deporte para alejar a los chicos de las barras.",
     400, (), False, False),
    ("Hermana Gladys", "Gladys Poma Quispe", "familia, adicciones",
     "Madre de un joven asesinado en una pelea de pandillas. Habla de duelo y perdón.",
     150, (), False, False),
    ("Tío Walter", "Walter Chumpitaz Rojas", "barras bravas, salida de pandillas",
     "Ex barrista. Coordina un taller de serigrafía para jóvenes del Callao.",
     -10, (), False, False),
)

FIRST_NAMES = (
    "María", "Lucía", "Camila", "Valeria", "Daniela", "Ximena", "Alejandra", "Fernanda",
    "Nicole", "Luz", "Milagros", "Kiara", "Yesenia", "Andrea", "Sofía", "Mariana", "Brenda",
    "Jimena", "Fiorella", "Ariana", "José", "Luis", "Carlos", "Jorge", "Miguel", "Diego",
    "Kevin", "Brayan", "Anthony", "Renzo", "Piero", "Jean Pierre", "Sebastián", "Alonso",
    "Jesús", "Franco", "Gustavo", "Aldair", "Joel", "Jhon",
)
SURNAMES = (
    "Quispe", "Mamani", "Huamán", "Flores", "Rojas", "Sánchez", "García", "Chávez", "Ramos",
    "Vargas", "Torres", "Mendoza", "Castillo", "Gutiérrez", "Díaz", "Ccori", "Condori", "Poma",
    "Yupanqui", "Salazar", "Paredes", "Espinoza", "Vásquez", "Cárdenas", "Huanca", "Apaza",
    "Tello", "Ríos", "Cruz", "Lozano",
)
INTERESTS = ("fútbol", "música", "dibujo", "vóley", "baile", "videojuegos", "cocina",
             "lectura", "skate", "computación", "teatro", "ciclismo")
ACTIVITIES = ("Conversación sobre metas del bimestre", "Repaso de matemáticas en la biblioteca",
              "Partido de fúlbito y conversación", "Visita a la feria vocacional",
              "Llamada de seguimiento", "Taller de currículum y entrevistas",
              "Paseo por el Parque de la Muralla")

# key, title, topic, school index, speaker indexes, day offset, start hour, status, roster size
WORKSHOPS = (
    ("w1", "Decidir a tiempo: historias de salida", "salida de pandillas", 0, (0,), -42, 8,
     WorkshopStatus.CLOSED, 32),
    ("w2", "Cultura de paz en el aula", "cultura de paz", 1, (3,), -35, 10,
     WorkshopStatus.CLOSED, 28),
    ("w3", "Pandillas: lo que nadie te cuenta", "prevención", 2, (4, 2), -21, 8,
     WorkshopStatus.CLOSED, 35),
    ("w4", "Decidir a tiempo: historias de salida", "salida de pandillas", 0, (0,), -7, 10,
     WorkshopStatus.HELD, 25),
    ("w5", "Madres jóvenes, barrios seguros", "violencia de género", 10, (1,), -4, 16,
     WorkshopStatus.HELD, 18),
    ("w6", "Barras bravas: la otra cara", "barras bravas", 4, (5,), -14, 10,
     WorkshopStatus.CANCELLED, 0),
    ("w7", "Proyecto de vida sin violencia", "proyecto de vida", 0, (0,), 6, 8,
     WorkshopStatus.SCHEDULED, 30),
    ("w8", "El deporte como salida", "cultura de paz", 3, (3, 4), 8, 10,
     WorkshopStatus.SCHEDULED, 22),
    ("w9", "Armas de fuego: consecuencias reales", "armas de fuego", 6, (2,), 12, 15,
     WorkshopStatus.SCHEDULED, 20),
    ("w10", "Decidir a tiempo: historias de salida", "salida de pandillas", 7, (0,), 15, 9,
     WorkshopStatus.SCHEDULED, 15),
    ("w11", "Familias que protegen", "familia", 9, (1,), 25, 10, WorkshopStatus.DRAFT, 0),
)
GRADES = ("3.º de secundaria", "4.º de secundaria", "5.º de secundaria")
# Roughly how attendance falls at a school workshop.
ATTENDANCE_WEIGHTS = {AttendanceStatus.PRESENT: 80, AttendanceStatus.LATE: 8,
                      AttendanceStatus.EXCUSED: 5, AttendanceStatus.ABSENT: 7}

# email, name, district, stage; stages are built by _MentorStages below.
MENTORS = (
    ("mentor@example.org", "Diego Fernández Castillo", "San Juan de Lurigancho", "ready"),
    ("patricia.vargas@example.org", "Patricia Vargas León", "Comas", "ready"),
    ("ricardo.salas@example.org", "Ricardo Salas Ortiz", "Villa El Salvador", "ready"),
    ("milagros.cardenas@example.org", "Milagros Cárdenas Ruiz", "Ate", "ready"),
    ("fernando.ccahuana@example.org", "Fernando Ccahuana Pari", "Los Olivos", "applied"),
    ("lucia.espinoza@example.org", "Lucía Espinoza Tello", "Rímac", "interviewed"),
    ("andres.gutierrez@example.org", "Andrés Gutiérrez Mejía", "Independencia", "checked"),
    ("sofia.ramirez@example.org", "Sofía Ramírez Chávez", "Callao", "expired"),
    ("javier.torres@example.org", "Javier Torres Núñez", "El Agustino", "inactive"),
    ("carmen.aguilar@example.org", "Carmen Rosa Aguilar Ramos", "San Miguel", "references"),
)


def load_demo_data() -> bool:
    """Add the demo data set and flush; return False (adding nothing) if it is already there."""
    if db.session.scalar(sa.select(User.id).where(User.email == ADMIN_EMAIL)) is not None:
        return False
    _Demo(today_lima()).build()
    return True


class _Demo:
    """Builds the data set; holds the records that later parts refer to."""

    def __init__(self, today: date):
        self.today = today
        self.rng = random.Random(2026)  # same names on every run
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
        _Mentoring(self).build()
        db.session.flush()

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


class _Mentoring:
    """Mentors at each screening stage, mentees with and without consent, matches, sessions."""

    def __init__(self, demo: _Demo):
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
            goals="Terminar el año escolar, definir una meta de estudios, "
                  "alejarse de grupos de riesgo.",
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
        """Staff contact on days 10 and 28 of the match, then monthly (skipping the last)."""
        for offset in (*range(start + 10, min(start + 30, until), 18),
                       *range(start + 58, until - 30, 30)):
            match.check_ins.append(StaffCheckIn(
                held_on=self.day(offset), by_id=self.by_id, method=SessionKind.PHONE,
                notes="Llamada al mentor y a la familia: sin novedades."))

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
