"""The API shows each account what its pages show it, no more: a school's token its own
school, a speaker's its own workshops, a mentor's nothing of workshops; foreign ids are 404;
lists page by an opaque cursor; errors are problem+json."""
import pytest

from youthagainstguns.api import tokens
from youthagainstguns.api.models import Scope
from youthagainstguns.api.services import encode_cursor
from youthagainstguns.auth.models import Role
from youthagainstguns.workshops.models import AttendanceStatus, WorkshopStatus


@pytest.fixture
def api(client, make, db):
    """Call the API as `user` with a read and attendance-write token: api(user).get(url)."""

    class Caller:
        def __init__(self, user):
            token, self.secret = tokens.create_token(
                user, "prueba", (Scope.READ, Scope.ATTENDANCE_WRITE), by=user)
            db.session.commit()
            self.client, self.headers = client, {"Authorization": f"Bearer {self.secret}"}

        def get(self, url, **kwargs):
            return client.get(url, headers=self.headers, **kwargs)

    return Caller


@pytest.fixture
def two_schools(make):
    """Two schools, each hosting a workshop with two pupils; the first's with a speaker."""
    own, other = make.school(name="I.E. Propia"), make.school(name="I.E. Ajena")
    speaker = make.speaker(alias="Ponente Propio")
    mine = make.workshop(venue=own, speakers=[speaker])
    theirs = make.workshop(venue=other, speakers=[make.speaker()])
    make.roster(mine, 2)
    make.roster(theirs, 2)
    return {"own": own, "other": other, "speaker": speaker, "mine": mine, "theirs": theirs}


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return {item["id"] for item in response.json["items"]}


def test_a_schools_token_sees_its_own_school_only(api, make, two_schools):
    """Does a school contact's token list and open only its own school and workshops?"""
    caller = api(make.user(Role.SCHOOL, school=two_schools["own"]))
    own, other = two_schools["own"].id, two_schools["other"].id
    assert _ids(caller.get("/api/v1/schools")) == {own}
    assert caller.get(f"/api/v1/schools/{own}").status_code == 200
    assert caller.get(f"/api/v1/schools/{other}").status_code == 404
    assert _ids(caller.get("/api/v1/workshops")) == {two_schools["mine"].id}
    assert caller.get(f"/api/v1/workshops/{two_schools['theirs'].id}").status_code == 404
    assert caller.get(f"/api/v1/workshops/{two_schools['theirs'].id}/roster").status_code == 404
    roster = caller.get(f"/api/v1/workshops/{two_schools['mine'].id}/roster")
    assert len(roster.json["items"]) == 2
    assert set(roster.json["items"][0]) == {"id", "first_name", "last_names", "grade",
                                            "section", "walk_in", "status", "marked_at"}


def test_a_school_sees_only_its_own_pupils_on_a_roster_it_hosts(api, make, two_schools):
    """At a workshop it hosts, are another school's pupils left off the roster, as on the
    attendance page?"""
    make.roster(two_schools["mine"], 1, school=two_schools["other"])
    caller = api(make.user(Role.SCHOOL, school=two_schools["own"]))
    roster = caller.get(f"/api/v1/workshops/{two_schools['mine'].id}/roster")
    assert len(roster.json["items"]) == 2


def test_a_speakers_token_sees_its_own_workshops_by_alias(api, make, two_schools):
    """Does a speaker see their own confirmed workshops, no roster, and no speaker list?"""
    user = make.user(Role.SPEAKER)
    two_schools["speaker"].user_id = user.id
    make.db.session.commit()
    make.workshop(venue=two_schools["own"], speakers=[two_schools["speaker"]],
                  status=WorkshopStatus.DRAFT)  # not confirmed: not on their schedule
    caller = api(user)
    mine = two_schools["mine"].id
    assert _ids(caller.get("/api/v1/workshops")) == {mine}
    detail = caller.get(f"/api/v1/workshops/{mine}")
    assert detail.json["speakers"] == [{"id": two_schools["speaker"].id,
                                        "alias": "Ponente Propio"}]
    assert caller.get(f"/api/v1/workshops/{two_schools['theirs'].id}").status_code == 404
    assert caller.get(f"/api/v1/workshops/{mine}/roster").status_code == 403
    assert caller.get("/api/v1/speakers").status_code == 403


