"""Fixtures: a real database (SQLite file or PostgreSQL), the app, clients and builders.

TEST_DB=sqlite (default) uses a fresh SQLite file per run; TEST_DB=postgresql creates a
private database on the server named by TEST_PG_URL, so parallel runs never collide.
"""
import contextvars
import os
import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from config import TestingConfig
from tests.builders import Builders
from youthagainstguns.demo import DEMO_PASSWORD

pytest_plugins = ["tests.mail_fixtures"]
PG_URL = os.environ.get("TEST_PG_URL", "postgresql+psycopg://yag:yag@127.0.0.1:5432/postgres")


def _postgres_database():
    """Create a throwaway PostgreSQL database; yield its URL; drop it afterwards."""
    admin_url = make_url(PG_URL)
    name = f"yag_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as error:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            raise
        pytest.skip(f"PostgreSQL not reachable: {error}")
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()


def pytest_collection_modifyitems(items):
    """With BROWSER_TESTS_LAST=1, run the browser tests after the others: `make test` runs the
    two engines side by side, and two Chromiums at once would fight over the two cores."""
    if os.environ.get("BROWSER_TESTS_LAST") == "1":
        items.sort(key=lambda item: "e2e" in item.path.parts)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The URL of an empty database of the engine chosen by TEST_DB."""
    if os.environ.get("TEST_DB", "sqlite") == "postgresql":
        yield from _postgres_database()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context, as in production.

    Tests hold an app context for their own queries; without this, requests would share its
    `g` and database session, hiding bugs (a CSRF token never stored, stale sessions).
    """

    def open(self, *args, **kwargs):
        from flask import has_app_context

        if not has_app_context():  # a redirect followed inside the request's own context
            return super().open(*args, **kwargs)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        from youthagainstguns.extensions import db

        db.session.expire_all()  # the test's own objects must see what the request wrote
        return response


@pytest.fixture(scope="session")
def app(database_url):
    """One app for the whole run, its schema created once."""
    from youthagainstguns import create_app
    from youthagainstguns.extensions import db

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    application = create_app(Config)
    application.test_client_class = IsolatedClient
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.engine.dispose()


def _empty_all_tables(db) -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            _empty_written_tables(conn, tables)
        else:
            for table in tables:
                conn.execute(table.delete())


def _empty_written_tables(conn, tables: list[sa.Table]) -> None:
    """Delete the rows of the tables that have any and restart their ids, children first.

    TRUNCATE of every table made new files for each table and index, ~0.5 s a test; a test
    writes a few tables, and DELETE on them costs a few milliseconds."""
    written = set(conn.scalars(sa.union_all(*(
        sa.select(sa.literal(table.name)).where(sa.exists().select_from(table))
        for table in tables))))
    for table in tables:
        if table.name in written:
            conn.execute(table.delete())
            if "id" in table.c and table.c.id.autoincrement is not False:
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), 1, false)")


@pytest.fixture(autouse=True)
def _clean_database(request, app):
    """Give each test an app context and fresh rate-limit counters, and empty tables after."""
    from youthagainstguns import ratelimit
    from youthagainstguns.extensions import db

    ratelimit.init_app(app)
    with app.app_context():
        yield
        db.session.remove()
        _empty_all_tables(db)


@pytest.fixture
def db(app):
    """The Flask-SQLAlchemy object, for queries in tests."""
    from youthagainstguns.extensions import db as database

    return database


@pytest.fixture
def client(app):
    """A test client that speaks Spanish unless a test says otherwise."""
    test_client = app.test_client()
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-PE,es;q=0.9"
    return test_client


@pytest.fixture
def make(db):
    """Builders for test records with sensible defaults: make.school(), make.user(role)..."""
    return Builders(db)


@pytest.fixture
def english_request(app):
    """An English request context, for calling services whose messages are translated."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def current_code(email: str) -> str:
    """Return the code the account's phone app shows now.

    Tests log the same person in many times within one 30-second step, and a code is
    accepted once: forget the step last used first, as if the code had changed meanwhile.
    """
    import pyotp

    from youthagainstguns.auth.models import User
    from youthagainstguns.extensions import db

    # Statements, not the identity map: the app (or a live server) may have changed the row.
    account = User.email == email.lower()
    db.session.execute(sa.update(User).where(account).values(totp_last_step=None))
    db.session.commit()
    return pyotp.TOTP(db.session.scalar(sa.select(User.totp_secret).where(account))).now()


def secret_on_setup_page(html: str) -> str:
    """Return the key the enrolment page shows for typing into an app (what its QR code holds)."""
    import re

    return re.search(r'class="secret-key">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")


def needs_enrolment(email: str) -> bool:
    """Tell whether the account must set up its second step before anything else."""
    from youthagainstguns.auth.models import User
    from youthagainstguns.extensions import db

    user = db.session.scalar(sa.select(User).where(User.email == email.lower()))
    return user is not None and user.two_step_required and not user.two_step_enabled


class AuthActions:
    """Log a test client in and out through the real forms, CSRF included."""

    def __init__(self, client):
        self._client = client

    def csrf_token(self, path: str = "/login") -> str:
        """Fetch a page and return the CSRF token from its first form."""
        import re

        html = self._client.get(path, follow_redirects=True).get_data(as_text=True)
        match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, email: str, password: str = DEMO_PASSWORD, *, two_step: bool = True):
        """Start a fresh session, post the login form and return the response.

        When the account has a second step, post its current code too and return that
        response; when it must set one up first, do so. two_step=False stops after the password.
        """
        self._client.delete_cookie("session")
        response = self._client.post("/login", data={
            "email": email, "password": password, "csrf_token": self.csrf_token("/login"),
        })
        if not two_step or response.status_code != 302:
            return response
        if response.headers["Location"].endswith("/login/two-step"):
            return self.two_step(current_code(email))
        if needs_enrolment(email):
            self.enrol()
        return response

    def enrol(self) -> list[str]:
        """Set up the second step through its page, as a new coordinator would; return the
        recovery codes shown."""
        import re

        import pyotp

        html = self._client.get("/account/two-step/setup").get_data(as_text=True)
        response = self._client.post("/account/two-step/setup", data={
            "code": pyotp.TOTP(secret_on_setup_page(html)).now(),
            "csrf_token": self.csrf_token("/account/two-step/setup")})
        return re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", response.get_data(as_text=True))

    def two_step(self, code: str):
        """Post a code on the second-step page and return the response."""
        return self._client.post("/login/two-step", data={
            "code": code, "csrf_token": self.csrf_token("/login/two-step")})

    def logout(self):
        """Post the logout button's form."""
        token = self.csrf_token("/account/password")
        return self._client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client):
    """Log in as a given email through the real login form."""
    return AuthActions(client)


@pytest.fixture
def login_as(make, auth):
    """Create a user of a role (with password DEMO_PASSWORD), log in and return the user."""

    def _login(role, **kwargs):
        user = make.user(role, **kwargs)
        response = auth.login(user.email)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return _login


@pytest.fixture
def count_queries(db):
    """Count the SQL statements run inside a `with count_queries() as counter:` block."""
    from contextlib import contextmanager

    @contextmanager
    def _count():
        counter = {"n": 0}

        def _on_execute(*args, **kwargs):
            counter["n"] += 1

        sa.event.listen(db.engine, "before_cursor_execute", _on_execute)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", _on_execute)

    return _count


@pytest.fixture
def today():
    """Today's date in Lima."""
    from youthagainstguns.timeutil import today_lima

    return today_lima()


@pytest.fixture
def tomorrow(today) -> date:
    """Tomorrow's date in Lima."""
    return today + timedelta(days=1)
