"""The audit trail a data-protection officer reads: what is recorded, in their words, filtered,
exported, and never rewritten."""
import ast
import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.test_workshops_feeds import make_feed
from youthagainstguns.audit.labels import ACTIONS, OBJECT_TYPES
from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import Role
from youthagainstguns.mentoring.mentor_views import SCREENING_STEPS

PACKAGE = Path(__file__).resolve().parents[1] / "youthagainstguns"


def _events(db, action: str) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


# --- Pages of sensitive data record who opened them -----------------------------------------

def _attendance(make):
    workshop = make.workshop()
    make.roster(workshop, 2)
    return f"/workshops/{workshop.id}/attendance", workshop


def _certificates(make):
    workshop = make.held_workshop()
    return f"/workshops/{workshop.id}/certificates", workshop


def _screening(make):
    mentor = make.mentor()
    return f"/mentoring/mentors/{mentor.id}", mentor


def _board(make):
    return "/mentoring/", None


def _suggestions(make):
    make.mentor()
    mentee = make.mentee()
    return f"/mentoring/mentees/{mentee.id}/suggestions", mentee


def _user_edit(make):
    speaker = make.speaker(alias="Alias Público")
    account = make.user(Role.SPEAKER, full_name="Nombre Real")
    speaker.user_id = account.id
    make.db.session.commit()
    return f"/users/{account.id}/edit", account


@pytest.mark.parametrize("page, action, object_type", [
    (_attendance, "attendance.view", "Workshop"),  # every pupil's name and mark
    (_certificates, "certificate.list", "Workshop"),  # pupils' names and certificate codes
    (_screening, "mentor.view", "MentorProfile"),  # background checks and referees
    (_board, "board.view", "Board"),  # every match and concern at a glance
    (_suggestions, "mentee.suggestions", "Mentee"),  # a mentee next to possible mentors
    (_user_edit, "user.view", "User"),  # a speaker's own name next to their alias
])
def test_opening_a_sensitive_page_is_recorded(client, login_as, make, db, page, action,
                                              object_type):
    """Does opening the page write one event naming the viewer and the record they saw?"""
    viewer = login_as(Role.COORDINATOR)
    url, record = page(make)
    assert client.get(url).status_code == 200
    (event,) = _events(db, action)
    assert event.actor_id == viewer.id
    assert event.object_type == object_type
    assert event.object_id == (record.id if record is not None else None)


def test_a_calendar_feed_fetch_is_recorded_in_the_owners_name(client, auth, login_as, db):
    """Does each fetch of a feed, which carries no session, name the feed and its owner?"""
    owner = login_as(Role.COORDINATOR)
    path = make_feed(client, auth)
    client.delete_cookie("session")
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200
    fetches = _events(db, "calendar_feed.fetch")
    assert len(fetches) == 2
    assert {(e.actor_id, e.object_type) for e in fetches} == {(owner.id, "CalendarFeed")}


# --- The page speaks the reader's language -------------------------------------------------

def test_the_log_shows_spanish_labels_lima_dates_and_links(client, login_as, make):
    """Are actions and record types in Spanish, times in Lima, and live records linked?"""
    login_as(Role.COORDINATOR)
    mentor = make.mentor()
    match = make.match(mentor, make.mentee())
    session = make.session(match)
    # 03:30 UTC on 1 March is 22:30 the evening before in Lima.
    make.audit_event("session.view", at=datetime(2026, 3, 1, 3, 30, tzinfo=UTC),
                     actor=mentor.user, object_type="MentoringSession", object_id=session.id)
    make.audit_event("match.view", object_type="Match", object_id=999_999)
    html = client.get("/audit/").get_data(as_text=True)
    assert "Sesión de mentoría abierta" in html
    assert f'<a href="/mentoring/sessions/{session.id}">Sesión de mentoría {session.id}</a>' in html
    assert "28/02/2026 22:30" in html and "2026-03-01" not in html
    assert f"MentoringSession {session.id}" not in html
    # A record that no longer exists is named, not linked.
    assert "Emparejamiento 999999" in html and 'href="/mentoring/matches/999999"' not in html


def test_every_action_the_code_records_has_a_label():
    """Is there an action recorded somewhere that the audit page would show as a raw code?"""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record"
                    and node.args):
                # A literal, or each branch of `"a" if x else "b"`.
                found |= {part.value for part in ast.walk(node.args[0])
                          if isinstance(part, ast.Constant) and isinstance(part.value, str)
                          and not isinstance(node.args[0], ast.JoinedStr)}
    # The two actions built from a name: screening steps and workshop transitions.
    found |= {f"mentor.{step.replace('-', '_')}" for step in SCREENING_STEPS}
    found |= {f"workshop.{step}" for step in ("schedule", "mark_held", "close", "cancel")}
    assert found - set(ACTIONS) == set()
    # The login helper's events, recorded by auth.
    assert {"auth.login", "auth.login_failed", "auth.logout", "auth.2fa_enrolled",
            "auth.2fa_reset", "auth.2fa_recovery_used"} <= set(ACTIONS)


