"""Lists people can sort and search (issue 12): every list's column headers sort it, a search
folds case and accents, both stay in the URL through the pages, an unknown sort falls back to
the default order, and an empty list says what to do next."""
import html
import re
from datetime import timedelta

import pytest

from youthagainstguns.auth.models import Role
from youthagainstguns.mail_models import MailKind, MailStatus, OutboxMessage
from youthagainstguns.schools.models import VenueKind
from youthagainstguns.timeutil import utcnow


def in_order(page: str, *names: str) -> list[str]:
    """Return `names` in the order the page shows them; each must be on it."""
    missing = [name for name in names if name not in page]
    assert not missing, f"not on the page: {missing}"
    return sorted(names, key=page.index)


def body(response) -> str:
    """Return a page's HTML, with entities such as &#34; read back, after checking it is a 200."""
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def links(page: str) -> list[str]:
    """Return every link target on a page."""
    return re.findall(r'href="([^"]*)"', page)


@pytest.fixture
def english(client):
    """Ask for English pages, whose wording does not wait for a compiled catalog."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# --- Workshops ------------------------------------------------------------------------------

@pytest.fixture
def three_workshops(make, tomorrow):
    """Alfa (in three days, Zapallal), Beta (tomorrow, José Olaya), Gamma (in two days, Mar)."""
    lucho = make.speaker(alias="Hermano Lucho", legal_name="Luis Secreto Ramos")
    make.workshop(title="Alfa", venue=make.school(name="I.E. Zapallal"),
                  day=tomorrow + timedelta(days=2), speakers=[make.speaker()])
    make.workshop(title="Beta", venue=make.school(name="I.E. José Olaya"), day=tomorrow,
                  speakers=[lucho])
    make.workshop(title="Gamma", venue=make.school(name="I.E. Mar"),
                  day=tomorrow + timedelta(days=1), speakers=[make.speaker()])


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["Alfa", "Gamma", "Beta"]),  # the default: latest first
    ("?sort=date&dir=asc", ["Beta", "Gamma", "Alfa"]),
    ("?sort=title", ["Alfa", "Beta", "Gamma"]),
    ("?sort=title&dir=desc", ["Gamma", "Beta", "Alfa"]),
    ("?sort=venue", ["Beta", "Gamma", "Alfa"]),  # José Olaya, Mar, Zapallal
    ("?sort=legal_name&dir=sideways", ["Alfa", "Gamma", "Beta"]),  # unknown: the default
    ("?sort=title&dir=up", ["Alfa", "Beta", "Gamma"]),  # unknown direction: the key's own
])
def test_workshop_list_sorts_by_its_columns(three_workshops, client, login_as, query, expected):
    """Does each sort put the workshops in its order, and an unknown one fall back quietly?"""
    login_as(Role.COORDINATOR)
    assert in_order(body(client.get(f"/workshops/{query}")), "Alfa", "Beta", "Gamma") == expected


@pytest.mark.parametrize(("q", "found"), [
    ("alfa", {"Alfa"}),
    ("JOSE olaya", {"Beta"}),  # the venue's name, without its accent, in capitals
    ("lucho", {"Beta"}),  # a speaker's alias
    ("secreto", set()),  # never a speaker's legal name
    ("i.e. mar", {"Gamma"}),
    ("gamma zapallal", set()),  # every word must match
    ("100%_", set()),  # % and _ are literal
])
def test_workshop_list_searches_title_venue_and_alias(three_workshops, client, login_as, q,
                                                      found):
    """Does the search find workshops by title, venue or speaker alias, case and accents
    aside, and never by a speaker's legal name?"""
    login_as(Role.COORDINATOR)
    page = body(client.get("/workshops/", query_string={"q": q}))
    assert {title for title in ("Alfa", "Beta", "Gamma") if f">{title}<" in page} == found
    assert "Luis Secreto Ramos" not in page


def test_school_contact_searches_only_their_own_workshops(make, client, login_as, tomorrow):
    """Does a school contact's search stay within their school's workshops?"""
    school = make.school(name="I.E. Propia")
    make.workshop(title="Taller propio", venue=school, day=tomorrow)
    make.workshop(title="Taller ajeno", venue=make.school(name="I.E. Otra"), day=tomorrow)
    login_as(Role.SCHOOL, school=school)
    page = body(client.get("/workshops/?q=taller"))
    assert "Taller propio" in page and "Taller ajeno" not in page


