"""Rosters: the CSV importer, preview and all-or-nothing import, duplicates, capacity, exports."""
import io
import re
import threading

import pytest
import sqlalchemy as sa

from youthagainstguns.auth.models import Role
from youthagainstguns.csvexport import to_csv
from youthagainstguns.workshops import roster_import
from youthagainstguns.workshops.models import (
    ConflictAcknowledgement,
    RosterEntry,
    Student,
    Workshop,
    WorkshopStatus,
)
from youthagainstguns.workshops.services import take_seats

GOOD = "nombres,apellidos,grado,seccion,codigo\nAna,Quispe Mamani,4.º,A,\nLuis,Rojas,4.º,B,777\n"


# Parsing ---------------------------------------------------------------------------------

@pytest.fixture
def ctx(app):
    """A request context: messages are translated for the request's language."""
    with app.test_request_context(headers={"Accept-Language": "es"}):
        yield

def test_parse_good_utf8_file(ctx):
    """Are the rows of a clean Spanish-header file read with their line numbers?"""
    parsed = roster_import.parse(GOOD.encode())
    assert parsed.ok
    assert [(r.line, r.first_name, r.last_names, r.section, r.code) for r in parsed.rows] == [
        (2, "Ana", "Quispe Mamani", "A", ""), (3, "Luis", "Rojas", "B", "777")]


def test_parse_bom_semicolons_and_english_header(ctx):
    """Does a UTF-8 file with BOM, semicolons and English column names read the same?"""
    text = "\ufefffirst_name;last_names;grade;section\nÑusta;Huamán Ccori;5.º;C\n"
    parsed = roster_import.parse(text.encode("utf-8"))
    assert parsed.ok and parsed.rows[0].first_name == "Ñusta"
    assert parsed.rows[0].last_names == "Huamán Ccori"


def test_parse_windows_1252_with_accents(ctx):
    """Does Excel's Windows-1252 CSV keep its accents?"""
    text = "Nombres;Apellidos;Grado;Sección\r\nJosé;Núñez Peña;3.º;Ú\r\n"
    parsed = roster_import.parse(text.encode("cp1252"))
    assert parsed.ok
    assert (parsed.rows[0].first_name, parsed.rows[0].last_names) == ("José", "Núñez Peña")
    assert parsed.rows[0].section == "Ú"


def test_parse_names_every_bad_row_and_field(ctx):
    """Is every bad row named with its line number, field and problem?"""
    text = ("nombres,apellidos,grado\nAna,Quispe,4\n,Rojas,4\nLuis,,4\n"
            f"Eva,{'x' * 121},4\n")
    parsed = roster_import.parse(text.encode())
    assert not parsed.ok
    assert [(e.line, e.field) for e in parsed.errors] == [
        (3, "first_name"), (4, "last_names"), (5, "last_names")]
    assert "120" in parsed.errors[2].problem


@pytest.mark.parametrize("data", [
    b"", b"\n\n", b"grado,seccion\n4,A\n", b"\x81\x8d\x8f\x90\x9d",
    ("nombres,apellidos\n" + "Ana,Rojas\n" * 2001).encode(), b"nombres,apellidos\n",
])
def test_parse_refuses_unusable_files(ctx, data):
    """Are empty, headerless, binary, oversized and studentless files refused as a whole?"""
    parsed = roster_import.parse(data)
    assert not parsed.ok and parsed.errors and not parsed.rows


