"""Mentoring goals rated at staff check-ins (issue 14): the goals of a match are the lines of
its goals text; each check-in rates every goal (all or nothing); the match page shows staff
each goal's latest rating; the program figures count goals by their latest rating in a period,
suppressed in the program report and its CSV.

Pages are read in English where they show new strings (their Spanish arrives with the
catalog merge); the figures are checked by their data attributes and values.
"""
import csv
import io
import re
from datetime import date, timedelta

import pdfplumber
import pytest
import sqlalchemy as sa

from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import Role
from youthagainstguns.mentoring import services
from youthagainstguns.mentoring.enums import GoalProgress, MatchStatus, SessionKind
from youthagainstguns.mentoring.errors import MentoringError
from youthagainstguns.mentoring.models import CheckInGoalRating, Match, StaffCheckIn
from youthagainstguns.privacy.services import Reason, anonymise_mentee
from youthagainstguns.reports import figures
from youthagainstguns.reports.figures import FigureScope, Period
from youthagainstguns.reports.program_report import (
    build_program_report,
    program_sections,
    program_tables,
)
from youthagainstguns.timeutil import today_lima

NS, SP, ACH = GoalProgress.NOT_STARTED, GoalProgress.SOME_PROGRESS, GoalProgress.ACHIEVED
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))
NOVEMBER_QUERY = {"kind": "month", "day": "2026-11-15"}


def english(client) -> None:
    """Read the pages in English: the Spanish of new strings arrives with the catalog."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def _rated(make, db, match: Match, held_on: date, *progress: GoalProgress) -> StaffCheckIn:
    """Add a check-in on `held_on` rating the match's goals, in order, as `progress`."""
    check_in = make.check_in(match, held_on)
    check_in.goal_ratings = [CheckInGoalRating(position=n, goal=goal, progress=p)
                             for n, (goal, p) in enumerate(zip(match.goal_list(), progress,
                                                               strict=True))]
    db.session.commit()
    return check_in


def _form_url(match: Match) -> str:
    return f"/mentoring/matches/{match.id}/check-ins/new"


def _post_check_in(client, auth, match: Match, **ratings):
    url = _form_url(match)
    return client.post(url, data={"csrf_token": auth.csrf_token(url),
                                  "held_on": today_lima().isoformat(), "method": "phone",
                                  "notes": "Llamada con la familia", **ratings})


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- The goals of a match -------------------------------------------------------------------

def test_the_goals_are_the_non_empty_lines_trimmed_in_order():
    """Are blank lines and surrounding spaces dropped, and nothing made up of no text?"""
    match = Match(goals="  Terminar el colegio \n\n   \r\nBuscar un taller de música\r\n")
    assert match.goal_list() == ["Terminar el colegio", "Buscar un taller de música"]
    assert Match(goals="").goal_list() == []
    assert Match().goal_list() == []  # not yet saved: no default applied


# --- Recording a check-in -------------------------------------------------------------------

def test_a_check_in_saves_one_rating_per_goal_with_the_wording_rated(client, auth, login_as,
                                                                      make, db):
    """Does the check-in keep each goal's position, wording and progress, audited?"""
    match = make.match(make.mentor(), make.mentee(), goals="Terminar el colegio\nLeer más")
    login_as(Role.COORDINATOR)
    response = _post_check_in(client, auth, match, goal_0="some_progress", goal_1="achieved")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/mentoring/matches/{match.id}")
    check_in = db.session.scalars(sa.select(StaffCheckIn)).one()
    assert [(r.position, r.goal, r.progress) for r in check_in.goal_ratings] == [
        (0, "Terminar el colegio", SP), (1, "Leer más", ACH)]
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.action == "match.check_in")) == 1


def test_the_form_has_one_required_select_per_goal(client, login_as, make):
    """Does the form offer the three progresses for each goal, none chosen in advance?"""
    match = make.match(make.mentor(), make.mentee(), goals="Uno\nDos")
    login_as(Role.COORDINATOR)
    english(client)
    html = client.get(_form_url(match)).get_data(as_text=True)
    for position, goal in enumerate(("Uno", "Dos")):
        select = re.search(rf'<select[^>]*name="goal_{position}".*?</select>', html, re.S)
        assert select, position
        values = re.findall(r'<option[^>]*value="([^"]*)"', select.group(0))
        assert values == ["", "not_started", "some_progress", "achieved"]
        assert "selected" not in select.group(0)
        assert f"Goal {position + 1}: {goal}" in html
    assert 'name="goal_2"' not in html