def test_every_record_type_on_a_page_has_a_label(app):
    """Can a linked record type be shown without its class name?"""
    from youthagainstguns.admin.audit_links import RECORD_PAGES

    assert set(RECORD_PAGES) <= set(OBJECT_TYPES)


# --- Filters ---------------------------------------------------------------------------------

@pytest.fixture
def trail(make):
    """Four events by two people on two days (Lima) and two records."""
    ana, beto = make.user(full_name="Ana Auditora"), make.user(full_name="Beto Revisor")
    late_28th = datetime(2026, 3, 1, 4, 30, tzinfo=UTC)  # 23:30 on 28/02 in Lima
    early_1st = datetime(2026, 3, 1, 5, 30, tzinfo=UTC)  # 00:30 on 01/03 in Lima
    events = {
        "ana_match": make.audit_event("match.view", at=late_28th, actor=ana, object_id=7,
                                      summary="uno"),
        "ana_mentee": make.audit_event("mentee.view", at=early_1st, actor=ana,
                                       object_type="Mentee", object_id=7, summary="dos"),
        "beto_match": make.audit_event("match.view", at=early_1st, actor=beto, object_id=8,
                                       summary="tres"),
        "beto_close": make.audit_event("match.close", at=early_1st, actor=beto, object_id=7,
                                       summary="cuatro"),
    }
    return {"ana": ana, "beto": beto, **events}


def _shown(html: str) -> set[str]:
    return {word for word in ("uno", "dos", "tres", "cuatro") if f"<bdi>{word}</bdi>" in html}


