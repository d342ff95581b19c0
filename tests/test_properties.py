"""Property tests: hostile text in every form and in the CSV importer never gives a 500 and
never comes back as live markup.

The forms are found as people meet them: every page of the access matrix's world is opened
as each role that may open it, and every form on it (POST, or a GET search) is posted with
Hypothesis's text, the other fields keeping what the page filled in. NUL and control
characters, 10,000-character strings, right-to-left overrides, invalid UTF-8, formulas and
`<script>` are mixed in. Examples are few (HYPOTHESIS_PROFILE=thorough for more) and nothing
is written to disk.
"""
import inspect
import io
import os
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.access import ROLES
from tests.access.world import (
    RULES,
    SESSION_ENDING,
    BrowserSession,
    build_world,
    routes,
    url_for_rule,
)
from youthagainstguns.auth.models import Role
from youthagainstguns.forms import AppForm
from youthagainstguns.workshops import roster_import

settings.register_profile("ci", max_examples=5, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck))
settings.register_profile("thorough", max_examples=25, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

MARKER = "<script>yag()</script>"
HOSTILE = st.sampled_from([
    "\x00", "a\x00b", "\x01\x07\x1b[31m\x7f", "\u202eevil\u202c", "x" * 10_000, MARKER,
    '"><img src=x onerror=yag()>', "=1+1", "x;=HYPERLINK(\"http://e\")", "@SUM(A1)",
    "\ufffe\uffff", "9999-12-31", "0001-01-01", "-1", "99999999999999999999",
    "%00", "../../etc/passwd", "' OR 1=1 --", "\r\n\r\nX: y", "{{ 7*7 }}", "",
])
TEXT = st.one_of(HOSTILE, st.text(max_size=60), st.builds(
    lambda a, b: a + b, HOSTILE, st.text(max_size=20)))
INVALID_UTF8 = b"%FF%FE%C0%AF\xff\xfe"
# Crawl as the people who meet the most forms first; each form is posted as the first role
# that saw it.
CRAWL_ORDER = ("coordinator", "admin", "school", "speaker", "mentor", "anonymous")
FILE_ROUTE = (".pdf", ".csv", ".ics", ".png", ".json", ".svg")
TEXT_INPUTS = {"text", "email", "search", "tel", "password", "url", "date", "time",
               "datetime-local", "number", ""}


class _Forms(HTMLParser):
    """Collect each form's method, action and fields (name -> value) from a page."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = {"method": (attrs.get("method") or "get").lower(),
                             "action": attrs.get("action") or "", "text": set(), "fields": {},
                             "file": False}
            self.forms.append(self._current)
        elif self._current is None or not attrs.get("name"):
            return
        elif tag == "input":
            kind = (attrs.get("type") or "").lower()
            name = attrs["name"]
            if kind == "file":
                self._current["file"] = True
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs or name not in self._current["fields"]:
                    self._current["fields"][name] = attrs.get("value", "y")
            elif kind not in ("submit", "button", "image", "reset"):
                self._current["fields"][name] = attrs.get("value", "")
                if kind in TEXT_INPUTS and name != "csrf_token":
                    self._current["text"].add(name)
        elif tag == "textarea":
            self._current["fields"][attrs["name"]] = ""
            self._current["text"].add(attrs["name"])
        elif tag == "select":
            self._current["fields"].setdefault(attrs["name"], "")
            self._select = attrs["name"]
        elif tag == "option" and getattr(self, "_select", None):
            fields = self._current["fields"]
            if not fields.get(self._select) or "selected" in attrs:
                fields[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None


def _page_forms(client, session, url: str, page_path: str) -> list[dict]:
    session.restore()
    response = client.get(url)
    if response.status_code != 200 or response.mimetype != "text/html":
        return []
    parser = _Forms()
    parser.feed(response.get_data(as_text=True))
    for form in parser.forms:
        form["action"] = urlsplit(form["action"]).path or page_path
    return [f for f in parser.forms if f["text"] and not f["file"]]


def _found_forms(app, client, auth, users, world) -> list[tuple[str, dict, BrowserSession]]:
    """Return (role, form, session) for every form with text fields, seen once each."""
    seen, found = set(), []
    sessions = {}
    for role in CRAWL_ORDER:
        for endpoint, rule, method in routes(app):
            if method != "GET" or role not in RULES[endpoint].roles \
                    or rule.rule.endswith(FILE_ROUTE) or endpoint in SESSION_ENDING \
                    or endpoint == "static":
                continue
            if role not in sessions:
                sessions[role] = BrowserSession(client, auth, users.get(role))
            url = url_for_rule(app, rule, world)
            for form in _page_forms(client, sessions[role], url, urlsplit(url).path):
                key = (form["method"], form["action"], tuple(sorted(form["fields"])))
                if key not in seen and form["action"] not in ("/logout",):
                    seen.add(key)
                    found.append((role, form, sessions[role]))
    return found


def _check_response(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.mimetype == "text/html":
        assert MARKER not in response.get_data(as_text=True), f"{what}: live <script>"


def _post_hostile(client, session, form: dict, values: dict) -> None:
    session.restore()
    data = {**form["fields"], **values}
    if "csrf_token" in data:
        data["csrf_token"] = session.csrf
    what = f"{form['method'].upper()} {form['action']} as {session.user and session.user.role}"
    if form["method"] == "post":
        response = client.post(form["action"], data=data, follow_redirects=True)
    else:
        response = client.get(form["action"], query_string=data)
    _check_response(response, what)
    # The same form, its first text field in invalid UTF-8 straight in the raw body.
    session.restore()
    name = sorted(form["text"])[0]
    body = urlencode({k: v for k, v in data.items() if k != name}).encode() \
        + b"&" + name.encode() + b"=" + INVALID_UTF8
    if form["method"] == "post":
        response = client.post(form["action"], data=body,
                               content_type="application/x-www-form-urlencoded")
    else:
        response = client.get(form["action"] + "?" + body.decode("latin-1"))
    _check_response(response, what + " (invalid UTF-8)")


def test_every_form_derives_from_the_checking_base():
    """Does every form class get the control-character and date checks?"""
    import youthagainstguns

    classes = {cls for cls in _all_subclasses(FlaskForm)
               if cls.__module__.startswith(youthagainstguns.__name__)}
    assert len(classes) > 30
    outside = sorted(c.__qualname__ for c in classes if not issubclass(c, AppForm))
    assert not outside, f"derive these from youthagainstguns.forms.AppForm: {outside}"


def _all_subclasses(cls) -> set:
    import importlib
    import pkgutil

    import youthagainstguns

    for info in pkgutil.walk_packages(youthagainstguns.__path__, "youthagainstguns."):
        if info.name.endswith("forms"):
            importlib.import_module(info.name)
    found, todo = set(), [cls]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found and inspect.isclass(sub):
                found.add(sub)
                todo.append(sub)
    return found


def test_hostile_text_in_every_form(app, make, auth, client):
    """Does any form answer hostile text with a 500, or show `<script>` back unescaped?"""
    world, users = build_world(make)
    forms = _found_forms(app, client, auth, users, world)
    assert len(forms) >= 25, [f["action"] for _, f, _ in forms]
    roles = {role for role, _, _ in forms}
    assert {"coordinator", "anonymous"} <= roles <= set(ROLES)
    for _role, form, session in forms:
        _hostile_check(client, session, form)()
    print(f"{len(forms)} forms")


def _hostile_check(client, session, form: dict):
    """Return a Hypothesis test of one form: its text fields filled with hostile text."""

    @given(values=st.fixed_dictionaries({name: TEXT for name in sorted(form["text"])}))
    def check(values):
        _post_hostile(client, session, form, values)

    return check


CELL = st.one_of(HOSTILE, st.text(max_size=30))


@given(data=st.one_of(
    st.binary(max_size=400),
    st.lists(st.lists(CELL, min_size=1, max_size=6), max_size=8).map(
        lambda rows: "\n".join(",".join(r) for r in [["nombres", "apellidos"], *rows])
        .encode("utf-8", "surrogatepass")),
    st.sampled_from([b"nombres,apellidos\n\"Ana,Q", b"nombres;apellidos\n\"" + b"x" * 140_000,
                     b"\xff\xfe\x00n\x00o", b"nombres,apellidos\n" + b"a,b\r" * 50]),
))
def test_the_importer_reads_anything_without_raising(app, data):
    """Does parsing any bytes give rows or errors, and never an exception?"""
    with app.test_request_context():
        result = roster_import.parse(data)
    assert result.rows or result.errors
    for row in result.rows:
        assert not any(c in row.first_name + row.last_names for c in "\x00\x1b\x7f")


def test_hostile_csv_uploads_never_fail_and_come_back_escaped(app, make, auth, client,
                                                            login_as):
    """Does an uploaded class list of hostile cells give a preview or errors, escaped?"""
    workshop = make.workshop()
    login_as(Role.COORDINATOR)
    path = f"/workshops/{workshop.id}/roster/upload"
    token = auth.csrf_token(path)

    @given(rows=st.lists(st.tuples(CELL, CELL), min_size=1, max_size=5))
    def check(rows):
        text = "nombres,apellidos\n" + "\n".join(f'"{a.replace(chr(34), "")}",{b}'
                                                 for a, b in rows)
        data = text.encode("utf-8", "surrogatepass")
        response = client.post(path, data={"csrf_token": token,
                                           "file": (io.BytesIO(data), "lista.csv")},
                               content_type="multipart/form-data")
        _check_response(response, "roster upload")

    check()
    response = client.post(path, content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(f"nombres,apellidos\n{MARKER},Q\n".encode()),
                                      "lista.csv")})
    assert "&lt;script&gt;yag()&lt;/script&gt;" in response.get_data(as_text=True)