@pytest.mark.parametrize("ratings, wrong", [
    ({"goal_0": "achieved"}, "goal_1"),  # one missing
    ({"goal_0": "achieved", "goal_1": ""}, "goal_1"),  # left at "choose"
    ({"goal_0": "great", "goal_1": "achieved"}, "goal_0"),  # not a progress
])
def test_a_missing_or_bad_rating_is_refused_beside_its_field_saving_nothing(
        client, auth, login_as, make, db, ratings, wrong):
    """Is the form shown again with the error by the goal's select, and no check-in or
    rating saved?"""
    match = make.match(make.mentor(), make.mentee(), goals="Uno\nDos")
    login_as(Role.COORDINATOR)
    english(client)
    response = _post_check_in(client, auth, match, **ratings)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(rf'<select[^>]*aria-invalid="true"[^>]*name="{wrong}"'
                     rf'|<select[^>]*name="{wrong}"[^>]*aria-invalid="true"', html)
    assert f'id="{wrong}-error"' in html
    if not ratings.get(wrong, "").startswith("g"):
        assert "Say how far this goal has come." in html
    assert _count(db, StaffCheckIn) == 0
    assert _count(db, CheckInGoalRating) == 0


def test_a_match_without_goals_gets_no_selects_and_a_note(client, auth, login_as, make, db):
    """Is there nothing to rate, said so, and the check-in saved without ratings?"""
    match = make.match(make.mentor(), make.mentee(), goals=" \n ")
    login_as(Role.COORDINATOR)
    english(client)
    html = client.get(_form_url(match)).get_data(as_text=True)
    assert 'name="goal_0"' not in html
    assert "This match has no goals recorded, so there is nothing to rate." in html
    assert _post_check_in(client, auth, match).status_code == 302
    assert (_count(db, StaffCheckIn), _count(db, CheckInGoalRating)) == (1, 0)


def test_the_service_refuses_ratings_that_do_not_cover_every_goal(make, db, english_request):
    """Does record_check_in refuse a missing or extra rating before adding anything?"""
    match = make.match(make.mentor(), make.mentee(), goals="Uno\nDos")
    coordinator = make.user(Role.COORDINATOR)
    for ratings in ({0: ACH}, {0: ACH, 1: SP, 2: NS}, None):
        with pytest.raises(MentoringError):
            services.record_check_in(match, held_on=today_lima(), method=SessionKind.PHONE,
                                     notes="", today=today_lima(), by=coordinator,
                                     ratings=ratings)
        db.session.rollback()
    assert _count(db, StaffCheckIn) == 0


# --- The match page -------------------------------------------------------------------------

def _standings(html: str) -> list[tuple[str, str, str]]:
    """Return (position, progress, text) for each goal in the page's goal progress list."""
    block = re.search(r'<ul class="goal-standings">(.*?)</ul>', html, re.S).group(1)
    return [(position, progress, " ".join(re.sub(r"<[^>]+>", " ", text).split()))
            for position, progress, text in re.findall(
                r'<li data-position="(\d+)" data-progress="([a-z_]*)">(.*?)</li>', block, re.S)]


def test_the_match_page_shows_each_goals_latest_rating_and_its_date(client, login_as, make,
                                                                      db, today):
    """Is each goal shown with its rating at the latest check-in (by date, whatever the order
    they were typed in), the date of that check-in, and every check-in its own ratings?"""
    match = make.match(make.mentor(), make.mentee(), goals="Uno\nDos\nTres",
                       start_date=today - timedelta(days=40))
    later = _rated(make, db, match, today - timedelta(days=3), ACH, SP, NS)
    earlier = _rated(make, db, match, today - timedelta(days=20), SP, NS, NS)
    match.goals = "Uno\nDos\nTres\nCuatro"  # a goal added since: not rated yet
    db.session.commit()
    login_as(Role.COORDINATOR)
    english(client)
    html = client.get(f"/mentoring/matches/{match.id}").get_data(as_text=True)
    shown = _standings(html)
    assert [(position, progress) for position, progress, _text in shown] == [
        ("0", "achieved"), ("1", "some_progress"), ("2", "not_started"), ("3", "")]
    latest_day = (today - timedelta(days=3)).strftime("%d/%m/%Y")
    assert all(latest_day in text for _p, _g, text in shown[:3])
    assert "Not rated yet" in shown[3][2]
    for check_in, progress in ((later, ["achieved", "some_progress", "not_started"]),
                               (earlier, ["some_progress", "not_started", "not_started"])):
        row = re.search(rf'<li data-check-in="{check_in.id}">.*?</ul>', html, re.S).group(0)
        assert re.findall(r'data-progress="([a-z_]+)"', row) == progress


