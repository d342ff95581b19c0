"""Searchable school selects (issue 12): the account, mentee and participant-search forms list
only the chosen school and fetch the rest from /schools/options/<source>."""
import re

import pytest
import sqlalchemy as sa

from youthagainstguns.auth.models import Role, User
from youthagainstguns.mentoring.models import Mentee
from youthagainstguns.schools.models import VenueKind
from youthagainstguns.timeutil import today_lima, utcnow

ERROR = 'id="school_id-error"'


def options(client, source: str, q: str) -> list[str]:
    """Return the labels the endpoint answers for `q`."""
    response = client.get(f"/schools/options/{source}", query_string={"q": q})
    assert response.status_code == 200
    return [option["label"] for option in response.get_json()["options"]]


def options_of(html: str) -> list[str]:
    """Return the option labels of the page's school select."""
    select = re.search(r'<select[^>]* name="school_id"[^>]*>.*?</select>', html, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_school_options_match_the_search_only(client, make, login_as):
    """Does each source answer only the active venues of its kind whose name holds the words?"""
    make.school(name="I.E. Olaya", district="Comas")
    make.school(name="Centro Comunal Olaya", kind=VenueKind.COMMUNITY_CENTRE, district="Comas")
    make.school(name="I.E. Otra")
    make.school(name="I.E. Olaya Archivada", archived_at=utcnow())
    login_as(Role.COORDINATOR)
    assert options(client, "schools", "olaya") == ["I.E. Olaya — Comas"]
    assert options(client, "venues", "olaya") == ["Centro Comunal Olaya — Comas",
                                                  "I.E. Olaya — Comas"]
    assert client.get("/schools/options/students?q=a").status_code == 404


@pytest.mark.parametrize("role", [Role.MENTOR, Role.SPEAKER, Role.SCHOOL])
def test_school_options_are_refused_to_others_than_staff(client, login_as, make, role):
    make.school(name="I.E. Escondida")
    login_as(role)
    assert client.get("/schools/options/schools?q=e").status_code == 403


def test_school_options_need_a_login(client, make):
    response = client.get("/schools/options/schools?q=e")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _account(client, auth, school_id, **fields):
    data = {"full_name": "Rosa Quispe", "email": "rosa@example.org", "role": "school",
            "school_id": str(school_id), "speaker_id": "0",
            "csrf_token": auth.csrf_token("/users/new")}
    return client.post("/users/new", data=data | fields)


def test_account_form_saves_a_school_and_lists_only_it(client, auth, login_as, make, db):
    """Does the account form save the posted school, and list no school but the chosen one?"""
    school = make.school(name="I.E. Elegida")
    make.school(name="I.E. No Listada")
    login_as(Role.COORDINATOR)
    assert options_of(client.get("/users/new").get_data(as_text=True)) == ["—"]
    assert _account(client, auth, school.id).status_code == 200
    user = db.session.scalar(sa.select(User).where(User.email == "rosa@example.org"))
    assert user.school_id == school.id
    edit = client.get(f"/users/{user.id}/edit").get_data(as_text=True)
    assert options_of(edit) == ["—", "I.E. Elegida — San Juan de Lurigancho"]


def test_account_form_refuses_a_bad_school_next_to_the_field(client, auth, login_as, make, db):
    archived = make.school(name="I.E. Cerrada", archived_at=utcnow())
    login_as(Role.COORDINATOR)
    for bad in (archived.id, 999999):
        html = _account(client, auth, bad).get_data(as_text=True)
        assert ERROR in html
    assert db.session.scalar(sa.select(User).where(User.email == "rosa@example.org")) is None


def _mentee(client, auth, school_id, **fields):
    today = today_lima().isoformat()
    data = {"first_name": "Lucía", "last_names": "Quispe Mamani", "date_of_birth": "2011-01-15",
            "school_id": str(school_id), "district": "Comas", "interests": "",
            "preferences": "", "guardian_name": "Rosa Mamani", "guardian_relation": "Madre",
            "guardian_phone": "999111222", "referred_on": today,
            "csrf_token": auth.csrf_token("/mentoring/mentees/new")}
    return client.post("/mentoring/mentees/new", data=data | fields)


def test_mentee_form_saves_a_school_and_refuses_a_venue(client, auth, login_as, make, db):
    """Is a mentee saved with the posted school, and a community centre refused at the field?"""
    school = make.school(name="I.E. Del Mentee")
    centre = make.school(name="Centro Comunal", kind=VenueKind.COMMUNITY_CENTRE)
    login_as(Role.COORDINATOR)
    refused = _mentee(client, auth, centre.id)
    assert refused.status_code == 200 and ERROR in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mentee)) == 0
    assert _mentee(client, auth, school.id).status_code == 302
    assert db.session.scalar(sa.select(Mentee.school_id)) == school.id


def test_student_search_lists_only_the_mentees_school(client, login_as, make):
    school = make.school(name="I.E. Del Mentee")
    make.school(name="I.E. Ajena")
    mentee = make.mentee(school_id=school.id)
    login_as(Role.COORDINATOR)
    html = client.get(f"/mentoring/mentees/{mentee.id}/student").get_data(as_text=True)
    assert options_of(html) == ["—", "I.E. Del Mentee — San Juan de Lurigancho"]
    assert 'data-source="/schools/options/schools"' in html


def test_mentee_form_without_javascript_searches_then_asks_to_choose(client, auth, login_as,
                                                                     make, db):
    """Without JavaScript, does a search typed into the optional school field list its matches
    and ask for a choice, rather than save the mentee without a school?"""
    make.school(name="I.E. Buscada", district="Comas")
    login_as(Role.COORDINATOR)
    html = _mentee(client, auth, 0, school_id_q="buscada").get_data(as_text=True)
    assert ERROR in html
    assert options_of(html) == ["—", "I.E. Buscada — Comas"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mentee)) == 0
