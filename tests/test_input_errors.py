"""Hostile input gets an error the person can act on, never a 500, on both engines.

NUL bytes (PostgreSQL refuses them in text), control characters, broken CSV, and dates so far
away that adding a day or a time zone overflows.
"""
import io
import re

import pytest
import sqlalchemy as sa

from youthagainstguns.auth.models import Role
from youthagainstguns.schools.models import School
from youthagainstguns.speakers.models import Speaker
from youthagainstguns.workshops.models import Student

NOT_ALLOWED = "Contains characters that are not allowed."
FAR_DATE = "Enter a date between 1900 and 2199."


@pytest.fixture
def coordinator(client, login_as):
    """A coordinator, logged in, reading English."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return login_as(Role.COORDINATOR)


def _post(client, auth, path: str, data: dict, **kwargs):
    return client.post(path, data={"csrf_token": auth.csrf_token(path), **data}, **kwargs)


def _error_next_to(html: str, field: str) -> str:
    match = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', html)
    return match.group(1) if match else ""


SCHOOL = {"name": "I.E. Prueba", "kind": "school", "district": "Comas", "address": "Av. Uno 1"}
SPEAKER = {"alias": "Ponente Uno", "legal_name": "Nombre Legal", "languages": "Español",
           "vetting_decision": "pending"}


@pytest.mark.parametrize("field", ["name", "address"])
@pytest.mark.parametrize("bad", ["Colegio\x00", "Colegio\x07campana", "\x1b[31mrojo"])
def test_control_characters_in_a_school_are_a_field_error(client, auth, coordinator, db,
                                                          field, bad):
    response = _post(client, auth, "/schools/new", SCHOOL | {field: bad})
    assert response.status_code == 200
    assert _error_next_to(response.get_data(as_text=True), field) == NOT_ALLOWED
    assert db.session.scalar(sa.select(sa.func.count(School.id))) == 0


@pytest.mark.parametrize("field", ["alias", "legal_name", "bio", "conditions_notes"])
def test_nul_in_a_speaker_is_a_field_error(client, auth, coordinator, db, field):
    response = _post(client, auth, "/speakers/new", SPEAKER | {field: "a\x00b"})
    assert response.status_code == 200
    assert _error_next_to(response.get_data(as_text=True), field) == NOT_ALLOWED
    assert db.session.scalar(sa.select(sa.func.count(Speaker.id))) == 0


def test_tabs_and_line_breaks_stay_allowed(client, auth, coordinator, db):
    response = _post(client, auth, "/speakers/new", SPEAKER | {"bio": "Uno\r\n\tdos"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Speaker.bio)) == "Uno\r\n\tdos"


@pytest.mark.parametrize("path", ["/speakers/", "/schools/", "/users", "/mentoring/mentees",
                                  "/mentoring/mentors"])
def test_nul_in_a_search_finds_as_if_it_were_not_there(client, coordinator, make, path):
    make.school(name="I.E. Prueba Nul")
    response = client.get(path, query_string={"q": "Prueba\x00 Nul"})
    assert response.status_code == 200


def test_nul_in_a_student_search_is_ignored(client, coordinator, make):
    school = make.school()
    mentee = make.mentee(school=school)
    make.student(school, first_name="Ana")
    response = client.get(f"/mentoring/mentees/{mentee.id}/student",
                          query_string={"school_id": school.id, "q": "An\x00a"})
    assert response.status_code == 200 and "Ana" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", [
    {"date_from": "9999-12-31"}, {"date_to": "9999-12-31"}, {"date_from": "0001-01-01"},
])
def test_far_dates_in_the_workshop_filters_are_a_field_error(client, coordinator, make, query):
    make.workshop()
    response = client.get("/workshops/", query_string=query)
    assert response.status_code == 200
    assert FAR_DATE in response.get_data(as_text=True)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_far_dates_in_the_calendar_show_this_month(client, coordinator, day):
    assert client.get("/workshops/calendar", query_string={"date": day}).status_code == 200


def test_far_dates_in_the_report_filters_are_a_field_error(client, coordinator, make):
    school = make.school()
    response = client.get("/reports", query_string={
        "school_id": school.id, "start": "2026-01-01", "end": "9999-12-31"})
    assert response.status_code == 200
    assert _error_next_to(response.get_data(as_text=True), "end") == FAR_DATE


def test_far_dates_in_a_posted_form_are_a_field_error(client, auth, coordinator, make):
    speaker = make.speaker()
    response = _post(client, auth, f"/speakers/{speaker.id}/unavailability", {
        "starts_at": "9999-12-31T08:00", "ends_at": "9999-12-31T23:59", "reason": "x"},
        follow_redirects=True)
    assert response.status_code == 200 and FAR_DATE in response.get_data(as_text=True)


def _upload(client, auth, workshop, data: bytes):
    path = f"/workshops/{workshop.id}/roster/upload"
    return _post(client, auth, path, {"file": (io.BytesIO(data), "lista.csv")},
                 content_type="multipart/form-data")


@pytest.mark.parametrize("data", [
    b"nombres,apellidos\nAna,Quispe\n\"Luis,Rojas\nRosa,Huaman\n",  # a quote left open
    b"nombres,apellidos\nAna,Quispe\n\"" + b"x" * 140_000 + b"\",Rojas\n",  # over the cell limit
], ids=["unclosed-quote", "huge-cell"])
def test_broken_csv_names_the_line_and_imports_nothing(client, auth, make, coordinator, db,
                                                       data):
    response = _upload(client, auth, make.workshop(), data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This line cannot be read" in html and ">3<" in html
    assert db.session.scalar(sa.select(sa.func.count(Student.id))) == 0


def test_nul_in_a_csv_cell_names_the_field(client, auth, make, coordinator, db):
    response = _upload(client, auth, make.workshop(), b"nombres,apellidos\nAna,Qui\x00spe\n")
    assert response.status_code == 422
    assert NOT_ALLOWED in response.get_data(as_text=True)


# --- Right-to-left overrides stay inside the name ------------------------------------------

RLO = "\u202e"


def test_names_with_a_right_to_left_override_are_isolated(client, coordinator, make):
    """Does every name typed by someone reach the lists inside <bdi>, so a U+202E in it
    cannot reverse the rest of the row?"""
    venue = make.school(name=f"{RLO}Colegio")
    speaker = make.speaker(alias=f"{RLO}Ponente")
    workshop = make.workshop(venue=venue, speakers=[speaker], title=f"{RLO}Taller")
    student = make.student(venue, first_name=f"{RLO}Ana", last_names=f"{RLO}Quispe")
    make.enrol(workshop, [(student, None)])
    make.mentee(first_name=f"{RLO}Lucía")
    pages = {
        "/workshops/": [f"<bdi>{RLO}Taller</bdi>", f"<bdi>{RLO}Colegio</bdi>",
                        f"<bdi>{RLO}Ponente</bdi>"],
        f"/workshops/{workshop.id}": [f"<bdi>{RLO}Taller</bdi>", f"<bdi>{RLO}Ana</bdi>",
                                      f"<bdi>{RLO}Quispe</bdi>"],
        "/speakers/": [f"<bdi>{RLO}Ponente</bdi>"],
        "/mentoring/mentees": [f"<bdi>{RLO}Lucía</bdi>"],
    }
    for path, expected in pages.items():
        html = client.get(path).get_data(as_text=True)
        for fragment in expected:
            assert fragment in html, (path, fragment)
        # None left bare, but in the title and a select's options: text only, on a line each.
        text = re.sub(r"<(option|title)[^>]*>[^<]*</(option|title)>", "", html)
        assert text.count(RLO) == text.count(f"<bdi>{RLO}"), path


def test_a_name_in_the_page_title_stays_plain_text(client, coordinator, make):
    """<title> shows tags as text: is the name there left without <bdi>?"""
    speaker = make.speaker(alias="Ponente Uno")
    html = client.get(f"/speakers/{speaker.id}").get_data(as_text=True)
    assert "<title>Ponente Uno" in html and "&lt;bdi" not in html