def test_the_page_says_when_a_goal_was_rated_in_other_words(client, login_as, make, db, today):
    """Is the wording rated shown when the goal has been reworded since?"""
    match = make.match(make.mentor(), make.mentee(), goals="Leer")
    _rated(make, db, match, today, SP)
    match.goals = "Leer un libro al mes"
    db.session.commit()
    login_as(Role.COORDINATOR)
    english(client)
    (_position, progress, text), = _standings(
        client.get(f"/mentoring/matches/{match.id}").get_data(as_text=True))
    assert progress == "some_progress"
    assert "when rated it read: Leer" in text


def test_the_match_page_costs_the_same_statements_however_many_check_ins(
        client, login_as, make, db, today, count_queries):
    """Do more check-ins, each with its ratings and by another coordinator, cost no more
    statements on the match page?"""
    match = make.match(make.mentor(), make.mentee(), goals="Uno\nDos",
                       start_date=today - timedelta(days=200))
    _rated(make, db, match, today - timedelta(days=190), NS, NS)
    login_as(Role.COORDINATOR)
    url = f"/mentoring/matches/{match.id}"
    client.get(url)  # whatever a first request loads once is not counted

    def statements() -> int:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter["n"]

    before = statements()
    for days in range(10, 180, 30):
        check_in = _rated(make, db, match, today - timedelta(days=days), SP, ACH)
        check_in.by_id = make.user(Role.COORDINATOR).id
    db.session.commit()
    assert statements() == before


