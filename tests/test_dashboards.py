"""Each role's dashboard against a fixture counted by hand, and never another's figures.

The fixture; "term start" is the first day of the current school term (dashboards.term_of),
so every held workshop is in this term and this year whatever day the suite runs:

  schools  A "Colegio Alfa", B "Colegio Beta"; speakers S1, S2
  W1  A, term start, held,      S1: a1-a4 present, a5 late, a6 absent
  W2  A, term start, closed,    S2: a1 present (again), a7 late
  W3  A, term start, cancelled, S1: a8 present       -> counts nowhere
  W4  A, term start, draft,     S1: a9 present       -> counts nowhere
  W5  B, term start, held,      S1: b1-b3 present
  W6  A, tomorrow, scheduled,   S1 ("Taller próximo Alfa")
  W7  B, tomorrow, scheduled,   S2 ("Taller próximo Beta")

  A: 2 workshops held, 6 students reached (a1 once, a5 and a7 late count), attendance
     7 of 8 marked lines = 87,5 %.  B: 1 held, 3 reached -> "<5", its rate hidden -> "*".
  S1 this year: W1 and W5, 5 + 3 = 8 reached. S2: W2, 2 reached -> "<5".
  The program this year: 3 held, 9 reached, 10 of 11 lines = 90,9 %.
  Mentor M1: match with Lucía (two sessions today, 60 + 30 min = 1,5 h) and with Andrés
  (active 20 days, no session: a session and a staff check-in are due).
  Mentor M2: match with Camila (45 min today = 0,8 h).
"""
import re
from datetime import date, timedelta

import pytest

from youthagainstguns.auth.models import Role
from youthagainstguns.dashboards.services import TERM_START_MONTHS, term_of
from youthagainstguns.reports.figures import Period
from youthagainstguns.timeutil import month_start
from youthagainstguns.workshops.models import AttendanceStatus, WorkshopStatus

P, L, A = AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT
HOME = "/home"


def figure(html: str, name: str) -> str:
    """Return the text of the dashboard tile `data-figure=name`."""
    found = re.search(rf'data-figure="{name}"><span class="stat-n">([^<]*)</span>', html)
    assert found, f"no figure {name}"
    return found.group(1).strip()


@pytest.fixture
def fixture(make, today):
    """The fixture above; returns its records and accounts by name."""
    start = term_of(today).start
    alfa, beta = make.school(name="Colegio Alfa"), make.school(name="Colegio Beta")
    s1, s2 = make.speaker(alias="Ponente Uno"), make.speaker(alias="Ponente Dos")
    a = [make.student(alfa) for _n in range(9)]
    b = [make.student(beta) for _n in range(3)]

    def workshop(venue, speaker, status, title, day=start):
        return make.workshop(venue=venue, speakers=[speaker], day=day, status=status,
                             title=title)

    w1 = workshop(alfa, s1, WorkshopStatus.HELD, "Taller uno Alfa")
    make.enrol(w1, [(a[0], P), (a[1], P), (a[2], P), (a[3], P), (a[4], L), (a[5], A)])
    w2 = workshop(alfa, s2, WorkshopStatus.CLOSED, "Taller dos Alfa")
    make.enrol(w2, [(a[0], P), (a[6], L)])
    make.enrol(workshop(alfa, s1, WorkshopStatus.CANCELLED, "Taller cancelado"), [(a[7], P)])
    make.enrol(workshop(alfa, s1, WorkshopStatus.DRAFT, "Taller borrador"), [(a[8], P)])
    make.enrol(workshop(beta, s1, WorkshopStatus.HELD, "Taller Beta"), [(s, P) for s in b])
    tomorrow = today + timedelta(days=1)
    workshop(alfa, s1, WorkshopStatus.SCHEDULED, "Taller próximo Alfa", tomorrow)
    workshop(beta, s2, WorkshopStatus.SCHEDULED, "Taller próximo Beta", tomorrow)

    m1, m2 = make.mentor(), make.mentor()
    lucia = make.match(m1, make.mentee(first_name="Lucía", last_names="Quispe Mamani"))
    make.match(m1, make.mentee(first_name="Andrés", last_names="Rojas Huamán"),
               start_date=today - timedelta(days=20))
    camila = make.match(m2, make.mentee(first_name="Camila", last_names="Torres Vega"))
    make.session(lucia, held_on=today, duration_minutes=60)
    make.session(lucia, held_on=today, duration_minutes=30)
    make.session(camila, held_on=today, duration_minutes=45)

    s1.user_id = make.user(Role.SPEAKER).id
    s2.user_id = make.user(Role.SPEAKER).id
    make.db.session.commit()
    return {
        "alfa": make.user(Role.SCHOOL, school=alfa), "beta": make.user(Role.SCHOOL, school=beta),
        "s1": s1.user, "s2": s2.user, "m1": m1.user, "m2": m2.user,
        "coordinator": make.user(Role.COORDINATOR), "w1": w1, "lucia": lucia,
    }


