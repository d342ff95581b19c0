"""The program report for a period and the per-speaker report (reports/program_report.py):
the page, the PDF and the CSVs against a fixture counted by hand, suppression on all three,
access, bad periods and the cost in statements.

The fixture is tests/test_figures.py's `program` (its docstring has it) plus, in November 2026:

  C "Colegio Gamma" (Lince)  W7 18/11, held, S1 "Ponente Uno": 12 present, 3 absent
  D "Colegio Delta" (Comas)  W8 19/11, held, S3 "Ponente Tres": 6 present

so that November reads (distinct students reached 4 + 12 + 6 = 22, attendance 6/9 + 12/15
+ 6/6 = 24/30):

  district  workshops  students         attendance
  Ate       2 (W1 W2)  3  -> "<5"       4/6  -> "*" (from a hidden count)
  Comas     2 (W3 W8)  8  -> "*"        8/9  -> "*"  (else 22 - 12 - 8... gives Ate away)
  Lince     1 (W7)     12               12/15 = 80 %
  total     5          22               80 %
"""
import csv
import html
import io
import re
from datetime import date
from decimal import Decimal

import pdfplumber
import pytest
import sqlalchemy as sa

from tests.test_figures import NOVEMBER, program  # noqa: F401 - `program` is a fixture
from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import Role
from youthagainstguns.reports.figures import Period
from youthagainstguns.reports.program_report import (
    Rate,
    build_program_report,
    build_speaker_report,
    series_period,
)
from youthagainstguns.workshops.models import AttendanceStatus, WorkshopStatus

P, A = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT
NOVEMBER_QUERY = {"kind": "month", "day": "2026-11-15"}
TOTAL = "Total (cada estudiante una sola vez)"
PERCENT_80 = "80\xa0%"
DISTRICTS = [["Ate", "2", "<5", "*"], ["Comas", "2", "*", "*"],
             ["Lince", "1", "12", PERCENT_80], [TOTAL, "5", "22", PERCENT_80]]
SCHOOLS = [["Colegio Alfa", "Ate", "2", "<5", "*"], ["Colegio Beta", "Comas", "1", "<5", "*"],
           ["Colegio Delta", "Comas", "1", "6", "100\xa0%"],
           ["Colegio Gamma", "Lince", "1", "12", PERCENT_80], [TOTAL, "", "5", "22", PERCENT_80]]
# Dos: W2 only (a1, b1); Tres: W8 (6, the complement); Uno: W1, W3, W7, 16 of 22 marked.
SPEAKERS = [["Ponente Dos", "1", "<5", "*", "*", "1"], ["Ponente Tres", "1", "*", "*", "*", "1"],
            ["Ponente Uno", "3", "16", "72,7\xa0%", "5,3", "3"]]
ROUTES = ["/reports/program", "/reports/program.pdf", "/reports/program/districts.csv",
          "/reports/speakers", "/reports/speakers.csv"]


@pytest.fixture
def november(program, make):  # noqa: F811 - the imported fixture, by name
    """The fixture of the module docstring; returns `program`'s records and the new ones."""
    gamma = make.school(name="Colegio Gamma", district="Lince")
    delta = make.school(name="Colegio Delta", district="Comas")
    s3 = make.speaker(alias="Ponente Tres")
    w7 = make.workshop(venue=gamma, speakers=[program["s1"]], day=date(2026, 11, 18),
                       status=WorkshopStatus.HELD)
    make.roster(w7, 12, P)
    make.roster(w7, 3, A)
    w8 = make.workshop(venue=delta, speakers=[s3], day=date(2026, 11, 19),
                       status=WorkshopStatus.HELD)
    make.roster(w8, 6, P)
    return program | dict(gamma=gamma, delta=delta, s3=s3)