def test_pages_and_headers_keep_the_search_and_sort(make, client, login_as, app, tomorrow):
    """Do the next-page link keep q and sort, and the column headers keep q and the filters
    but go back to the first page?"""
    login_as(Role.COORDINATOR)
    make.bulk_workshops([make.school()], make.speaker(), app.config["ITEMS_PER_PAGE"] + 2,
                        tomorrow)
    make.workshop(title="Otro", day=tomorrow)
    first = body(client.get("/workshops/?q=masivo&sort=title&status=scheduled"))
    assert "Otro" not in first
    next_page = [url for url in links(first) if "page=2" in url]
    assert next_page and all("q=masivo" in url and "sort=title" in url for url in next_page)
    second = body(client.get(next_page[0]))
    title_header = next(url for url in links(second) if "sort=title" in url and "dir=" in url)
    assert "q=masivo" in title_header and "status=scheduled" in title_header
    assert "dir=desc" in title_header and "page=" not in title_header
    assert 'aria-sort="ascending"' in second


def test_workshop_search_and_sort_cost_no_more_queries(make, client, login_as, count_queries,
                                                       tomorrow):
    """Do a search and a sort by venue run as many statements as the plain list?"""
    login_as(Role.COORDINATOR)
    for n in range(3):
        make.workshop(title=f"Taller {n}", day=tomorrow)
    with count_queries() as plain:
        body(client.get("/workshops/"))
    with count_queries() as searched:
        in_order(body(client.get("/workshops/?q=taller&sort=venue&dir=desc")), "Taller 0")
    assert searched["n"] == plain["n"]


def test_empty_workshop_list_says_what_to_do(make, english, login_as):
    """Does an empty list offer staff to create the first workshop, and a list emptied by
    filters a way back to all of them?"""
    login_as(Role.COORDINATOR)
    empty = body(english.get("/workshops/"))
    assert "No workshops yet." in empty and "/workshops/new" in links(empty)
    make.workshop(title="Alfa")
    filtered = body(english.get("/workshops/?q=nada&sort=title"))
    assert "No workshop matches the filters." in filtered and "Alfa" not in filtered
    assert "/workshops/?sort=title" in links(filtered)


def test_school_contact_is_not_offered_to_create_a_workshop(english, login_as):
    """Does a school contact's empty list leave out the link to create one?"""
    login_as(Role.SCHOOL)
    page = body(english.get("/workshops/"))
    assert "No workshops yet." in page and "/workshops/new" not in links(page)


# --- The other lists -----------------------------------------------------------------------

@pytest.fixture
def venues(make):
    """Three venues whose names, districts and codes sort in different orders."""
    make.school(name="I.E. Bravo", district="Comas", official_code="3000000")
    make.school(name="I.E. Alfa", district="Rímac", official_code="1000000")
    make.school(name="Casa Perú", district="Ate", official_code=None,
                kind=VenueKind.COMMUNITY_CENTRE)


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["Casa Perú", "I.E. Alfa", "I.E. Bravo"]),
    ("?sort=district", ["Casa Perú", "I.E. Bravo", "I.E. Alfa"]),
    ("?sort=district&dir=desc", ["I.E. Alfa", "I.E. Bravo", "Casa Perú"]),
    ("?sort=code", ["I.E. Alfa", "I.E. Bravo", "Casa Perú"]),  # no code: last
    ("?sort=code&dir=desc", ["I.E. Bravo", "I.E. Alfa", "Casa Perú"]),  # last either way
    ("?sort=name&dir=desc", ["I.E. Bravo", "I.E. Alfa", "Casa Perú"]),
    ("?sort=phone%27--", ["Casa Perú", "I.E. Alfa", "I.E. Bravo"]),
])
def test_venue_list_sorts(venues, client, login_as, query, expected):
    """Does the venue list sort by name, district and code, missing codes last?"""
    login_as(Role.COORDINATOR)
    page = body(client.get(f"/schools/{query}"))
    assert in_order(page, "Casa Perú", "I.E. Alfa", "I.E. Bravo") == expected


def test_venue_search_folds_accents_and_keeps_the_sort(venues, client, login_as):
    """Does "PERU" find "Casa Perú", and "rimac" the venue in Rímac?"""
    login_as(Role.COORDINATOR)
    page = body(client.get("/schools/?q=PERU"))
    assert "Casa Perú" in page and "I.E. Alfa" not in page
    page = body(client.get("/schools/?q=rimac&sort=code"))
    assert "I.E. Alfa" in page and "I.E. Bravo" not in page
    assert '<input type="hidden" name="sort" value="code">' in page