def page_of(client, auth, user, query: str = "") -> str:
    """Log `user` in and return their dashboard's HTML."""
    assert auth.login(user.email).status_code == 302
    response = client.get(HOME + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("day, first, last", [
    (date(2026, 1, 10), date(2026, 1, 1), date(2026, 2, 28)),
    (date(2026, 3, 1), date(2026, 3, 1), date(2026, 7, 31)),
    (date(2026, 7, 31), date(2026, 3, 1), date(2026, 7, 31)),
    (date(2026, 12, 1), date(2026, 8, 1), date(2026, 12, 31)),
])
def test_a_term_is_summer_or_a_half_of_the_school_year(day, first, last):
    """Is the term January–February, March–July or August–December, as TERM_START_MONTHS say?"""
    assert TERM_START_MONTHS == (1, 3, 8)
    assert term_of(day) == Period(first, last)


def test_school_contact_sees_their_schools_term(client, auth, fixture):
    """Does school A see its own term's figures counted by hand, and nothing of school B?"""
    html = page_of(client, auth, fixture["alfa"])
    assert figure(html, "workshops_held") == "2"
    assert figure(html, "students_reached") == "6"  # a1 once; late a5 and a7 count
    assert figure(html, "attendance_rate").startswith("87,5")
    assert "Taller próximo Alfa" in html and "Taller uno Alfa" in html
    for elsewhere in ("Colegio Beta", "Taller Beta", "Taller próximo Beta",
                      "Taller cancelado", "Taller borrador"):
        assert elsewhere not in html
    assert f'href="/reports/workshops/{fixture["w1"].id}/attendance.pdf"' in html
    assert 'href="/reports"' in html and 'href="/certificates"' in html


def test_a_small_school_sees_less_than_five(client, auth, fixture):
    """Does school B, with 3 students reached, see "<5" and its rate hidden as "*" (the
    program report's symbol), and none of A's figures?"""
    html = page_of(client, auth, fixture["beta"])
    assert figure(html, "workshops_held") == "1"
    assert figure(html, "students_reached") == "&lt;5"
    assert figure(html, "attendance_rate") == "*"
    assert "Colegio Alfa" not in html and "Taller uno Alfa" not in html


def test_speaker_sees_their_own_workshops_and_reach(client, auth, fixture, today):
    """Does speaker 1 see their next workshop with its Lima date and time, and 8 students
    reached this year; speaker 2 "<5" and only their own workshop?"""
    html = page_of(client, auth, fixture["s1"])
    assert figure(html, "students_reached") == "8"
    assert figure(html, "workshops_held") == "2"
    assert "Taller próximo Alfa" in html and "Taller próximo Beta" not in html
    assert f"{today + timedelta(days=1):%d/%m/%Y} · 10:00–12:00" in html  # Lima time
    assert 'href="/workshops/feed"' in html and 'href="/workshops/my-schedule"' in html
    html = page_of(client, auth, fixture["s2"])
    assert figure(html, "students_reached") == "&lt;5"
    assert "Taller próximo Beta" in html and "Taller próximo Alfa" not in html


def test_mentor_sees_their_matches_hours_and_what_is_due(client, auth, fixture):
    """Does mentor 1 see Lucía and Andrés by first name, 1,5 hours this month, and that
    Andrés needs a session and a check-in; and nothing of mentor 2's Camila?"""
    html = page_of(client, auth, fixture["m1"])
    assert figure(html, "mentoring_hours") == "1,5"
    assert figure(html, "active_matches") == "2"
    assert "Lucía" in html and "Andrés" in html
    assert "Quispe" not in html and "Rojas" not in html  # first names only
    due = re.search(r'<ul class="due-list">(.*?)</ul>', html, re.S).group(1)
    assert due.count("<li>") == 2 and "Andrés" in due and "Lucía" not in due
    assert "20" in due  # "no session logged for 20 days"
    assert "Camila" not in html
    html = page_of(client, auth, fixture["m2"])
    assert figure(html, "mentoring_hours") == "0,8"
    assert "Camila" in html and "Lucía" not in html and "Andrés" not in html


def test_coordinator_sees_the_program_week_board_and_charts(client, auth, make, fixture,
                                                            today):
    """Does the coordinator see this year's program figures counted by hand, today's
    attendance to take, the board's counts (open alerts first) and the two charts?"""
    make.alert(fixture["lucia"])
    now = make.workshop(day=today, title="Taller de hoy sin lista")
    make.roster(now, 3)  # three students not marked yet
    html = page_of(client, auth, fixture["coordinator"], "?period=year")
    assert figure(html, "students_reached") == "9"
    assert figure(html, "workshops_held") == "3"
    assert figure(html, "attendance_rate").startswith("90,9")
    assert figure(html, "active_matches") == "&lt;5"  # three young people
    assert figure(html, "mentoring_hours") == "2,3"  # 135 minutes
    taking = re.search(r'id="today-h".*?</section>', html, re.S).group(0)
    assert f'/workshops/{now.id}/attendance' in taking and re.search(r"·\s*3\s", taking)
    board = re.search(r'class="dash-list dash-board">(.*?)</ul>', html, re.S).group(1)
    links = re.findall(r'href="/mentoring/board/(\w+)"', board)
    assert links[0] == "alerts" and set(links) == {"alerts", "quiet", "check_ins", "checks",
                                                   "waiting", "referral_follow_ups"}
    assert 'badge-bad">1<' in board  # the one open alert
    assert html.count('<svg') >= 2 and 'href="/reports/program"' in html
    assert "Taller de hoy sin lista" in re.search(r'id="week-h".*?</section>', html,
                                                  re.S).group(0)


def test_coordinators_period_choice(client, auth, fixture, today):
    """Does ?period= choose the month, quarter or year, month by default and on nonsense?"""
    page = page_of(client, auth, fixture["coordinator"])
    month = Period.month(today)
    assert f"{month.start:%d/%m/%Y}" in page and f"{month.end:%d/%m/%Y}" in page
    assert 'value="month" selected' in page
    page = client.get(HOME + "?period=quarter").get_data(as_text=True)
    assert 'value="quarter" selected' in page
    assert f"{Period.quarter(today).start:%d/%m/%Y}" in page
    assert 'value="month" selected' in client.get(HOME + "?period=decade").get_data(
        as_text=True)


def test_students_per_month_hides_small_months(client, auth, make, fixture, today):
    """Is a month with 1 to 4 students reached shown as "<5" in the chart's table?"""
    # Two students in a month of the last twelve that holds none of the fixture's workshops.
    month = next(first for first in Period.last_months(today).months()
                 if first != month_start(term_of(today).start) and first != month_start(today))
    make.class_of(make.school(), [P, P], days_ago=(today - month).days)
    html = page_of(client, auth, fixture["coordinator"])
    assert "&lt;5" in section(html, "months")


def section(html: str, key: str) -> str:
    """Return a program report section (program_report.Section `key`) of a page, its charts'
    random ids left out."""
    found = re.search(rf'<section aria-labelledby="{key}-heading">.*?</section>', html, re.S)
    return re.sub(r"chart-[0-9a-f-]{36}", "chart", found.group(0))


def test_coordinator_dashboard_shows_the_program_report(client, auth, make, fixture, today):
    """Does the staff dashboard show, for the year, the program report's own key figures and
    its months table: suppressed against the year's total, so that a small month cannot be
    worked out from the total and the other months?"""
    term_month = month_start(term_of(today).start)
    other = next(first for first in Period.year(today).months() if first != term_month)
    make.class_of(make.school(), [P, P], days_ago=(today - other).days - 14)
    html = page_of(client, auth, fixture["coordinator"], "?period=year")
    report = client.get("/reports/program", query_string={
        "kind": "year", "day": today.isoformat()}).get_data(as_text=True)
    names = ("students_reached", "workshops_held", "attendance_rate", "certificates_issued",
             "active_matches", "mentoring_hours", "retention_rate")
    assert [figure(html, name) for name in names] == [figure(report, name) for name in names]
    assert figure(html, "students_reached") == "11"
    months = section(html, "months")
    assert months == section(report, "months")
    # 9 in the term's month, 2 in another: the 2 is "<5" and, beside the total of 11, the 9
    # is hidden too ("*"), else 11 − 9 would give the 2 away.
    assert "&lt;5" in months and ">*<" in months and ">11<" in months and ">9<" not in months
    assert "<svg" in section(html, "mentoring")
    # Three matches, all "<5": a chart of hidden values would draw nothing, so only the table.
    assert "<svg" not in section(html, "matches") and "&lt;5" in section(html, "matches")


def test_school_counts_its_pupils_at_another_venue(client, auth, make, fixture, today):
    """Does school A's term count its pupils at a community centre's workshop, as its
    attendance report does, list that workshop with its attendance PDF but no link to a page
    it may not open, and leave out school B's pupils there?"""
    centre = make.school(name="Centro Comunal Norte")
    alfa_pupil = make.student(fixture["alfa"].school)
    beta_pupil = make.student(fixture["beta"].school)
    elsewhere = make.workshop(venue=centre, day=term_of(today).start,
                              status=WorkshopStatus.HELD, title="Taller en el centro")
    make.enrol(elsewhere, [(alfa_pupil, P), (beta_pupil, P)])
    html = page_of(client, auth, fixture["alfa"])
    assert figure(html, "workshops_held") == "3"
    assert figure(html, "students_reached") == "7"  # 6 + the pupil at the centre, not B's
    assert figure(html, "attendance_rate").startswith("88,9")  # 8 of 9 of A's lines
    assert "Taller en el centro" in html
    assert f'href="/reports/workshops/{elsewhere.id}/attendance.pdf"' in html
    assert f'href="/workshops/{elsewhere.id}"' not in html


def test_an_overdue_check_in_is_due_wherever_the_mentor_looks(client, auth, fixture):
    """Is the staff check-in behind on Andrés's match among what mentor 1 has due, on the
    dashboard and on their mentoring page alike?"""
    html = page_of(client, auth, fixture["m1"])
    due = re.search(r'<ul class="due-list">(.*?)</ul>', html, re.S).group(1)
    page = client.get("/mentoring/mine").get_data(as_text=True)
    andres = [item for item in re.findall(r"<li>([^<]*)</li>", due) if "Andrés" in item]
    check_in = [item for item in andres if "20" not in item]  # not "no session for 20 days"
    assert len(check_in) == 1 and "coordinación" in check_in[0]
    assert f"<li>{check_in[0]}</li>" in page


@pytest.mark.parametrize("role", ["alfa", "s1", "m1", "coordinator"])
def test_dashboard_queries_do_not_grow_with_the_data(client, auth, make, fixture, today,
                                                     count_queries, role):
    """Does each dashboard cost the same few statements with more workshops, students and
    sessions?"""
    assert auth.login(fixture[role].email).status_code == 302

    def statements() -> int:
        with count_queries() as counter:
            assert client.get(HOME).status_code == 200
        return counter["n"]

    before = statements()
    school = fixture["alfa"].school
    speaker = fixture["s1"].speaker
    for days in (1, 2, 3):
        make.class_of(school, [P, L, A], speakers=[speaker], days_ago=days)
        make.workshop(venue=school, speakers=[speaker], day=today + timedelta(days=days + 1))
        make.session(fixture["lucia"], held_on=today, duration_minutes=15)
    assert statements() == before <= 15  # measured: 7 school, 5 speaker, 11 mentor, 15 staff


@pytest.mark.parametrize("role", ["alfa", "s1", "m1", "coordinator"])
def test_the_start_page_opens_the_dashboard(client, auth, fixture, role):
    """Does "/" send every role to its dashboard, and the dashboard need a login?"""
    assert client.get(HOME).headers["Location"].startswith("/login")
    assert auth.login(fixture[role].email).status_code == 302
    assert client.get("/").headers["Location"] == HOME


def test_accounts_without_their_record_get_a_plain_page(client, auth, make):
    """Does a mentor without a file, a speaker without a profile and a school contact without
    a school get a page that says so instead of an error?"""
    for user in (make.user(Role.MENTOR), make.user(Role.SPEAKER),
                 make.user(Role.SCHOOL, school_id=None)):
        html = page_of(client, auth, user)
        assert 'class="stat-grid"' not in html
