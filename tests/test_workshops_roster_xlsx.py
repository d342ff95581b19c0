"""Rosters from Excel: a real .xlsx written with openpyxl goes through the upload view to the
same preview, errors and all-or-nothing import as a CSV; a broken workbook is refused beside
the field; the error table shows what the bad line holds."""
import io
import re
import zipfile
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from youthagainstguns.auth.models import Role
from youthagainstguns.workshops import roster_import
from youthagainstguns.workshops.models import Student, Workshop


@pytest.fixture
def coordinator(login_as):
    return login_as(Role.COORDINATOR)


def workbook(*rows) -> bytes:
    """Return an .xlsx holding `rows` on its first sheet (and a decoy second sheet)."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.create_sheet("Otra").append(["nombres", "apellidos"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, auth, workshop, data: bytes, filename: str):
    token = auth.csrf_token(f"/workshops/{workshop.id}/roster/upload")
    return client.post(f"/workshops/{workshop.id}/roster/upload", data={
        "csrf_token": token, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data")


def confirm(client, auth, workshop, html: str):
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)
    return client.post(f"/workshops/{workshop.id}/roster/confirm", data={
        "csrf_token": auth.csrf_token(f"/workshops/{workshop.id}/roster/upload"),
        "token": token})


def students(db) -> int:
    return db.session.scalar(sa.select(sa.func.count(Student.id)))


def test_excel_roster_previews_then_imports_with_grades_and_codes_as_text(client, auth, make,
                                                                        coordinator, db):
    """Does a workbook with numbers as grades and codes, date cells and a blank row preview
    and import like a CSV, grade 4 as "4" (not "4.0"), code 777 as "777", "0012" kept?"""
    workshop = make.workshop()
    data = workbook(["Nombres", "Apellidos", "Grado", "Sección", "Código", "Nacimiento"],
                    ["Ana", "Quispe Mamani", 4, "A", 777, date(2011, 3, 9)],
                    [None, None, None, None, None, None],
                    ["Luis", "Rojas", 4.0, "B", None, datetime(2011, 5, 1)],
                    ["Eva", "Ccori", "5.º", "C", "0012", None])
    preview = upload(client, auth, workshop, data, "Lista 4A.XLSX")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html
    assert "Quispe Mamani" in html and students(db) == 0
    done = confirm(client, auth, workshop, html)
    assert done.status_code == 302
    db.session.refresh(workshop)
    got = [(e.student.first_name, e.student.grade, e.student.student_code)
           for e in workshop.roster]
    assert got == [("Ana", "4", "777"), ("Luis", "4", None), ("Eva", "5.º", "0012")]


def test_cells_read_as_people_see_them():
    """Are dates dd/mm/yyyy, whole numbers without ".0", and empty cells empty?"""
    assert roster_import.cell_text(date(2011, 3, 9)) == "09/03/2011"
    assert roster_import.cell_text(datetime(2011, 3, 9)) == "09/03/2011"
    assert roster_import.cell_text(datetime(2011, 3, 9, 8, 5)) == "09/03/2011 08:05"
    assert roster_import.cell_text(4.0) == "4" and roster_import.cell_text(4.5) == "4.5"
    assert roster_import.cell_text(None) == "" and roster_import.cell_text(12) == "12"


def test_bad_excel_rows_save_nothing_and_show_what_the_line_holds(client, auth, make,
                                                                  coordinator, db):
    """Does one bad row stop the import, naming its sheet row, field and content?"""
    workshop = make.workshop()
    data = workbook(["nombres", "apellidos", "grado"], ["Ana", "Quispe", 4],
                    [None, "Rojas Sinnombre", 5])
    response = upload(client, auth, workshop, data, "lista.xlsx")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'name="token"' not in html
    assert re.search(r'<td data-label="Fila">3</td><td data-label="Campo">Nombre</td>', html)
    assert '<bdi>Rojas Sinnombre · 5</bdi>' in html
    assert students(db) == 0 and db.session.get(Workshop, workshop.id).seats_taken == 0


def test_csv_error_table_shows_what_the_line_holds(client, auth, make, coordinator):
    """Does a CSV's bad line show its cells too?"""
    workshop = make.workshop()
    text = "nombres,apellidos,grado\nAna,Quispe,4\nLuis,,3.º\n"
    html = upload(client, auth, workshop, text.encode(), "lista.csv").get_data(as_text=True)
    assert '<bdi>Luis · 3.º</bdi>' in html


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (roster_import.MAX_XLSX_UNPACKED + 1))
    return buffer.getvalue()


def _damaged() -> bytes:
    data = workbook(["nombres", "apellidos"], ["Ana", "Quispe"])
    book = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for info in book.infolist():
            body = book.read(info)
            out.writestr(info, body[: len(body) // 2] if "sheet1" in info.filename else body)
    return buffer.getvalue()


@pytest.mark.parametrize("data", [
    b"nombres,apellidos\nAna,Quispe\n", b"", b"PK\x03\x04broken", b"\xd0\xcf\x11\xe0old xls",
], ids=["csv-renamed", "empty", "truncated-zip", "old-xls"])
def test_a_file_that_is_not_a_workbook_is_refused_beside_the_field(client, auth, make,
                                                                  coordinator, db, data):
    """Is a .xlsx that is no workbook answered on the form, next to the field, never a 500?"""
    workshop = make.workshop()
    response = upload(client, auth, workshop, data, "lista.xlsx")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'<small class="field-error" id="file-error" role="alert">[^<]*Excel', html)
    assert students(db) == 0


@pytest.mark.parametrize("make_data", [_zip_bomb, _damaged], ids=["zip-bomb", "damaged-sheet"])
def test_oversized_or_damaged_workbooks_are_refused(client, auth, make, coordinator, make_data):
    """Is a workbook that unpacks to too much, or whose sheet is cut, refused beside the field?"""
    workshop = make.workshop()
    response = upload(client, auth, workshop, make_data(), "lista.xlsx")
    assert response.status_code == 422
    assert 'id="file-error"' in response.get_data(as_text=True)


def test_excel_with_too_many_students_is_refused_as_a_whole(app, client, auth, make,
                                                           coordinator):
    """Is the 2,000-student limit the same for Excel as for CSV?"""
    workshop = make.workshop()
    rows = [["nombres", "apellidos"]] + [["Ana", f"Rojas {n}"]
                                         for n in range(roster_import.MAX_ROWS + 1)]
    response = upload(client, auth, workshop, workbook(*rows), "lista.xlsx")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "2000" in html.replace(".", "").replace(",", "")


def test_excel_template_reads_back_as_a_valid_list(client, coordinator):
    """Does the .xlsx template open with the Spanish column names, as text columns?"""
    response = client.get("/workshops/roster-template.xlsx")
    assert response.status_code == 200 and response.mimetype == roster_import.XLSX_MIMETYPE
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == list(roster_import.TEMPLATE_HEADER)
    assert sheet.column_dimensions["E"].number_format == "@"
    assert roster_import.parse_xlsx(response.data).ok
