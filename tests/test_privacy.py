"""Data-subject rights (Ley 29733): export everything held about a young person, correct it,
anonymise it on request or after the retention period, and the public privacy notice."""
import io
import json
import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from youthagainstguns import jobs
from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import Role
from youthagainstguns.certificates.models import Certificate, CertificateKind
from youthagainstguns.extensions import db as database
from youthagainstguns.mentoring.enums import ClosureReason, ClosureType, MatchStatus
from youthagainstguns.mentoring.errors import MentoringError
from youthagainstguns.mentoring.models import (
    CheckInGoalRating,
    GuardianConsent,
    Match,
    Mentee,
    MentoringSession,
    SafeguardingAlert,
    StaffCheckIn,
)
from youthagainstguns.privacy import export, services
from youthagainstguns.referrals.models import Referral, ReferralFollowUp, SharingConsent
from youthagainstguns.reports import program
from youthagainstguns.reports.services import Scope, count_by_status
from youthagainstguns.timeutil import today_lima, utcnow
from youthagainstguns.workshops.models import (
    AlreadyAnonymisedError,
    AttendanceStatus,
    RosterEntry,
    Student,
)

P, A = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT
NAME, LAST = "Zqxnombre", "Zqxapellido Prueba"
BIRTH = date(2011, 7, 23)
PHONE = "900111777"
GUARDIAN = "Zqxtutora Madre"
NOTES = "zqxnota secreta de la sesión"
EXIT_NOTES = "zqxsalida comentario"
CHECK_IN_NOTES = "zqxseguimiento llamada"
ALERT = "zqxalerta detalle"
CODE = "ZQX-CODE-77"
MARKERS = (NAME, LAST.split()[0], PHONE, GUARDIAN.split()[0], "zqxnota", "zqxsalida",
           "zqxseguimiento", "zqxalerta", CODE, "2011-07-23", "23/07/2011")


@pytest.fixture
def person(make):
    """A mentee with every kind of record, linked to a workshop participant who attended a
    workshop and holds a certificate; every personal value carries a marker."""
    school = make.school(name="I.E. Privacidad")
    workshop, (student, *others) = make.class_of(school, [P, P, A], title="Cultura de paz")
    student.first_name, student.last_names, student.student_code = NAME, LAST, CODE
    certificate = Certificate(kind=CertificateKind.STUDENT, workshop=workshop, student=student,
                              issued_on=today_lima())
    mentee = make.mentee(first_name=NAME, last_names=LAST, date_of_birth=BIRTH,
                         guardian_name=GUARDIAN, guardian_phone=PHONE, school_id=school.id,
                         interests="zqxnota intereses", student_id=student.id)
    match = make.match(make.mentor(), mentee, goals="zqxnota metas")
    make.session(match, notes=NOTES, activity="zqxnota actividad", duration_minutes=90)
    make.check_in(match, today_lima() - timedelta(days=2)).notes = CHECK_IN_NOTES
    make.alert(match, details=ALERT, follow_up_notes="zqxalerta seguimiento")
    match.close(closed_on=today_lima(), closure_type=ClosureType.PLANNED,
                reason=ClosureReason.COMPLETED_TERM, exit_notes=EXIT_NOTES, rematch=False,
                by=make.user(Role.COORDINATOR))
    database.session.add(certificate)
    database.session.commit()
    return {"mentee": mentee, "student": student, "match": match, "workshop": workshop,
            "certificate": certificate, "others": others}


def _pdf_text(body: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def _columns(model) -> set[str]:
    return {column.key for column in sa.inspect(model).columns}


def _markers_left(db) -> list[str]:
    """Scan every text column of every table for every marker."""
    found = []
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, sa.String) or isinstance(column.type, sa.Enum):
                    continue
                for marker in MARKERS:
                    hit = conn.execute(sa.select(sa.func.count()).select_from(table)
                                       .where(column.icontains(marker, autoescape=True)))
                    if hit.scalar():
                        found.append(f"{table.name}.{column.name}: {marker}")
    return found


