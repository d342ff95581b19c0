"""Long grades in printed documents: the sign-in sheet keeps "4.º de secundaria B" inside its
column, and the period report prints a long grade and its section in full."""
import io
from datetime import timedelta

import pdfplumber
from pypdf import PdfReader

from youthagainstguns.auth.models import Role
from youthagainstguns.workshops.models import AttendanceStatus


def test_sign_in_sheet_keeps_a_long_grade_out_of_the_tick_boxes(make, client, login_as):
    """Does "4.º de secundaria B" stay left of the "Presente" column of its row?"""
    school = make.school()
    workshop = make.workshop(venue=school)
    make.enrol(workshop, [(make.student(school, last_names="Quispe Huamán",
                                        grade="4.º de secundaria", section="B"), None)])
    login_as(Role.COORDINATOR)
    response = client.get(f"/workshops/{workshop.id}/sign-in-sheet.pdf")
    assert response.status_code == 200
    with pdfplumber.open(io.BytesIO(response.data)) as document:
        page = document.pages[0]
        words = page.extract_words()
        present = next(w for w in words if w["text"] == "Presente")
        # The header cell's shading starts where the column starts.
        edge = max(r["x0"] for r in page.rects
                   if r["x0"] <= present["x0"] and r["top"] <= present["top"] <= r["bottom"])
        row = next(w for w in words if w["text"] == "Quispe")
        cell = [w for w in words if abs(w["top"] - row["top"]) < 14 and row["x1"] < w["x0"] < edge]
    assert {"secundaria", "B"} <= {w["text"] for w in cell}
    assert all(w["x1"] <= edge for w in cell), [(w["text"], w["x1"], edge) for w in cell]


def test_period_report_prints_a_long_grade_and_its_section(make, client, login_as, today):
    """Does a period report read back with "4.º secundaria" and section "B" on the row?"""
    school = make.school()
    workshop = make.held_workshop(venue=school)
    make.enrol(workshop, [
        (make.student(school, last_names="Quispe Huamán", first_name="María José",
                      grade="4.º secundaria", section="B"), AttendanceStatus.PRESENT),
        (make.student(school, last_names="Rojas", first_name="Ana",
                      grade="4.º de secundaria", section="C"), AttendanceStatus.LATE)])
    login_as(Role.COORDINATOR)
    response = client.get("/reports/attendance.pdf", query_string={
        "school_id": school.id, "start": (today - timedelta(days=30)).isoformat(),
        "end": today.isoformat()})
    assert response.status_code == 200
    lines = PdfReader(io.BytesIO(response.data)).pages[0].extract_text().splitlines()
    assert any("Quispe Huamán, María José 4.º secundaria B " in line for line in lines)
    assert any("Rojas, Ana 4.º de secundaria C " in line for line in lines)