def test_a_mentor_sees_no_check_ins_and_no_ratings(client, auth, make, db, today):
    """Does the match's own mentor see the goals but neither check-ins nor their ratings, and
    is the check-in form closed to them?"""
    mentor_user = make.user(Role.MENTOR)
    match = make.match(make.mentor(user=mentor_user), make.mentee(), goals="Uno\nDos")
    _rated(make, db, match, today, ACH, SP)
    auth.login(mentor_user.email)
    response = client.get(f"/mentoring/matches/{match.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Uno" in html  # the goals themselves stay on the mentor's page
    for hidden in ("goal-standings", "goal-ratings", "data-progress", "data-check-in",
                   'id="goals-h"', 'id="checkins-h"'):
        assert hidden not in html, hidden
    assert client.get(_form_url(match)).status_code == 403


def test_anonymising_a_mentee_empties_the_wording_rated(make, db, today):
    """Does anonymisation empty the goals' copies in the ratings (the progress stays)?"""
    mentee = make.mentee()
    match = make.match(make.mentor(), mentee, goals="Volver a ver a su hermano en Comas",
                       status=MatchStatus.CLOSED, closed_on=today)
    _rated(make, db, match, today - timedelta(days=1), SP)
    anonymise_mentee(mentee, Reason.GUARDIAN)
    db.session.commit()
    rating = db.session.scalars(sa.select(CheckInGoalRating)).one()
    assert (rating.goal, rating.progress) == ("", SP)


def test_a_guardians_export_holds_the_ratings(client, login_as, make, db, today):
    """Does the export of everything held about a mentee list each goal's rating?"""
    mentee = make.mentee()
    match = make.match(make.mentor(), mentee, goals="Uno\nDos")
    check_in = _rated(make, db, match, today, SP, ACH)
    login_as(Role.COORDINATOR)
    response = client.get(f"/privacy/mentees/{mentee.id}/export.json")
    assert response.status_code == 200
    assert response.get_json()["sections"]["goal_ratings"] == [
        {"id": rating.id, "check_in_id": check_in.id, "position": rating.position,
         "goal": rating.goal, "progress": rating.progress.value}
        for rating in check_in.goal_ratings]
    assert [r["progress"] for r in response.get_json()["sections"]["goal_ratings"]] == [
        "some_progress", "achieved"]


# --- Program figures --------------------------------------------------------------------------

@pytest.fixture
def rated(make, db):
    """November 2026: Ana's match (goals Uno, Dos) rated 05/11 (SP, NS), 20/11 (ACH, SP) and
    again 20/11 entered later (ACH, ACH: the same day, the later entry wins), then 02/12
    (NS, NS, outside); Beto's match (Tres) rated 31/10 (ACH, before) and 30/11 (SP); Caro's
    match (Cuatro) rated only in October. November: Uno ACH, Dos ACH, Tres SP."""
    ana, beto, caro = make.mentor(), make.mentor(), make.mentor()
    first = make.match(ana, make.mentee(), goals="Uno\nDos", start_date=date(2026, 10, 1))
    second = make.match(beto, make.mentee(), goals="Tres", start_date=date(2026, 10, 1))
    third = make.match(caro, make.mentee(), goals="Cuatro", start_date=date(2026, 10, 1))
    _rated(make, db, first, date(2026, 11, 5), SP, NS)
    _rated(make, db, first, date(2026, 11, 20), ACH, SP)
    _rated(make, db, first, date(2026, 11, 20), ACH, ACH)
    _rated(make, db, first, date(2026, 12, 2), NS, NS)
    _rated(make, db, second, date(2026, 10, 31), ACH)
    _rated(make, db, second, date(2026, 11, 30), SP)
    _rated(make, db, third, date(2026, 10, 15), ACH)
    return {"ana": ana, "beto": beto, "caro": caro}


def test_goal_progress_counts_each_goal_once_as_of_its_latest_rating(rated, count_queries):
    """Does a goal rated "some progress" then "achieved" count once, as achieved, counting
    only check-ins held in the period, in one statement?"""
    with count_queries() as counter:
        counts = figures.goal_progress(NOVEMBER)
    assert counts == [(NS, 0), (SP, 1), (ACH, 2)]
    assert counter["n"] == 1
    assert figures.goal_progress(Period(date(2026, 10, 1), date(2026, 10, 31))) == [
        (NS, 0), (SP, 0), (ACH, 2)]
    assert figures.goal_progress(Period(date(2026, 11, 1), date(2026, 11, 10))) == [
        (NS, 1), (SP, 1), (ACH, 0)]


def test_goal_progress_counts_only_the_matches_in_scope(rated):
    """Does a mentor's scope count only their matches' goals?"""
    assert figures.goal_progress(NOVEMBER, FigureScope.mentor(rated["ana"].id)) == [
        (NS, 0), (SP, 0), (ACH, 2)]
    assert figures.goal_progress(NOVEMBER, FigureScope.mentor(rated["caro"].id)) == [
        (NS, 0), (SP, 0), (ACH, 0)]
    with pytest.raises(ValueError):
        figures.goal_progress(NOVEMBER, FigureScope.venue(1))


def _goals_table(period: Period):
    return {table.key: table for table in program_tables(build_program_report(period))}["goals"]


def test_the_report_suppresses_small_goal_counts_with_a_complement(rated, make, db,
                                                                   english_request):
    """With 1 goal "some progress" and 6 achieved, is the 1 shown "<5" and the 6 "*" (else the
    total would give the 1 away), the total shown?"""
    goals = "\n".join(f"Meta {n}" for n in range(4))
    _rated(make, db, make.match(make.mentor(), make.mentee(), goals=goals), date(2026, 11, 9),
           ACH, ACH, ACH, ACH)
    table = _goals_table(NOVEMBER)
    assert [[value if isinstance(value, str) else value.shown for value in row]
            for row in [*table.rows, table.total]] == [
        [NS.label, "0"], [SP.label, "<5"], [ACH.label, "*"], ["Total", "7"]]


def test_the_report_draws_the_goals_chart_when_counts_can_be_shown(make, db, english_request):
    """With 5 goals in progress and 6 achieved, are both shown and drawn in a section?"""
    for progress, count in ((SP, 5), (ACH, 6)):
        goals = "\n".join(f"Meta {n}" for n in range(count))
        _rated(make, db, make.match(make.mentor(), make.mentee(), goals=goals),
               date(2026, 11, 9), *[progress] * count)
    report = build_program_report(NOVEMBER)
    section = {section.key: section for section in program_sections(report)}["goals"]
    assert [cell.shown for _label, cell in section.table.rows] == ["0", "5", "6"]
    assert len(section.charts) == 1
    assert "<svg" in section.charts[0][1]


def test_the_program_page_csv_and_pdf_show_the_suppressed_goal_figures(rated, make, db,
                                                                       client, login_as):
    """Does the report page have the goals section, /reports/program/goals.csv the shown
    values only (audited as an export), and the PDF the section?"""
    goals = "\n".join(f"Meta {n}" for n in range(4))
    _rated(make, db, make.match(make.mentor(), make.mentee(), goals=goals), date(2026, 11, 9),
           ACH, ACH, ACH, ACH)
    login_as(Role.COORDINATOR)
    english(client)
    page = client.get("/reports/program", query_string=NOVEMBER_QUERY).get_data(as_text=True)
    section = re.search(r'<section aria-labelledby="goals-heading">.*?</section>', page, re.S)
    assert section and "&lt;5" in section.group(0)
    exports = _count(db, AuditEvent)
    response = client.get("/reports/program/goals.csv", query_string=NOVEMBER_QUERY)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["Progress", "Goals"]
    assert [row[1] for row in rows[1:]] == ["0", "<5", "*", "7"]
    assert _count(db, AuditEvent) > exports
    pdf = client.get("/reports/program.pdf", query_string=NOVEMBER_QUERY)
    assert pdf.status_code == 200
    with pdfplumber.open(io.BytesIO(pdf.data)) as document:
        text = " ".join(page.extract_text() or "" for page in document.pages)
    assert "Progress of the matches' goals" in " ".join(text.split())
