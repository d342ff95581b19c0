"""School attendance reports (PDF, CSV), their access rules, and program totals."""
import bisect
import csv
import io
import math
import re
from datetime import timedelta

import pdfplumber
import pytest
import sqlalchemy as sa

from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import Role
from youthagainstguns.pdf_fast import points
from youthagainstguns.reports.services import GEOMETRY, _columns
from youthagainstguns.workshops.models import AttendanceStatus, Student

P, L, E, A = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.EXCUSED,
              AttendanceStatus.ABSENT)


def _pdf_pages(body: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(body)) as document:
        return [page.extract_text() for page in document.pages]


def _period(school, today, **extra):
    return {"school_id": school.id, "start": (today - timedelta(days=30)).isoformat(),
            "end": today.isoformat(), **extra}


@pytest.fixture
def school_year(make):
    """A school with a 40-student workshop (two PDF pages) and one named with accents."""
    school = make.school(name="I.E. Señor de los Milagros", official_code="0765432")
    statuses = [P] * 30 + [L] * 4 + [E] * 3 + [A] * 3
    workshop, students = make.class_of(school, statuses)
    students[0].first_name, students[0].last_names = "José", "Ñique Álvarez"
    students[1].first_name, students[1].last_names = "=HYPERLINK(1)", "+Suma"
    make.db.session.commit()
    return school, workshop, students


def test_workshop_pdf_has_totals_rate_and_header_on_every_page(school_year, client, login_as):
    """Does the PDF list every student, the totals and rate, and repeat the column heads?"""
    _school, workshop, students = school_year
    login_as(Role.COORDINATOR)
    response = client.get(f"/reports/workshops/{workshop.id}/attendance.pdf")
    assert response.status_code == 200
    pages = _pdf_pages(response.data)
    assert len(pages) == 2
    whole = "\n".join(pages)
    assert "Ñique Álvarez, José" in whole
    assert all(f"{s.last_names}, {s.first_name}"[:30] in whole for s in students[2:])
    # 30 present + 4 late of 40 students.
    assert "40 30 4 3 3 85,0 %" in pages[0]  # Spanish decimal comma
    assert "TASA DE" in pages[0] and "TARDANZA" in pages[0]
    for number, text in enumerate(pages, 1):
        assert "Estudiante" in text and "Asistencia" in text
        assert f"Página {number} de 2" in text