def english(client) -> None:
    """Read the pages in English: the Spanish of new strings arrives with the catalog."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def _page(client, url, **query) -> str:
    """Return a page's HTML without the <bdi> isolation around each shown value."""
    html = client.get(url, query_string=query or None).get_data(as_text=True)
    return re.sub(r"</?bdi>", "", html)


def _figures(response) -> list[str]:
    """Return the table cells of a page: its figures, without tokens that change."""
    return re.findall(r"<td[^>]*>(.*?)</td>", response.get_data(as_text=True))


def _anonymise(client, auth, kind, subject_id, **data):
    url = f"/privacy/{kind}/{subject_id}/anonymise"
    return client.post(url, data={"csrf_token": auth.csrf_token(url), **data})


@pytest.mark.parametrize("model", list(export.FIELDS))
def test_export_names_every_column_of_the_models_it_covers(model):
    """Would a column added to a model, and not to the export, fail here?"""
    exported = {name for name, _label in export.FIELDS[model]}
    assert exported == _columns(model) - export.NOT_EXPORTED.get(model, set())


def test_export_covers_every_model_that_holds_a_young_persons_data():
    """Is every table about a mentee or a student part of the export?"""
    assert set(export.FIELDS) == {Student, RosterEntry, Certificate, Mentee, GuardianConsent,
                                  Match, MentoringSession, SafeguardingAlert, StaffCheckIn,
                                  CheckInGoalRating, Referral, ReferralFollowUp,
                                  SharingConsent}


def test_mentee_export_json_holds_everything(person, client, login_as, db):
    """Does the JSON file hold every field of every record about the mentee and the
    participant they were?"""
    login_as(Role.COORDINATOR)
    response = client.get(f"/privacy/mentees/{person['mentee'].id}/export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    sections = data["sections"]
    expected = {"mentee": Mentee, "consents": GuardianConsent, "matches": Match,
                "sessions": MentoringSession, "check_ins": StaffCheckIn,
                "alerts": SafeguardingAlert, "student": Student, "attendance": RosterEntry,
                "certificates": Certificate}
    for key, model in expected.items():
        assert len(sections[key]) == 1, key
        assert _columns(model) - export.NOT_EXPORTED.get(model, set()) <= set(sections[key][0])
    record = sections["mentee"][0]
    assert (record["first_name"], record["date_of_birth"]) == (NAME, "2011-07-23")
    assert record["guardian_phone"] == PHONE and record["school"] == "I.E. Privacidad"
    assert sections["sessions"][0]["notes"] == NOTES
    assert sections["matches"][0]["exit_notes"] == EXIT_NOTES
    assert sections["check_ins"][0]["notes"] == CHECK_IN_NOTES
    assert sections["alerts"][0]["details"] == ALERT
    assert sections["attendance"][0]["status"] == "present"
    assert sections["certificates"][0]["code"] == person["certificate"].code
    assert db.session.scalar(sa.select(sa.func.count()).where(
        AuditEvent.action == "privacy.export", AuditEvent.object_type == "Mentee")) == 1


def test_export_pdf_reads_back_in_spanish(person, client, login_as, db):
    """Does the readable PDF show the same data, labelled for a guardian?"""
    login_as(Role.COORDINATOR)
    response = client.get(f"/privacy/students/{person['student'].id}/export.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    for value in (NAME, PHONE, "23/07/2011", NOTES, EXIT_NOTES, CHECK_IN_NOTES, ALERT,
                  "Cultura de paz", person["certificate"].code, "Fecha de nacimiento"):
        assert value in text, value
    assert db.session.scalar(sa.select(sa.func.count()).where(
        AuditEvent.action == "privacy.export", AuditEvent.object_type == "Student")) == 1


def test_anonymising_asks_for_a_reason_and_a_confirmation(person, client, auth, login_as, db):
    """Does a POST without the confirmation, or without a CSRF token, change nothing?"""
    login_as(Role.COORDINATOR)
    english(client)
    mentee_id = person["mentee"].id
    page = client.get(f"/privacy/mentees/{mentee_id}/anonymise").get_data(as_text=True)
    assert "cannot be undone" in page
    unconfirmed = _anonymise(client, auth, "mentees", mentee_id, reason="guardian-request")
    assert unconfirmed.status_code == 200
    no_csrf = client.post(f"/privacy/mentees/{mentee_id}/anonymise",
                          data={"reason": "guardian-request", "confirm": "y"})
    assert no_csrf.status_code in (200, 400)
    assert db.session.get(Mentee, mentee_id).anonymised_at is None
    assert _markers_left(db)


def test_anonymising_on_request_removes_every_marker(person, client, auth, login_as, db):
    """After anonymising, does any table still hold a name, birth date, guardian datum or
    note of the person?"""
    coordinator = login_as(Role.COORDINATOR)
    mentee_id, student_id = person["mentee"].id, person["student"].id
    response = _anonymise(client, auth, "mentees", mentee_id, reason="guardian-request",
                          confirm="y")
    assert response.status_code == 302
    assert _markers_left(db) == []
    mentee, student = db.session.get(Mentee, mentee_id), db.session.get(Student, student_id)
    assert mentee.date_of_birth is None and mentee.anonymised_at and student.anonymised_at
    assert mentee.student_id is None and mentee.archived_at is not None
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "privacy.anonymise").order_by(AuditEvent.object_type)).all()
    assert [(e.object_type, e.object_id, e.actor_id) for e in events] == [
        ("Mentee", mentee_id, coordinator.id), ("Student", student_id, coordinator.id)]
    assert all("guardian-request" in e.summary for e in events)