@pytest.mark.parametrize("query, expected", [
    ({}, {"uno", "dos", "tres", "cuatro"}),
    ({"actor_id": "ana"}, {"uno", "dos"}),
    ({"action": "match.view"}, {"uno", "tres"}),
    ({"object_type": "Match", "object_id": "7"}, {"uno", "cuatro"}),
    ({"object_type": "Mentee"}, {"dos"}),
    # Days are Lima days: 23:30 on the 28th belongs to the 28th, though it is 1 March in UTC.
    ({"first_day": "2026-02-28", "last_day": "2026-02-28"}, {"uno"}),
    ({"first_day": "2026-03-01"}, {"dos", "tres", "cuatro"}),
    ({"actor_id": "beto", "action": "match.close", "last_day": "2026-03-01"}, {"cuatro"}),
    # Words are searched in the action and record type as the reader sees them (Spanish,
    # accents folded), and in the details.
    ({"q": "cerrado"}, {"cuatro"}),
    ({"q": "FICHA mentoreada"}, {"dos"}),
    ({"q": "tres"}, {"tres"}),
    ({"q": "emparejamiento tres"}, {"tres"}),
])
def test_filters_narrow_the_log(client, login_as, trail, query, expected):
    """Does each filter, alone or combined, show exactly the matching events?"""
    login_as(Role.COORDINATOR)
    if "actor_id" in query:
        query = query | {"actor_id": trail[query["actor_id"]].id}
    response = client.get("/audit/", query_string=query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _shown(html) == expected
    if "q" in query:  # the search stays in the box, and so in the URL of the next search
        assert f'value="{query["q"]}"' in html


def test_the_log_can_be_read_oldest_first_keeping_its_filters(client, login_as, trail):
    """Does the When header turn the order round, and does the search form keep it?"""
    login_as(Role.COORDINATOR)
    html = client.get("/audit/", query_string={"action": "match.view", "sort": "at",
                                               "dir": "asc"}).get_data(as_text=True)
    assert html.index("<bdi>uno</bdi>") < html.index("<bdi>tres</bdi>")
    assert 'aria-sort="ascending"' in html
    assert '<input type="hidden" name="dir" value="asc">' in html
    newest = client.get("/audit/", query_string={"action": "match.view"}).get_data(as_text=True)
    assert newest.index("<bdi>tres</bdi>") < newest.index("<bdi>uno</bdi>")


def test_details_and_record_types_read_in_the_readers_words(client, auth, login_as, make, db):
    """Are stored notes ("role=coordinator") shown as labels, with no action code, and is a
    logout recorded on the account rather than on the current_user proxy?"""
    user = login_as(Role.COORDINATOR)
    make.audit_event("user.update", object_type="User", object_id=user.id,
                     summary="role=coordinator")
    html = client.get("/audit/").get_data(as_text=True)
    assert "Rol: Persona coordinadora" in html
    assert "role=coordinator" not in html and "<code" not in html
    auth.logout()
    assert [e.object_type for e in _events(db, "auth.logout")] == ["User"]


@pytest.mark.parametrize("query, field, message", [
    ({"first_day": "9999-12-31"}, "first_day", "2199"),
    ({"last_day": "31/02/2026"}, "last_day", None),
    ({"first_day": "2026-03-02", "last_day": "2026-03-01"}, "last_day",
     "El último día debe ser igual o posterior al primero."),
    ({"object_id": "7"}, "object_id", "Elija también el tipo de registro."),
    ({"object_type": "Match", "object_id": "99999999999"}, "object_id", None),
    ({"object_type": "Match", "object_id": "x"}, "object_id", None),
    ({"actor_id": "abc"}, "actor_id", None),
    ({"actor_id": "999999"}, "actor_id", None),
    ({"action": "nothing.real"}, "action", None),
    ({"object_type": "Nope"}, "object_type", None),
])
def test_bad_filter_input_gets_a_field_error(client, login_as, trail, query, field, message):
    """Is nonsense in a filter answered with an error next to that field, never a 500?"""
    login_as(Role.COORDINATOR)
    response = client.get("/audit/", query_string=query)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    if message:
        assert message in html
    assert _shown(html) == set()


def test_the_page_costs_the_same_queries_for_more_events(client, login_as, make, count_queries):
    """Do the links cost one query per record type, not one per event?"""
    login_as(Role.COORDINATOR)
    mentor = make.mentor()

    def add(n):
        for _unused in range(n):
            match = make.match(mentor, make.mentee())
            make.audit_event("match.view", object_id=match.id)
            make.audit_event("mentor.view", object_type="MentorProfile", object_id=mentor.id)

    add(2)
    with count_queries() as few:
        client.get("/audit/")
    add(8)
    with count_queries() as many:
        client.get("/audit/")
    assert many["n"] == few["n"]


# --- Export ----------------------------------------------------------------------------------

def test_csv_export_holds_the_filtered_rows_only_and_is_audited(client, login_as, trail, db):
    """Does the CSV list just the filtered events, in Lima time, and record the download?"""
    officer = login_as(Role.ADMIN)
    response = client.get("/audit/export.csv",
                          query_string={"action": "match.view", "first_day": "2026-02-28"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Cuándo", "Quién", "Correo electrónico", "Acción"]
    assert sorted(row[7] for row in body) == ["tres", "uno"]
    by_summary = {row[7]: row for row in body}
    assert by_summary["uno"][:2] == ["28/02/2026 23:30", "Ana Auditora"]
    assert by_summary["uno"][3:7] == ["Emparejamiento abierto", "match.view", "Emparejamiento",
                                      "7"]
    (export,) = _events(db, "audit.export")
    assert export.actor_id == officer.id
    assert "action=match.view" in export.summary and "2 rows" in export.summary


def test_export_with_bad_filters_goes_back_to_the_form(client, login_as, trail, db):
    """Is an export with a bad date sent back to the page (which shows the error), unrecorded?"""
    login_as(Role.COORDINATOR)
    response = client.get("/audit/export.csv", query_string={"first_day": "9999-12-31"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/audit/?first_day=9999-12-31")
    assert _events(db, "audit.export") == []


# --- Nobody rewrites the trail ----------------------------------------------------------------

def test_entries_cannot_be_changed_or_deleted(make, db):
    """Does the model refuse to update or delete a recorded event?"""
    event = make.audit_event(summary="original")
    event.summary = "rewritten"
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).summary == "original"


def test_the_audit_routes_only_read(app):
    """Does any audit route accept a method that could change an entry?"""
    methods = {method for rule in app.url_map.iter_rules()
               if rule.endpoint.startswith("admin.audit") for method in rule.methods}
    assert methods == {"GET", "HEAD", "OPTIONS"}


def test_only_record_writes_to_the_audit_table():
    """Does any module other than the audit services build, update or delete audit rows?"""
    writers = re.compile(r"AuditEvent\(|(insert|update|delete)\(\s*AuditEvent|audit_events")
    offenders = [str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                 if writers.search(path.read_text())]
    # models.py declares the table; services.py holds record(), the one writer.
    assert sorted(offenders) == ["audit/models.py", "audit/services.py"]