def _text(fragment: str) -> str:
    """A piece of HTML as the reader sees it: tags dropped, entities read, spaces joined."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", fragment))
    return re.sub(r"[ \t\r\n]+", " ", text).strip()  # a no-break space (80 %) is kept


def _page_rows(page: str, key: str) -> list[list[str]]:
    """The rows of the table in the page's section `key` (charts left out)."""
    section = page.split(f'aria-labelledby="{key}-heading"', 1)[1].split("</section>", 1)[0]
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def _csv(client, path: str, query=NOVEMBER_QUERY) -> list[list[str]]:
    response = client.get(path, query_string=query)
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def _pdf_lines(body: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(body)) as document:
        return [" ".join(line.split()) for page in document.pages
                for line in (page.extract_text() or "").splitlines()]


def test_the_builder_counts_november_by_hand(november, app):
    """Are the key figures, breakdowns and series the hand-counted ones, suppressed?"""
    report = build_program_report(NOVEMBER)
    assert (report.reached.value, report.reached.shown) == (22, "22")
    assert report.workshops_held == 5
    assert report.attendance == Rate(Decimal(24) / 30)
    # a1@W1 and b1@W3; two matches active: both 1 to 4, hidden.
    assert report.certificates_issued.shown == report.active_matches.shown == "<5"
    assert str(report.mentoring_hours) == "3.0"
    assert report.retention.hidden  # 1 of 2 closed matches: from counts under 5
    assert [(r.name, r.workshops, r.reached.shown, r.attendance.hidden)
            for r in report.districts] == [("Ate", 2, "<5", True), ("Comas", 2, "*", True),
                                           ("Lince", 1, "12", False)]
    # A month is drawn in the twelve months ending with it, without a total.
    assert report.series_period == Period(date(2025, 12, 1), date(2026, 11, 30))
    assert report.months_total is None
    months = {row.month: row for row in report.months}
    assert (months[date(2026, 11, 1)].workshops, months[date(2026, 11, 1)].reached.shown) == (
        5, "22")
    assert months[date(2026, 10, 1)].reached.shown == "<5"  # a4 at W6
    assert [cell.shown for _status, cell in report.matches] == ["<5"] * 4
    assert report.matches_total.shown == "6"


def test_a_year_series_is_the_period_with_its_total_and_a_complement(november):
    """Over 2026 is October's lone student hidden, November hidden beside it, the total 23?"""
    year = Period.year(date(2026, 6, 1))
    assert series_period(year) == year
    report = build_program_report(year)
    months = {row.month: row.reached for row in report.months}
    assert (months[date(2026, 10, 1)].shown, months[date(2026, 11, 1)].shown) == ("<5", "*")
    assert report.months_total.shown == "23"  # the 22 of November and a4 in October
    assert sum(row.workshops for row in report.months) == report.workshops_held == 6


def test_the_page_shows_the_hand_counted_figures_suppressed(november, client, login_as):
    """Does the page show the key figures, the district and school tables with "<5" and "*",
    and never Ate's 3 or Comas's 8?"""
    login_as(Role.COORDINATOR)
    response = client.get("/reports/program", query_string=NOVEMBER_QUERY)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "01/11/2026 – 30/11/2026" in page
    key = page.split('aria-labelledby="figures-heading"', 1)[1].split("</section>", 1)[0]
    stats = [_text(n) for n in re.findall(r'<span class="stat-n">(.*?)</span>', key)]
    assert stats == ["22", "5", PERCENT_80, "<5", "<5", "3", "*"]
    assert _page_rows(page, "districts") == DISTRICTS
    assert _page_rows(page, "schools") == SCHOOLS
    district_section = page.split('aria-labelledby="districts-heading"', 1)[1].split(
        "</section>", 1)[0]
    svg = re.search(r"<svg .*?</svg>", district_section, re.S).group(0)
    assert {"3", "8"}.isdisjoint(_text(svg).split())  # no bar, no value for a hidden count
    assert "complementary suppression" in page or "supresión complementaria" in page
    for table in ("figures", "months", "districts", "schools", "mentoring", "matches"):
        assert f"/reports/program/{table}.csv?" in page
    assert "/reports/program.pdf?" in page