def test_anonymising_keeps_the_figures_and_the_certificate(person, client, auth, login_as):
    """Do the program totals and the school's attendance counts stay the same, and does the
    certificate still verify as valid, with no name?"""
    scope = Scope(workshop_id=person["workshop"].id)
    before = (program.totals(), count_by_status(scope), program.reach_by_district())
    login_as(Role.COORDINATOR)
    before_page = client.get("/reports/program")
    assert _anonymise(client, auth, "students", person["student"].id,
                      reason="own-request", confirm="y").status_code == 302
    assert (program.totals(), count_by_status(scope), program.reach_by_district()) == before
    assert before[0]["hours"] == 1.5 and before[1][P] == 2
    assert _figures(client.get("/reports/program")) == _figures(before_page)
    english(client)
    html = client.get(f"/verify/{person['certificate'].code}").get_data(as_text=True)
    assert "Valid" in html and "A participant (name removed" in html
    assert NAME not in html and "Zqxapellido" not in html


def test_anonymised_people_show_no_name_in_lists(person, client, auth, login_as):
    """Do the roster, the mentee list and the mentee page show a neutral label instead?"""
    login_as(Role.COORDINATOR)
    english(client)
    _anonymise(client, auth, "mentees", person["mentee"].id, reason="guardian-request",
               confirm="y")
    pages = {  # lists read the stored columns; pages about one person read `full_name`
        f"/workshops/{person['workshop'].id}": "Participante anonimizado",
        "/mentoring/mentees?archived=1": "Participante anonimizado, —",
        f"/mentoring/mentees/{person['mentee'].id}": "Anonymised participant",
        f"/privacy/mentees/{person['mentee'].id}": "Anonymised participant",
    }
    for url, label in pages.items():
        html = _page(client, url)
        assert label in html, url
        assert NAME not in html and "Zqxapellido" not in html, url


def test_anonymising_twice_is_refused(person, client, auth, login_as, db):
    """Is a second anonymisation refused, by the model and by the page?"""
    login_as(Role.COORDINATOR)
    english(client)
    student_id = person["student"].id
    _anonymise(client, auth, "students", student_id, reason="guardian-request", confirm="y")
    with pytest.raises(AlreadyAnonymisedError):
        db.session.get(Student, student_id).anonymise()
    with pytest.raises(AlreadyAnonymisedError):
        services.anonymise_mentee(person["mentee"], services.Reason.GUARDIAN)
    db.session.rollback()
    again = _anonymise(client, auth, "students", student_id, reason="guardian-request",
                       confirm="y")
    assert again.status_code == 302
    assert "already anonymised" in client.get(again.headers["Location"]).get_data(as_text=True)
    # One line each for the participant and their linked mentee record, none for the refusal.
    assert db.session.scalar(sa.select(sa.func.count()).where(
        AuditEvent.action == "privacy.anonymise")) == 2