def test_speaker_list_sorts_and_never_searches_legal_names(make, client, login_as, today):
    """Does the speaker list sort by alias, topics and renewal date, and leave legal names
    out of both the search and the page?"""
    make.speaker(alias="Chino", topics="barras bravas", legal_name="Ana Oculta",
                 vetting_renewal_on=today + timedelta(days=10))
    make.speaker(alias="Águila", topics="prevención", legal_name="Berta Oculta",
                 vetting_renewal_on=today + timedelta(days=300))
    make.speaker(alias="Beto", topics="armas", legal_name="Carla Oculta",
                 vetting_renewal_on=today + timedelta(days=100))
    login_as(Role.COORDINATOR)
    names = ("Águila", "Beto", "Chino")
    # "Á" sorts after the other letters on both engines' byte order; the test does not rely
    # on a language's collation.
    assert in_order(body(client.get("/speakers/?sort=topics")), *names) == \
        ["Beto", "Chino", "Águila"]
    assert in_order(body(client.get("/speakers/?sort=valid_until")), *names) == \
        ["Chino", "Beto", "Águila"]
    assert in_order(body(client.get("/speakers/?sort=valid_until&dir=desc")), *names) == \
        ["Águila", "Beto", "Chino"]
    found = body(client.get("/speakers/?q=aguila"))
    assert "Águila" in found and "Beto" not in found
    hidden = body(client.get("/speakers/?q=oculta"))
    assert not any(name in hidden for name in names) and "Oculta" not in hidden


def test_user_list_sorts_and_searches(make, client, login_as):
    """Does the account list sort by email, role and last login, and search names without
    regard to accents?"""
    # Rows are told apart by email: the signed-in admin's name is also in the page's header.
    login_as(Role.ADMIN, full_name="Zoila Admin", email="zz@example.org")
    make.user(Role.MENTOR, full_name="Iñigo Núñez", email="bb@example.org",
              last_login_at=utcnow() - timedelta(days=2))
    make.user(Role.SCHOOL, full_name="Marta Ríos", email="aa@example.org")
    emails = ("aa@example.org", "bb@example.org", "zz@example.org")
    assert in_order(body(client.get("/users")), *emails) == \
        ["bb@example.org", "aa@example.org", "zz@example.org"]  # by name
    assert in_order(body(client.get("/users?sort=email")), *emails) == list(emails)
    assert in_order(body(client.get("/users?sort=role")), *emails) == \
        ["zz@example.org", "bb@example.org", "aa@example.org"]  # admin, mentor, school contact
    assert in_order(body(client.get("/users?sort=last_login")), *emails) == \
        ["zz@example.org", "bb@example.org", "aa@example.org"]  # latest first, never last
    found = body(client.get("/users?q=NUNEZ"))
    assert "Iñigo Núñez" in found and "Marta Ríos" not in found


def test_certificate_list_sorts_and_searches(make, client, login_as):
    """Does the list of held workshops sort by date, title and venue and search by venue?"""
    make.held_workshop(title="Uno", venue=make.school(name="I.E. Bambú"), days_ago=5)
    make.held_workshop(title="Dos", venue=make.school(name="I.E. Cóndor"), days_ago=3)
    make.held_workshop(title="Tres", venue=make.school(name="I.E. Atún"), days_ago=1)
    make.workshop(title="Futuro")
    login_as(Role.COORDINATOR)
    for query, expected in [("", ["Tres", "Dos", "Uno"]),
                            ("?sort=date&dir=asc", ["Uno", "Dos", "Tres"]),
                            ("?sort=title", ["Dos", "Tres", "Uno"]),
                            ("?sort=venue", ["Tres", "Uno", "Dos"])]:
        assert in_order(body(client.get(f"/certificates{query}")), "Uno", "Dos", "Tres") == expected
    page = body(client.get("/certificates?q=condor"))
    assert ">Dos<" in page and ">Uno<" not in page and "Futuro" not in page


def test_mentee_list_sorts_and_searches(make, client, login_as, today):
    """Does the mentee list sort by name, school, district and waiting time, and find
    "Lucía" when "lucia" is typed?"""
    make.mentee(first_name="Lucía", last_names="Apaza", district="Comas",
                school_id=make.school(name="I.E. Zeta").id, referred_on=today - timedelta(days=1))
    make.mentee(first_name="Pedro", last_names="Borja", district="Ate",
                school_id=make.school(name="I.E. Alfa").id, referred_on=today - timedelta(days=9))
    make.mentee(first_name="Rosa", last_names="Cano", district="Breña",
                referred_on=today - timedelta(days=5))
    login_as(Role.COORDINATOR)
    names = ("Apaza", "Borja", "Cano")
    assert in_order(body(client.get("/mentoring/mentees")), *names) == ["Apaza", "Borja", "Cano"]
    assert in_order(body(client.get("/mentoring/mentees?sort=school")), *names) == \
        ["Borja", "Apaza", "Cano"]  # no school: last
    assert in_order(body(client.get("/mentoring/mentees?sort=district&dir=desc")), *names) == \
        ["Apaza", "Cano", "Borja"]
    assert in_order(body(client.get("/mentoring/mentees?sort=waiting")), *names) == \
        ["Borja", "Cano", "Apaza"]
    found = body(client.get("/mentoring/mentees?q=LUCIA"))
    assert "Apaza" in found and "Borja" not in found