def test_csv_keeps_accents_and_escapes_formulas(school_year, db, client, login_as):
    """Does the CSV open in Excel with accents intact and no formula run from a name?"""
    _school, workshop, _students = school_year
    login_as(Role.COORDINATOR)
    response = client.get(f"/reports/workshops/{workshop.id}/attendance.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["N.º", "Estudiante", "Grado", "Sección", "Asistencia"]
    assert rows[1][1] == "Ñique Álvarez, José"
    assert rows[2][1] == "'+Suma, =HYPERLINK(1)"
    assert len(rows) == 41
    assert db.session.scalar(sa.select(sa.func.count()).where(
        AuditEvent.action == "report.export")) == 1


def test_period_report_covers_one_school_and_the_period(school_year, make, client, login_as, today):
    """Are other schools' students and workshops outside the period left out?"""
    school, _workshop, _students = school_year
    other = make.school(name="Otro colegio")
    make.class_of(other, [P, P])
    old = make.held_workshop(venue=school, days_ago=90)
    make.enrol(old, [(make.student(school, last_names="Antiguo"), P)])
    login_as(Role.COORDINATOR)
    response = client.get("/reports/attendance.csv", query_string=_period(school, today))
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 41
    assert not any("Antiguo" in row[1] for row in rows)
    pdf = client.get("/reports/attendance.pdf", query_string=_period(school, today))
    first = _pdf_pages(pdf.data)[0]
    assert "I.E. Señor de los Milagros" in first and "0765432" in first


def test_school_contact_gets_only_their_own_school(school_year, make, client, login_as, today):
    """Can a school contact download another school's report?"""
    school, workshop, _students = school_year
    login_as(Role.SCHOOL, school=make.school(name="Colegio ajeno"))
    assert client.get(f"/reports/workshops/{workshop.id}/attendance.pdf").status_code == 403
    assert client.get(f"/reports/workshops/{workshop.id}/attendance.csv").status_code == 403
    assert client.get("/reports/attendance.csv",
                      query_string=_period(school, today)).status_code == 403
    own = client.get("/reports/attendance.csv", query_string=_period(school, today) | {
        "school_id": ""})
    assert own.status_code == 200
    assert len(own.data.decode("utf-8-sig").splitlines()) == 1


def test_bad_period_shows_a_message_next_to_the_field(school_year, client, login_as, today):
    """Is a period that ends before it starts refused with a clear message?"""
    school, _workshop, _students = school_year
    login_as(Role.COORDINATOR)
    query = _period(school, today) | {"start": today.isoformat(),
                                      "end": (today - timedelta(days=3)).isoformat()}
    response = client.get("/reports/attendance.pdf", query_string=query, follow_redirects=True)
    assert response.status_code == 200
    assert "El último día debe ser igual o posterior al primero" in response.get_data(
        as_text=True)


def test_index_offers_downloads_with_few_queries(make, client, login_as, today, count_queries):
    """Does the report page stay at a bounded number of queries with many workshops?"""
    school = make.school()
    for days in range(30):
        make.held_workshop(venue=school, days_ago=days + 1)
    login_as(Role.COORDINATOR)
    with count_queries() as counter:
        response = client.get("/reports", query_string=_period(school, today))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "/reports/attendance.pdf?" in html and html.count("attendance.csv") == 26
    assert counter["n"] <= 10


def test_program_totals_suppress_small_counts(make, client, login_as):
    """Are fewer than five students in a district since the start shown as <5, and the next
    smallest hidden?"""
    small = make.school(district="Ancón")
    big = make.school(district="Comas")
    make.class_of(small, [P, P])
    make.class_of(big, [P] * 6)
    make.class_of(make.school(district="Ate"), [P] * 5)
    login_as(Role.COORDINATOR)
    html = client.get("/reports/program").get_data(as_text=True)
    since = html.split('aria-labelledby="since-districts-heading"', 1)[1].split("</table>")[0]
    body = since.split("<tbody>", 1)[1]
    rows = [[re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]
    assert rows[:3] == [["Ancón", "&lt;5"], ["Ate", "*"],  # else 13 − 6 − 5 gives the 2 away
                        ["Comas", "6"]]
    assert rows[3][1] == "13"  # the total, each student once
    assert "<svg" in html


def _column_edges(app, per_workshop: bool) -> list[float]:
    """The x of each column boundary of the PDF table, in points."""
    edges = [points(GEOMETRY["side"])]
    with app.test_request_context():
        columns = _columns(per_workshop)
    for column in columns:
        edges.append(edges[-1] + points(column.width))
    return edges


def test_long_name_and_title_are_clipped_to_their_columns(app, make, client, login_as,
                                                          today):
    """Does a 120-character name or a 160-character title stop short of the next column?"""
    school = make.school()
    workshop = make.held_workshop(venue=school, title="Taller " + "muy " * 37 + "largo")
    long_name = make.student(school, last_names="Huamaní " * 14 + "Quispe", first_name="Ana")
    make.enrol(workshop, [(long_name, P), (make.student(school), A)])
    login_as(Role.COORDINATOR)
    response = client.get("/reports/attendance.pdf", query_string=_period(school, today))
    with pdfplumber.open(io.BytesIO(response.data)) as document:
        page = document.pages[0]
        row_top = next(w["top"] for w in page.extract_words() if w["text"].startswith("Huamaní"))
        first_row = [c for c in page.chars if abs(c["top"] - row_top) < 1]
    assert "".join(c["text"] for c in first_row).count("…") == 2  # name and title only
    edges = _column_edges(app, per_workshop=False)
    for char in first_row:
        column = bisect.bisect_right(edges, char["x0"]) - 1
        assert char["x1"] <= edges[column + 1], f"{char['text']!r} crosses into the next column"
    assert {bisect.bisect_right(edges, c["x0"]) - 1 for c in first_row} == set(
        range(len(edges) - 1))


def test_pdf_string_characters_in_a_name_read_back_as_typed(make, client, login_as, today):
    """Do parentheses and a backslash in a name (PDF string delimiters) print as typed,
    without breaking the page's text?"""
    school = make.school()
    workshop = make.held_workshop(venue=school)
    odd = make.student(school, first_name="Ana (Nena)", last_names="Quispe \\ Rojas")
    make.enrol(workshop, [(odd, P), (make.student(school, last_names="Zapata"), A)])
    login_as(Role.COORDINATOR)
    response = client.get("/reports/attendance.pdf", query_string=_period(school, today))
    with pdfplumber.open(io.BytesIO(response.data)) as document:
        text = document.pages[0].extract_text()
    assert "Quispe \\ Rojas, Ana (Nena)" in text
    assert "Zapata" in text  # the row after still prints


def test_a_2000_row_report_has_every_row_on_the_right_number_of_pages(
        make, db, client, login_as, today):
    """Are all 2,000 rows there, numbered, on 47 pages (33 rows, then 43 a page)?"""
    school = make.school()
    workshop = make.held_workshop(venue=school, capacity=2000)
    students = [Student(school_id=school.id, first_name="Eva", last_names=f"Alumna{n:04d}",
                        grade="5.º", section="B") for n in range(1, 2001)]
    db.session.add_all(students)
    db.session.commit()
    make.enrol(workshop, [(student, P) for student in students])
    login_as(Role.COORDINATOR)
    response = client.get("/reports/attendance.pdf", query_string=_period(school, today))
    pages = _pdf_pages(response.data)
    assert len(pages) == 1 + math.ceil((2000 - 33) / 43) == 47
    assert all(f"Página {n} de 47" in text for n, text in enumerate(pages, 1))
    lines = {line for text in pages for line in text.splitlines()}
    assert all(f"{n} Alumna{n:04d}, Eva 5.º B" in " ".join(lines) for n in (1, 33, 34, 2000))
    found = [line.split()[:2] for line in lines if " Alumna" in line]
    assert sorted((int(n), name) for n, name in found) == [
        (n, f"Alumna{n:04d},") for n in range(1, 2001)]


def test_period_report_counts_pupils_at_another_venue(school_year, make, client, login_as,
                                                      today):
    """Are a school's pupils at a workshop held elsewhere in its report, and no one else's?"""
    school, _workshop, _students = school_year
    centre = make.school(name="Centro comunitario")
    away = make.held_workshop(venue=centre, title="Taller en el centro")
    make.enrol(away, [(make.student(school, last_names="Visitante"), L),
                      (make.student(centre, last_names="Local"), P)])
    login_as(Role.COORDINATOR)
    response = client.get("/reports/attendance.csv", query_string=_period(school, today))
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 42
    assert any(row[1].startswith("Visitante") for row in rows)
    assert not any(row[1].startswith("Local") for row in rows)
    page = client.get("/reports", query_string=_period(school, today))
    assert "41 estudiantes" in page.get_data(as_text=True)