def test_anonymised_mentee_can_no_longer_be_edited(person, client, auth, login_as):
    """Can nobody type a name back into an anonymised mentee's record?"""
    login_as(Role.COORDINATOR)
    _anonymise(client, auth, "mentees", person["mentee"].id, reason="guardian-request",
               confirm="y")
    for page in ("edit", "student"):
        assert client.get(f"/mentoring/mentees/{person['mentee'].id}/{page}").status_code == 403
    consent = person["mentee"].consents[0]
    assert client.get(f"/mentoring/consents/{consent.id}/withdraw").status_code == 403
    detail = client.get(f"/mentoring/mentees/{person['mentee'].id}").get_data(as_text=True)
    assert f"/mentoring/consents/{consent.id}/withdraw" not in detail


def test_a_mentee_with_an_open_match_is_not_anonymised(make, db):
    """Is anonymising refused while the mentee's match is still running?"""
    mentee = make.mentee()
    make.match(make.mentor(), mentee)
    with pytest.raises(MentoringError):
        services.anonymise_mentee(mentee, services.Reason.GUARDIAN)
    assert mentee.anonymised_at is None and mentee.guardian_phone


def test_a_student_can_be_corrected(person, client, auth, login_as, db):
    """Does the correction form save the new names and record who changed them?"""
    login_as(Role.COORDINATOR)
    url = f"/privacy/students/{person['student'].id}/edit"
    assert CODE in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"csrf_token": auth.csrf_token(url), "first_name": " Ana ",
                                      "last_names": "Quispe  Ríos", "grade": "5.º",
                                      "section": "B", "code": ""})
    assert response.status_code == 302
    student = db.session.get(Student, person["student"].id)
    assert (student.first_name, student.last_names, student.student_code) == (
        "Ana", "Quispe Ríos", None)
    assert db.session.scalar(sa.select(AuditEvent.action).where(
        AuditEvent.object_type == "Student")) == "student.edit"


@pytest.fixture
def retention_world(make, db):
    """Records on both sides of the five-year line: expired and kept, students and mentees."""
    today = today_lima()
    old_day = 365 * 5 + 30
    school = make.school()
    _old, (old_student, old_absent) = make.class_of(school, [P, A], days_ago=old_day)
    recent, (recent_student,) = make.class_of(school, [P], days_ago=30)
    _old_too, (came_back,) = make.class_of(school, [P], days_ago=old_day)
    make.enrol(recent, [(came_back, P)])
    for student in (old_student, old_absent, came_back):
        student.created_at = utcnow() - timedelta(days=old_day + 1)
    mentor = make.mentor()
    old_mentee = make.mentee(referred_on=today - timedelta(days=old_day + 200))
    make.match(mentor, old_mentee, status=MatchStatus.CLOSED,
               start_date=today - timedelta(days=old_day + 100),
               closed_on=today - timedelta(days=old_day), closure_type=ClosureType.PLANNED,
               closure_reason=ClosureReason.COMPLETED_TERM)
    recent_mentee = make.mentee(first_name="Reciente",
                                referred_on=today - timedelta(days=old_day + 200))
    make.match(mentor, recent_mentee, status=MatchStatus.CLOSED,
               closed_on=today - timedelta(days=300), closure_type=ClosureType.PLANNED,
               closure_reason=ClosureReason.COMPLETED_TERM)
    db.session.commit()
    return {"expired_students": [old_student.id, old_absent.id],
            "kept_students": [recent_student.id, came_back.id],
            "expired_mentees": [old_mentee.id], "kept_mentees": [recent_mentee.id]}


def _anonymised_ids(db, model) -> list[int]:
    return list(db.session.scalars(sa.select(model.id).where(model.anonymised_at.is_not(None))
                                   .order_by(model.id)))


def test_dry_run_lists_ids_and_changes_nothing(retention_world, app, db):
    """Does `flask anonymize-expired` without --apply only say what it would do, by id?"""
    result = app.test_cli_runner().invoke(args=["anonymize-expired"])
    assert result.exit_code == 0, result.output
    ids = ", ".join(map(str, retention_world["expired_students"]))
    assert f"Students past the retention period: 2 (ids: {ids})" in result.output
    assert (f"Mentees past the retention period: 1 (ids: "
            f"{retention_world['expired_mentees'][0]})") in result.output
    assert "Dry run" in result.output
    assert "Lucía" not in result.output and "Alumno" not in result.output
    db.session.expire_all()
    assert _anonymised_ids(db, Student) == [] and _anonymised_ids(db, Mentee) == []