def test_the_csvs_hold_the_shown_values_only(november, client, login_as):
    """Does each CSV have Spanish headers and the shown values ("<5", "*"), never 3 or 8?"""
    login_as(Role.COORDINATOR)
    districts = _csv(client, "/reports/program/districts.csv")
    assert districts[0] == ["Distrito", "Talleres", "Estudiantes", "Tasa de asistencia"]
    assert districts[1:] == DISTRICTS
    schools = _csv(client, "/reports/program/schools.csv")
    assert schools[0] == ["Colegio", "Distrito", "Talleres", "Estudiantes", "Tasa de asistencia"]
    assert schools[1:] == SCHOOLS
    months = _csv(client, "/reports/program/months.csv")
    assert months[0] == ["Mes", "Talleres", "Estudiantes"]
    assert months[-2:] == [["oct 2026", "1", "<5"], ["nov 2026", "5", "22"]]
    assert len(months) == 13  # twelve months, no total row
    year = _csv(client, "/reports/program/months.csv", {"kind": "year", "day": "2026-03-03"})
    assert year[10:] == [["oct 2026", "1", "<5"], ["nov 2026", "5", "*"],
                         ["dic 2026", "0", "0"], [TOTAL, "6", "23"]]
    matches = _csv(client, "/reports/program/matches.csv")
    assert [row[1] for row in matches[1:]] == ["<5", "<5", "<5", "<5", "6"]
    figures = _csv(client, "/reports/program/figures.csv")
    assert [row[1] for row in figures[1:]] == ["22", "5", PERCENT_80, "<5", "<5", "3", "*"]
    response = client.get("/reports/program/districts.csv", query_string=NOVEMBER_QUERY)
    assert ('filename="programa-estudiantes-alcanzados-por-distrito-2026-11-01-2026-11-30.csv"'
            in response.headers["Content-Disposition"])
    assert client.get("/reports/program/nothing.csv",
                      query_string=NOVEMBER_QUERY).status_code == 404


def test_the_pdf_is_a_funders_report_with_the_same_figures(november, db, client, login_as):
    """Does the PDF carry the cover's period, the key figures, the same suppressed rows and the
    note, is its download audited, and is neither hidden count printed?"""
    login_as(Role.COORDINATOR)
    response = client.get("/reports/program.pdf", query_string=NOVEMBER_QUERY)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'filename="programa-reporte-2026-11-01-2026-11-30.pdf"' in response.headers[
        "Content-Disposition"]
    lines = _pdf_lines(response.data)
    text = " ".join(lines)
    assert "Youth Against Guns" in lines[0:3] and "01/11/2026 – 30/11/2026" in text
    for row in DISTRICTS + SCHOOLS:
        assert " ".join(" ".join(row).split()) in lines, row
    ate = [line for line in lines if line.startswith("Ate ")]
    comas = [line for line in lines if line.startswith("Comas ")]
    assert ate == ["Ate 2 <5 *"] and comas == ["Comas 2 * *"]
    assert db.session.scalar(sa.select(sa.func.count()).where(
        AuditEvent.action == "report.export",
        AuditEvent.summary == "pdf: program from 2026-11-01 to 2026-11-30")) == 1


def test_the_speaker_report_by_alias_suppressed(november, client, login_as):
    """Are speakers listed by alias (never the legal name), with Dos's 2 students hidden and
    Tres's 6 hidden beside them, on the page and in the CSV?"""
    login_as(Role.COORDINATOR)
    page = client.get("/reports/speakers", query_string=NOVEMBER_QUERY).get_data(as_text=True)
    assert _page_rows(page, "speakers") == [
        *SPEAKERS, ["Total (cada taller y cada estudiante una sola vez)", "5", "22", "", "", ""]]
    rows = _csv(client, "/reports/speakers.csv")
    assert rows[1:4] == SPEAKERS and rows[4][1:3] == ["5", "22"]
    assert "Nombre Legal" not in page + "".join(map(str, rows))
    assert november["s1"].legal_name not in page