def test_a_mentors_token_sees_no_workshop(api, make, two_schools):
    """Is a mentor refused every workshop route and the figures?"""
    caller = api(make.user(Role.MENTOR))
    mine = two_schools["mine"].id
    for url in ("/api/v1/workshops", f"/api/v1/workshops/{mine}",
                f"/api/v1/workshops/{mine}/roster", "/api/v1/schools",
                "/api/v1/figures?start=2026-01-01&end=2026-06-30"):
        response = caller.get(url)
        assert response.status_code == 403, url
        assert response.mimetype == "application/problem+json"


def test_speakers_show_the_alias_never_the_identity(api, make):
    """Does the speaker list carry no legal name, phone or email?"""
    make.speaker(alias="Ponente Visible", legal_name="Nombre Secreto", phone="999888777",
                 email="ponente@example.org")
    body = api(make.user(Role.COORDINATOR)).get("/api/v1/speakers").get_data(as_text=True)
    assert "Ponente Visible" in body
    for identity in ("Nombre Secreto", "999888777", "ponente@example.org"):
        assert identity not in body


def test_the_cursor_walks_every_workshop_exactly_once(api, make):
    """Do pages of 7 over 30 workshops (some starting at the same moment) meet each once, in
    (starts_at, id) order?"""
    venue = make.school()
    made = [make.workshop(venue=venue, day=make.days_from_today(1 + n // 3), speakers=[])
            for n in range(30)]
    caller = api(make.user(Role.ADMIN))
    seen, cursor, pages = [], None, 0
    while True:
        response = caller.get("/api/v1/workshops", query_string={
            "limit": 7, **({"cursor": cursor} if cursor else {})})
        seen += [item["id"] for item in response.json["items"]]
        pages += 1
        cursor = response.json["next_cursor"]
        if cursor is None:
            break
    assert pages == 5
    assert sorted(seen) == sorted(w.id for w in made) and len(seen) == len(set(seen))
    starts = [item["starts_at"] for item in caller.get(
        "/api/v1/workshops", query_string={"limit": 200}).json["items"]]
    assert starts == sorted(starts) and starts[0].endswith("-05:00")


def test_filters_narrow_the_list(api, make, two_schools):
    """Do the school, speaker, status and date filters narrow as on the list page?"""
    caller = api(make.user(Role.COORDINATOR))
    mine, theirs = two_schools["mine"].id, two_schools["theirs"].id
    assert _ids(caller.get(f"/api/v1/workshops?school={two_schools['own'].id}")) == {mine}
    assert _ids(caller.get(f"/api/v1/workshops?speaker={two_schools['speaker'].id}")) == {mine}
    assert _ids(caller.get("/api/v1/workshops?status=scheduled")) == {mine, theirs}
    assert _ids(caller.get("/api/v1/workshops?status=held")) == set()
    assert _ids(caller.get("/api/v1/workshops?to=2020-01-01")) == set()


@pytest.mark.parametrize("limit", [0, 201, "x"])
def test_the_page_size_is_bounded(api, make, limit):
    """Is a page size beyond 1..200 a 422 with the field named?"""
    response = api(make.user(Role.ADMIN)).get(f"/api/v1/workshops?limit={limit}")
    assert response.status_code == 422
    assert "limit" in response.json["errors"]


@pytest.mark.parametrize("url, values", [
    ("/api/v1/workshops", "nonsense"),
    ("/api/v1/workshops", []),
    ("/api/v1/workshops", ["x", 1]),
    ("/api/v1/workshops", ["2026-12-01T10:00:00+00:00", 2**70]),
    ("/api/v1/workshops", ["0001-01-01T00:00:00+05:00", 1]),
    ("/api/v1/schools", [2**70]),
    ("/api/v1/schools", [-1]),
])
def test_a_forged_cursor_is_a_422(api, make, url, values):
    """Is a cursor the API did not give refused as a field error, never a 500?"""
    cursor = values if isinstance(values, str) else encode_cursor(values)
    response = api(make.user(Role.ADMIN)).get(url, query_string={"cursor": cursor})
    assert response.status_code == 422
    assert "cursor" in response.json["errors"]


@pytest.mark.parametrize("status, url, headers", [
    (401, "/api/v1/workshops", {}),
    (403, "/api/v1/figures?start=2026-01-01&end=2026-01-31", "school"),
    (404, "/api/v1/workshops/999999", "admin"),
    (422, "/api/v1/figures?start=2026-02-01&end=2026-01-01", "admin"),
])
def test_errors_are_problem_details(api, client, make, status, url, headers):
    """Is every error application/problem+json with type, title, status and detail?"""
    caller = api(make.user(Role.SCHOOL if headers == "school" else Role.ADMIN))
    response = caller.get(url) if headers else client.get(url)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert {"type", "title", "status", "detail"} <= set(response.json)
    assert response.json["status"] == status
    if status == 422:
        assert response.json["errors"] == {"end": [response.json["errors"]["end"][0]]}


def test_figures_are_suppressed_like_the_report(api, make):
    """Is a count of 1 to 4 students shown as "<5" with no number, as the report shows it?"""
    make.class_of(make.school(), [AttendanceStatus.PRESENT] * 3)
    today = make.days_from_today(0)
    response = api(make.user(Role.COORDINATOR)).get(
        f"/api/v1/figures?start={today.replace(month=1, day=1)}&end={today}")
    reached = response.json["figures"]["students_reached"]
    assert reached == {"value": None, "shown": "<5", "suppressed": True}
    assert response.json["figures"]["workshops_held"]["value"] == 1


def test_verify_is_public_and_minimal(client, make):
    """Does verification answer without a token, with the public page's facts only?"""
    workshop, (student,) = make.class_of(make.school(), [AttendanceStatus.PRESENT])
    certificate = make.certificate(workshop, student=student)
    response = client.get(f"/api/v1/certificates/verify/{certificate.code}")
    assert response.status_code == 200
    assert set(response.json) == {"revoked", "revoked_at", "holder", "workshop_title",
                                  "held_on", "venue"}
    assert student.last_names not in response.get_data(as_text=True)
    assert client.get("/api/v1/certificates/verify/AAAA-BBBB-CCCC").status_code == 404


def test_certificates_follow_the_documents_rule(api, make, two_schools):
    """Does a school see its own workshop's certificates and not another school's?"""
    own, theirs = two_schools["mine"], two_schools["theirs"]
    for workshop in (own, theirs):
        make.certificate(workshop, student=workshop.roster[0].student)
    caller = api(make.user(Role.SCHOOL, school=two_schools["own"]))
    assert len(caller.get(f"/api/v1/workshops/{own.id}/certificates").json["items"]) == 1
    assert caller.get(f"/api/v1/workshops/{theirs.id}/certificates").status_code == 404


@pytest.mark.parametrize("method, url, status", [
    ("GET", "/api/v1/no-such-thing", 404),
    ("GET", "/api/v1/workshops/not-a-number", 404),
    ("GET", "/api/v1/schools/N%C3%AD%0A", 404),  # a line break: found by schemathesis
    ("DELETE", "/api/v1/workshops", 405),
    ("POST", "/api/v1/schools", 405),
])
def test_unknown_addresses_and_methods_are_problems_too(api, make, method, url, status):
    """Is an address or method no operation serves a problem, with Allow on a 405?"""
    caller = api(make.user(Role.ADMIN))
    response = caller.client.open(url, method=method, headers=caller.headers)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    if status == 405:
        assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("query", ["from=0001-01-01", "to=9999-12-31",
                                   "status=nonsense", "school=0"])
def test_filters_out_of_reach_are_field_errors(api, make, query):
    """Is a date no workshop can have, an unknown status or an impossible id a 422?"""
    response = api(make.user(Role.ADMIN)).get(f"/api/v1/workshops?{query}")
    assert response.status_code == 422
    assert set(response.json["errors"]) == {query.split("=")[0]}


@pytest.mark.parametrize("lines", [3, 30])
def test_a_roster_page_costs_the_same_statements_however_long(api, make, db, count_queries,
                                                              lines):
    """Does a page of the roster run a bounded number of statements (no reload per line
    after the view's audit commit)?"""
    workshop = make.workshop()
    make.roster(workshop, lines)
    caller = api(make.user(Role.COORDINATOR))
    url = f"/api/v1/workshops/{workshop.id}/roster?limit=200"
    assert caller.get(url).status_code == 200  # the token's last use is noted once
    with count_queries() as counted:
        response = caller.get(url)
    assert len(response.json["items"]) == lines
    assert counted["n"] <= 8, counted["n"]