def test_apply_anonymises_only_the_expired(retention_world, app, db):
    """Does --apply anonymise exactly the records past the period, audited as retention?"""
    result = app.test_cli_runner().invoke(args=["anonymize-expired", "--apply"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _anonymised_ids(db, Student) == retention_world["expired_students"]
    assert _anonymised_ids(db, Mentee) == retention_world["expired_mentees"]
    summaries = db.session.scalars(sa.select(AuditEvent.summary).where(
        AuditEvent.action == "privacy.anonymise")).all()
    assert len(summaries) == 3 and all(s.endswith("retention") for s in summaries)
    again = app.test_cli_runner().invoke(args=["anonymize-expired", "--apply"])
    assert "Students past the retention period: 0" in again.output


def test_retention_years_come_from_the_config(retention_world, app):
    """With a longer retention period, is nothing expired yet?"""
    app.config["RETENTION_YEARS"] = 10
    try:
        expired = services.find_expired()
    finally:
        app.config["RETENTION_YEARS"] = 5
    assert expired.student_ids == [] and expired.mentee_ids == []


def test_the_monthly_job_is_registered_and_applies(retention_world, app, db):
    """Is the job declared at app start, due on the 1st of the month, and does it apply?"""
    declared = jobs._JOBS["privacy.anonymize_expired"]
    assert declared.schedule(datetime(2027, 3, 1, 9, 0))
    assert not declared.schedule(datetime(2027, 3, 2, 9, 0))
    assert declared.func() == 3
    db.session.expire_all()
    assert _anonymised_ids(db, Mentee) == retention_world["expired_mentees"]


@pytest.mark.parametrize("role", [Role.SCHOOL, Role.MENTOR, Role.SPEAKER])
def test_only_staff_handle_a_mentees_request(person, client, login_as, role):
    """Is every request route about a mentee refused to school contacts, mentors, speakers?"""
    login_as(role, school=person["workshop"].venue) if role == Role.SCHOOL else login_as(role)
    base = f"/privacy/mentees/{person['mentee'].id}"
    for url in (base, f"{base}/export.json", f"{base}/export.pdf", f"{base}/anonymise"):
        assert client.get(url).status_code == 403, url


def test_a_missing_person_is_not_found(client, login_as):
    """Does an unknown id give 404, not an error?"""
    login_as(Role.COORDINATOR)
    assert client.get("/privacy/mentees/999999").status_code == 404
    assert client.get("/privacy/students/999999/export.json").status_code == 404


def test_search_finds_people_but_not_the_anonymised(person, client, login_as, db):
    """Does the request page find a person by name, and leave the anonymised out?"""
    login_as(Role.COORDINATOR)
    html = _page(client, "/privacy/requests", q=NAME)
    assert html.count(f"{LAST}, {NAME}") == 2  # the mentee and the participant
    services.anonymise_student(person["student"], services.Reason.GUARDIAN)
    db.session.commit()
    html = _page(client, "/privacy/requests", q=NAME)
    assert html.count(f"{LAST}, {NAME}") == 1


@pytest.mark.parametrize("language, phrases", [
    ("es-PE", ("Aviso de privacidad", "5 años", "privacidad@example.org", "Ley 29733",
               "Acceso", "Rectificación", "Cancelación", "Oposición")),
    ("en", ("Privacy notice", "5 years", "privacidad@example.org", "Ley 29733", "Access",
            "Rectification", "Cancellation", "Opposition")),
])
def test_privacy_notice_is_public_and_linked_from_every_page(client, language, phrases):
    """Can anyone read what is kept, why, how long and whom to ask, in both languages?"""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    html = client.get("/privacy").get_data(as_text=True)
    for phrase in phrases:
        assert phrase in html, phrase
    assert re.search(r'href="/privacy"', client.get("/verify").get_data(as_text=True))