def test_csv_export_defuses_formulas(ctx):
    """Does every cell a spreadsheet would run as a formula come out as text?"""
    out = to_csv(["a"], [["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "ok"]])
    assert out.startswith("\ufeff")
    assert "'=HYPERLINK" in out and "'+1" in out and "'-2" in out and "'@SUM" in out
    assert ",ok" in out


# Upload, preview, confirm -----------------------------------------------------------------

@pytest.fixture
def coordinator(login_as):
    return login_as(Role.COORDINATOR)


def upload(client, auth, workshop, text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    token = auth.csrf_token(f"/workshops/{workshop.id}/roster/upload")
    return client.post(f"/workshops/{workshop.id}/roster/upload", data={
        "csrf_token": token, "file": (io.BytesIO(data), "lista.csv")},
        content_type="multipart/form-data")


def confirm(client, auth, workshop, html: str, **extra):
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)
    return client.post(f"/workshops/{workshop.id}/roster/confirm", data={
        "csrf_token": auth.csrf_token(f"/workshops/{workshop.id}/roster/upload"),
        "token": token} | extra)


def students(db) -> int:
    return db.session.scalar(sa.select(sa.func.count(Student.id)))


def test_upload_previews_then_imports_in_order(client, auth, make, coordinator, db):
    """Does the preview save nothing, and the confirmation import every row in order?"""
    workshop = make.workshop()
    preview = upload(client, auth, workshop, GOOD)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Quispe Mamani" in html
    assert students(db) == 0
    done = confirm(client, auth, workshop, html)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/{workshop.id}")
    db.session.refresh(workshop)
    assert [e.student.first_name for e in workshop.roster] == ["Ana", "Luis"]
    assert [e.position for e in workshop.roster] == [1, 2]
    assert workshop.seats_taken == 2
    assert workshop.roster[1].student.student_code == "777"


def test_mixed_file_saves_nothing_and_names_rows(client, auth, make, coordinator, db):
    """Does one bad row stop the whole import, with the line and field named?"""
    workshop = make.workshop()
    response = upload(client, auth, workshop, GOOD + ",SinNombre,4,A,\n")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<td data-label="Fila">4</td>' in html and 'name="token"' not in html
    assert students(db) == 0 and db.session.get(Workshop, workshop.id).seats_taken == 0


def test_tampered_or_foreign_token_is_refused(client, auth, make, coordinator, db):
    """Can a client alter the previewed rows, or replay them on another workshop?"""
    workshop, other = make.workshop(), make.workshop()
    html = upload(client, auth, workshop, GOOD).get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for target, value in ((workshop, forged), (other, token)):
        response = client.post(f"/workshops/{target.id}/roster/confirm", data={
            "csrf_token": auth.csrf_token("/workshops/"), "token": value})
        assert response.status_code == 302 and "/roster/upload" in response.headers["Location"]
    assert students(db) == 0


def test_duplicates_match_existing_students_and_are_not_doubled(client, auth, make, coordinator,
                                                                db):
    """Are known students matched (despite case and accents), not doubled nor re-added?"""
    workshop = make.workshop()
    known = make.student(workshop.venue, first_name="María José", last_names="Quispe",
                       grade="4.º", section="B")
    already, = make.roster(workshop, 1)
    already_student = db.session.get(Student, already.student_id)
    text = ("nombres;apellidos;grado;seccion\nMARIA JOSE;quispe;4.º;b\n"
            f"{already_student.first_name};{already_student.last_names};4.º;A\n"
            "Nuevo;Alumno;4.º;B\nnuevo;ALUMNO;4.º;B\n")
    html = upload(client, auth, workshop, text).get_data(as_text=True)
    assert confirm(client, auth, workshop, html).status_code == 302
    db.session.refresh(workshop)
    ids = [e.student_id for e in workshop.roster]
    assert len(ids) == len(set(ids)) == 3
    assert known.id in ids
    assert students(db) == 3  # known, already, and one "Nuevo Alumno"
    assert workshop.seats_taken == 3


def test_import_past_capacity_is_refused_unless_staff_accept(client, auth, make, coordinator, db):
    """Is a roster larger than capacity refused, then imported when accepted with a reason?"""
    workshop = make.workshop(capacity=1)
    html = upload(client, auth, workshop, GOOD).get_data(as_text=True)
    assert 'data-kind="capacity"' in html
    refused = confirm(client, auth, workshop, html)
    assert refused.status_code == 409 and students(db) == 0
    accepted = confirm(client, auth, workshop, html, acknowledge="y",
                       ack_reason="El aula es grande")
    assert accepted.status_code == 302
    db.session.refresh(workshop)
    assert (workshop.capacity, workshop.seats_taken) == (2, 2)
    ack = db.session.scalar(sa.select(ConflictAcknowledgement))
    assert (ack.kind, ack.reason) == ("capacity", "El aula es grande")


def test_school_contact_cannot_override_capacity(client, auth, make, login_as, db):
    """Can a school contact raise the capacity by accepting the warning? No."""
    workshop = make.workshop(capacity=1)
    login_as(Role.SCHOOL, school=workshop.venue)
    html = upload(client, auth, workshop, GOOD).get_data(as_text=True)
    response = confirm(client, auth, workshop, html, acknowledge="y", ack_reason="por favor")
    assert response.status_code == 409
    db.session.refresh(workshop)
    assert (workshop.capacity, workshop.seats_taken, students(db)) == (1, 0, 0)


def test_school_contact_uploads_own_roster_until_held(client, auth, make, login_as, db):
    """Can a school contact import their class list, but not once the workshop was held?"""
    workshop = make.workshop()
    login_as(Role.SCHOOL, school=workshop.venue)
    html = upload(client, auth, workshop, GOOD).get_data(as_text=True)
    assert confirm(client, auth, workshop, html).status_code == 302
    db.session.refresh(workshop)
    assert [(e.position, e.student.first_name, e.student.last_names, e.student.school_id)
            for e in workshop.roster] == [(1, "Ana", "Quispe Mamani", workshop.venue_id),
                                          (2, "Luis", "Rojas", workshop.venue_id)]
    assert workshop.seats_taken == 2
    workshop.status = WorkshopStatus.HELD
    db.session.commit()
    response = client.get(f"/workshops/{workshop.id}/roster/upload")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/workshops/{workshop.id}")


# Seats ---------------------------------------------------------------------------------

def test_conditional_update_refuses_the_seat_past_capacity(make, db):
    """Does taking seats stop exactly at capacity?"""
    workshop = make.workshop(capacity=5)
    assert take_seats(workshop, 3)
    assert not take_seats(workshop, 3)
    assert take_seats(workshop, 2)
    assert not take_seats(workshop, 1)
    db.session.commit()
    assert db.session.get(Workshop, workshop.id).seats_taken == 5


def test_concurrent_sign_ups_never_overbook(app, make, db):
    """With 12 sign-ups racing for 5 seats, do exactly 5 succeed?"""
    workshop_id = make.workshop(capacity=5).id
    results, start = [], threading.Barrier(12)

    def sign_up():
        with app.app_context():
            start.wait()
            taken = take_seats(db.session.get(Workshop, workshop_id), 1)
            db.session.commit()
            results.append(taken)
            db.session.remove()

    threads = [threading.Thread(target=sign_up) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 5
    db.session.expire_all()
    assert db.session.get(Workshop, workshop_id).seats_taken == 5


# By hand, removal, template, export -----------------------------------------------------

def test_add_student_by_hand_and_refuse_duplicate_or_full(client, auth, make, coordinator, db):
    """Can a student be typed in, but not twice, and not past capacity?"""
    workshop = make.workshop(capacity=1)
    url = f"/workshops/{workshop.id}/roster/add"
    data = {"csrf_token": auth.csrf_token(url), "first_name": "Rosa", "last_names": "Ccama",
            "grade": "5.º", "section": "A"}
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data=data | {"first_name": "ROSA"}).status_code == 200
    assert client.post(url, data=data | {"first_name": "Otra"}).status_code == 200
    db.session.refresh(workshop)
    assert len(workshop.roster) == 1 and workshop.seats_taken == 1


def test_remove_entry_frees_the_seat(client, auth, make, coordinator, db):
    """Does taking a student off the roster give the seat back?"""
    workshop = make.workshop()
    entry, _ = make.roster(workshop, 2)
    entry_id = entry.id
    response = client.post(f"/workshops/{workshop.id}/roster/{entry_id}/remove",
                           data={"csrf_token": auth.csrf_token("/workshops/")})
    assert response.status_code == 302
    db.session.refresh(workshop)
    assert (len(workshop.roster), workshop.seats_taken) == (1, 1)
    assert db.session.get(RosterEntry, entry_id) is None


def test_entry_of_another_workshop_is_404(client, auth, make, coordinator):
    """Can a roster line be removed through another workshop's URL? No."""
    workshop, other = make.workshop(), make.workshop()
    entry, = make.roster(other, 1)
    response = client.post(f"/workshops/{workshop.id}/roster/{entry.id}/remove",
                           data={"csrf_token": auth.csrf_token("/workshops/")})
    assert response.status_code == 404


def test_template_download_has_expected_columns(client, coordinator):
    """Does the template open in Excel with the Spanish column names?"""
    response = client.get("/workshops/roster-template.csv")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert text.startswith("\ufeffnombres,apellidos,grado,seccion,codigo")
    assert roster_import.parse(response.data).ok


def test_roster_export_is_formula_safe_and_audited(client, make, coordinator, db):
    """Is a malicious name exported as text, and the export recorded?"""
    from youthagainstguns.audit.models import AuditEvent

    workshop = make.workshop()
    pupil = make.student(workshop.venue, first_name="=CMD()", last_names="@x")
    db.session.add(RosterEntry(workshop_id=workshop.id, student_id=pupil.id, position=1))
    db.session.commit()
    text = client.get(f"/workshops/{workshop.id}/roster.csv").get_data(as_text=True)
    assert "'=CMD()" in text and "'@x" in text
    assert db.session.scalar(sa.select(AuditEvent.action).where(
        AuditEvent.action == "roster.export")) == "roster.export"


def test_detail_loads_each_thing_once_whatever_the_roster(client, make, coordinator, db,
                                                          count_queries):
    """Does the audited workshop page load each thing once, with no reload after the audit
    commit, in as many statements for 30 students as for 3 (issue 11: 13 where 8 do)?"""
    from youthagainstguns.audit.models import AuditEvent

    def statements(workshop):
        url = f"/workshops/{workshop.id}"
        db.session.expire_all()  # what a new request starts from
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200
        return counter["n"]

    small, big = make.workshop(), make.workshop()
    make.roster(small, 3)
    make.roster(big, 30)
    few, many = statements(small), statements(big)
    # user, workshop and venue, speakers, roster, conflicts accepted, visible pupils, audit
    # line, certificates and their count: one each.
    assert (few, many) == (9, 9)
    assert db.session.scalar(sa.select(sa.func.count()).where(
        AuditEvent.action == "roster.view")) == 2