def test_mentor_list_sorts_and_searches(make, client, login_as):
    """Does the mentor list sort by name and district and search by name?"""
    make.mentor(user=make.user(Role.MENTOR, full_name="Ana Ñique"), district="Surco")
    make.mentor(user=make.user(Role.MENTOR, full_name="Beto Ruiz"), district="Ate")
    login_as(Role.COORDINATOR)
    names = ("Ana Ñique", "Beto Ruiz")
    assert in_order(body(client.get("/mentoring/mentors")), *names) == ["Ana Ñique", "Beto Ruiz"]
    assert in_order(body(client.get("/mentoring/mentors?sort=district")), *names) == \
        ["Beto Ruiz", "Ana Ñique"]
    found = body(client.get("/mentoring/mentors?q=nique"))
    assert "Ana Ñique" in found and "Beto Ruiz" not in found


def test_outbox_sorts_and_searches(db, client, login_as):
    """Does the outbox sort by recipient and status and search by subject?"""
    now = utcnow()
    db.session.add_all([
        OutboxMessage(kind=MailKind.PASSWORD_RESET, recipient="b@example.org", locale="es",
                      subject="Restablecer contraseña", status=MailStatus.SENT,
                      created_at=now - timedelta(hours=2)),
        OutboxMessage(kind=MailKind.ACCOUNT_CREATED, recipient="a@example.org", locale="es",
                      subject="Su cuenta nueva", status=MailStatus.FAILED, created_at=now),
    ])
    db.session.commit()
    login_as(Role.ADMIN)
    subjects = ("Restablecer contraseña", "Su cuenta nueva")
    assert in_order(body(client.get("/admin/outbox")), *subjects) == \
        ["Su cuenta nueva", "Restablecer contraseña"]  # newest first
    assert in_order(body(client.get("/admin/outbox?sort=recipient&dir=desc")), *subjects) == \
        ["Restablecer contraseña", "Su cuenta nueva"]
    assert in_order(body(client.get("/admin/outbox?sort=status")), *subjects) == \
        ["Restablecer contraseña", "Su cuenta nueva"]  # sent before failed
    found = body(client.get("/admin/outbox?q=CONTRASENA"))
    assert "Restablecer contraseña" in found and "Su cuenta nueva" not in found


def test_privacy_search_folds_accents(make, client, login_as):
    """Does the data-subject search find "Lucía Quispe" from "lucia quispe"?"""
    make.mentee(first_name="Lucía", last_names="Quispe")
    make.mentee(first_name="Lucas", last_names="Quispe")
    login_as(Role.COORDINATOR)
    page = body(client.get("/privacy/requests?q=lucia+quispe"))
    assert "Lucía" in page and "Lucas" not in page


@pytest.mark.parametrize("path", ["/workshops/", "/schools/", "/speakers/", "/users",
                                  "/certificates", "/mentoring/mentees", "/mentoring/mentors",
                                  "/admin/outbox"])
@pytest.mark.parametrize("args", ["sort=%00&dir=%00", "sort=id;drop&dir=desc",
                                  "sort=__class__", "sort=&dir=", "sort=a&sort=b",
                                  "q=%25%25%25&page=abc"])
def test_bad_sort_input_falls_back(client, login_as, path, args):
    """Does a list answer any sort, direction or search in its URL with its page, never an
    error?"""
    login_as(Role.ADMIN)
    assert client.get(f"{path}?{args}").status_code == 200


@pytest.mark.parametrize(("path", "wording", "create"), [
    ("/schools/", "No venues yet.", "/schools/new"),
    ("/speakers/", "No speakers yet.", "/speakers/new"),
    ("/mentoring/mentees", "No mentees yet.", "/mentoring/mentees/new"),
    ("/mentoring/mentors", "No mentors yet.", "/mentoring/mentors/new"),
    ("/certificates", "No held workshops yet.", None),
    ("/admin/outbox", "No messages yet.", None),
])
def test_empty_lists_say_what_to_do_next(english, login_as, path, wording, create):
    """Does each empty list say so and link to creating the first record, and a searched one
    link back to the whole list?"""
    login_as(Role.COORDINATOR)
    page = body(english.get(path))
    assert wording in page
    if create:
        assert create in links(page)
    searched = body(english.get(f"{path}?q=zzzz"))
    assert "Remove the filters" in searched and path in links(searched)