@pytest.mark.parametrize("role", [Role.MENTOR, Role.SPEAKER, Role.SCHOOL])
def test_only_staff_see_the_program_report(role, client, login_as):
    """Is every route of the two reports refused to a mentor, a speaker and a school?"""
    login_as(role)
    for path in ROUTES:
        assert client.get(path, query_string=NOVEMBER_QUERY).status_code == 403, path


def test_anonymous_is_sent_to_log_in(client):
    """Is someone not logged in sent to the login page from every route?"""
    for path in ROUTES:
        response = client.get(path, query_string=NOVEMBER_QUERY)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


@pytest.mark.parametrize(("query", "field"), [
    ({"kind": "month", "day": "2026-02-31"}, "day"),
    ({"kind": "month"}, "day"),
    ({"kind": "quarter", "day": "1800-01-01"}, "day"),
    ({"kind": "decade", "day": "2026-01-01"}, "kind"),
    ({"kind": "custom", "start": "2026-05-01", "end": "2026-04-01"}, "end"),
    ({"kind": "custom", "start": "2026-01-01", "end": "2027-03-01"}, "end"),
    ({"kind": "custom", "end": "2026-04-01"}, "start"),
])
def test_a_bad_period_is_a_message_beside_its_field(query, field, client, login_as):
    """Is a bad period answered with the form and a message at the field, never a 500, and
    do the downloads send the reader back to it?"""
    login_as(Role.COORDINATOR)
    for path in ("/reports/program", "/reports/speakers"):
        response = client.get(path, query_string=query)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert f'id="{field}-error"' in page and 'id="figures-heading"' not in page
    response = client.get("/reports/program.pdf", query_string=query)
    assert response.status_code == 302 and "/reports/program" in response.headers[
        "Location"]


def test_no_period_is_this_month(client, login_as, today):
    """Does the page open on this month when no period is asked for?"""
    login_as(Role.COORDINATOR)
    page = client.get("/reports/program").get_data(as_text=True)
    assert Period.month(today).start.strftime("%d/%m/%Y") in page and "stat-grid" in page


def _more_rows(make) -> None:
    """Twenty more November workshops, each in a district of its own, by a new speaker."""
    for day in range(1, 21):
        workshop = make.workshop(venue=make.school(district=f"Distrito {day}"),
                                 day=date(2026, 11, day), status=WorkshopStatus.HELD)
        make.roster(workshop, 3, P)


def test_the_reports_cost_a_fixed_number_of_statements(november, make, client, login_as,
                                                        count_queries):
    """Do the builders cost 9 and 2 statements, and the pages the same number however many
    workshops, schools, districts and speakers there are?"""
    with count_queries() as program_queries:
        build_program_report(NOVEMBER)
    with count_queries() as speaker_queries:
        build_speaker_report(NOVEMBER)
    assert (program_queries["n"], speaker_queries["n"]) == (9, 2)
    login_as(Role.COORDINATOR)
    paths = ("/reports/program", "/reports/speakers", "/reports/program/schools.csv")
    for path in paths:  # once first: whatever a first request loads once is not counted
        client.get(path, query_string=NOVEMBER_QUERY)
    before = {}
    for path in paths:
        with count_queries() as counter:
            assert client.get(path, query_string=NOVEMBER_QUERY).status_code == 200
        before[path] = counter["n"]
    _more_rows(make)
    for path in paths:
        with count_queries() as counter:
            page = client.get(path, query_string=NOVEMBER_QUERY).get_data(as_text=True)
        assert counter["n"] == before[path] <= 14, (path, before[path], counter["n"])
        assert "Distrito 20" in page or "Ponente" in page  # the new rows are there
