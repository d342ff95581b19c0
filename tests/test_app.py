"""The application as a whole: configuration, engine settings, headers, commands, catalogs."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po

from config import ProductionConfig
from youthagainstguns.auth.models import Role, User

ROOT = Path(__file__).resolve().parent.parent


def test_production_refuses_to_start_without_a_secret_key():
    """Does the production config refuse a missing or default SECRET_KEY?"""
    from youthagainstguns import create_app

    class NoSecret(ProductionConfig):
        SECRET_KEY = ""
        PUBLIC_BASE_URL = "https://yag.example.org"

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(NoSecret)


def test_production_refuses_insecure_cookies():
    """Does the production config refuse cookies that travel without HTTPS?"""
    from youthagainstguns import create_app

    class InsecureCookies(ProductionConfig):
        SECRET_KEY = "x" * 40
        SESSION_COOKIE_SECURE = False
        PUBLIC_BASE_URL = "https://yag.example.org"

    with pytest.raises(RuntimeError, match="Secure"):
        create_app(InsecureCookies)


@pytest.mark.parametrize("public_base_url", [
    "",  # not set
    "http://127.0.0.1:5000",  # the development default
    "http://yag.example.org",  # links and QR codes would travel in clear
    "https://",  # no host
    "yag.example.org",  # no scheme
    "https://yag.example.org/?next=x",  # a query would be glued to every link
])
def test_production_refuses_to_start_without_an_https_public_address(public_base_url):
    """Does the production config refuse a PUBLIC_BASE_URL that is missing or not https?"""
    from youthagainstguns import create_app

    class NoPublicAddress(ProductionConfig):
        SECRET_KEY = "x" * 40
        PUBLIC_BASE_URL = public_base_url

    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app(NoPublicAddress)


@pytest.mark.parametrize("public_base_url", [
    "https://yag.example.org", "https://yag.example.org/", "https://example.org/campana"])
def test_production_accepts_an_https_public_address(public_base_url):
    """Is an https address, with or without a path, enough for the production config?"""

    class Deployed(ProductionConfig):
        SECRET_KEY = "x" * 40
        PUBLIC_BASE_URL = public_base_url

    Deployed.validate()


def _key_file(tmp_path, key: str, mode: int = 0o600) -> str:
    path = tmp_path / "secret_key"
    path.write_text(key + "\n")
    path.chmod(mode)
    return str(path)


def test_production_reads_the_secret_key_from_a_file(tmp_path):
    """Does SECRET_KEY_FILE give the app the key kept in that file?"""
    from youthagainstguns import create_app

    class FromFile(ProductionConfig):
        SECRET_KEY = ""
        SECRET_KEY_FILE = _key_file(tmp_path, "k" * 48)
        PUBLIC_BASE_URL = "https://yag.example.org"

    assert create_app(FromFile).config["SECRET_KEY"] == "k" * 48
    assert create_app(FromFile).config["SECRET_KEY"] == "k" * 48  # a second app, same key


@pytest.mark.parametrize(("key", "mode", "problem"), [
    (None, 0o600, "cannot be read"),  # no such file
    ("short", 0o600, "32\\+ characters"),
    ("", 0o600, "32\\+ characters"),
    ("k" * 48, 0o644, "owner only"),  # anyone on the host could read it
])
def test_production_refuses_a_missing_short_or_shared_key_file(tmp_path, key, mode, problem):
    """Does the production config refuse a key file that is missing, short or readable by
    others?"""
    from youthagainstguns import create_app

    path = str(tmp_path / "absent") if key is None else _key_file(tmp_path, key, mode)

    class BadFile(ProductionConfig):
        SECRET_KEY = ""
        SECRET_KEY_FILE = path
        PUBLIC_BASE_URL = "https://yag.example.org"

    with pytest.raises(RuntimeError, match=problem):
        create_app(BadFile)


def test_sqlite_database_and_wal_are_private(tmp_path):
    """Is a fresh SQLite database created through the app, and its WAL, mode 0600 even under
    a permissive umask?"""
    import stat

    from config import TestingConfig
    from youthagainstguns import create_app
    from youthagainstguns.extensions import db

    path = tmp_path / "fresh.sqlite"

    class Fresh(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"

    old_umask = os.umask(0o022)
    try:
        app = create_app(Fresh)
        with app.app_context(), db.engine.connect() as conn:
            db.metadata.create_all(conn)
            conn.commit()
            files = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
            db.engine.dispose()
    finally:
        os.umask(old_umask)
    assert files == {"fresh.sqlite": 0o600, "fresh.sqlite-wal": 0o600,
                     "fresh.sqlite-shm": 0o600}


def test_sqlite_runs_with_wal_and_foreign_keys(db):
    """Are SQLite connections in WAL mode with foreign keys enforced?"""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite-only setting")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_foreign_keys_are_enforced(db):
    """Can a row point at a school that does not exist?"""
    user = User(email="x@example.org", full_name="X", role=Role.SCHOOL, school_id=999_999)
    db.session.add(user)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_security_headers_on_every_page(client):
    """Do pages forbid framing and foreign scripts and stay out of caches?"""
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_settings(client, app):
    """Is the session cookie HttpOnly, SameSite=Lax and short-lived?"""
    cookie = client.get("/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() <= 12 * 3600


def test_error_pages_are_friendly_and_spanish(client, login_as):
    """Does a missing page get a Spanish page with a way back, not a stack trace?"""
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "No encontrado" in response.get_data(as_text=True)
    login_as(Role.MENTOR)
    response = client.get("/users")
    assert response.status_code == 403
    assert "Su cuenta no tiene acceso a esta página." in response.get_data(as_text=True)


def test_oversized_upload_is_refused(client, app):
    """Is a request body over the limit refused with 413?"""
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/login", data=big, content_type="application/octet-stream")
    assert response.status_code == 413


def test_spanish_catalog_is_complete():
    """Is every message in the Spanish catalog translated and none left fuzzy?"""
    po = ROOT / "youthagainstguns/translations/es/LC_MESSAGES/messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale="es")
    missing = [m.id for m in catalog if m.id and (
        not all(m.string) if isinstance(m.string, tuple) else not m.string)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not missing, f"untranslated: {missing[:20]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:20]}"


def test_catalog_covers_every_string_in_the_code(tmp_path):
    """Has every gettext string in the code made it into the Spanish catalog?"""
    pot = tmp_path / "messages.pot"
    # S603: a fixed argument list, no shell, no user input.
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract",  # noqa: S603
                    "-F", "babel.cfg", "-k", "_l", "--ignore-dirs=.* .venv instance",
                    "-o", str(pot), "."], cwd=ROOT, check=True)
    with pot.open("rb") as handle:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    po = ROOT / "youthagainstguns/translations/es/LC_MESSAGES/messages.po"
    with po.open("rb") as handle:
        have = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    missing = sorted(wanted - have)
    assert not missing, f"run `make translations-update` and translate: {missing[:20]}"


def _flask(*args, env=None, input_text=None):
    # S603: a fixed argument list, no shell, no user input.
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args],  # noqa: S603
                          cwd=ROOT, env={**os.environ, **(env or {})}, input=input_text,
                          capture_output=True, text=True, timeout=120)


def test_seed_demo_refuses_under_production(tmp_path):
    """Can demo data be loaded into a production database?"""
    result = _flask("seed-demo", env={
        "YAG_CONFIG": "production", "SECRET_KEY": "s" * 40,
        "PUBLIC_BASE_URL": "https://yag.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite'}",
        "YAG_INSTANCE_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "not allowed under the production config" in result.stderr


def test_create_admin_and_backup_commands(tmp_path):
    """Do `flask db upgrade`, `create-admin` and `backup` work on a fresh SQLite database?"""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite'}",
           "YAG_INSTANCE_DIR": str(tmp_path), "YAG_CONFIG": "development"}
    assert _flask("db", "upgrade", env=env).returncode == 0
    result = _flask("create-admin", "--email", "Jefa@Example.org", "--name", "Jefa",
                    env=env, input_text="una frase muy segura\nuna frase muy segura\n")
    assert result.returncode == 0, result.stderr
    engine = sa.create_engine(env["DATABASE_URL"])
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT role FROM users WHERE email='jefa@example.org'")
                            ).scalar() == "admin"
    engine.dispose()
    result = _flask("backup", "--to", str(tmp_path / "copies"), env=env)
    assert result.returncode == 0, result.stderr
    copies = list((tmp_path / "copies").glob("*.sqlite"))
    assert len(copies) == 1
    engine = sa.create_engine(f"sqlite:///{copies[0]}")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM users")).scalar() == 1
    engine.dispose()


def test_simultaneous_duplicate_save_gets_a_conflict_page_not_a_500(app):
    """When the database refuses a save that slipped past a form check, is it a 409 page?"""
    from sqlalchemy.orm.exc import StaleDataError

    for error in (sa.exc.IntegrityError("INSERT", {}, Exception("duplicate key")),
                  StaleDataError("version mismatch")):
        with app.test_request_context("/", headers={"Accept-Language": "es"}):
            body, status = app.handle_user_exception(error)
        assert status == 409
        assert "Otra persona guardó el mismo registro" in body
