"""Youth Against Guns: workshops, certificates and mentoring for a violence-prevention campaign."""
import os
import secrets

from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from config import DEV_SECRET_KEY, INSTANCE_DIR, Config, ProductionConfig, config_from_env

from . import accesslog
from .dbtypes import render_migration_item
from .errors import render_error_page
from .extensions import babel, csrf, db, login_manager, migrate

BLUEPRINTS = (
    "main", "auth", "schools", "speakers", "workshops", "certificates", "reports",
    "mentoring", "surveys", "referrals", "admin", "privacy", "dashboards", "api",
)
ERROR_PAGES = (400, 403, 404, 405, 413, 429, 500)


def create_app(config: type[Config] | None = None) -> Flask:
    """Build the application: extensions, blueprints, error pages, commands."""
    config = config or config_from_env()
    if issubclass(config, ProductionConfig):
        config.validate()
    app = Flask(
        __name__, template_folder="../templates", static_folder="../static",
        instance_path=_instance_dir(),
    )
    app.config.from_object(config)
    accesslog.install(app)
    _ensure_secret_key(app)
    register_proxy(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    register_security_headers(app)
    return app


def _instance_dir() -> str:
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return str(INSTANCE_DIR)


def _ensure_secret_key(app: Flask) -> None:
    """On a laptop without SECRET_KEY, keep a random key in instance/ instead of a known one."""
    if app.config["SECRET_KEY"] != DEV_SECRET_KEY or app.testing:
        return
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def register_proxy(app: Flask) -> None:
    """Believe X-Forwarded-For and -Proto from the PROXY_HOPS proxies in front, and no more.

    `request.remote_addr` is then the client's address for login throttling, rate limits and
    the audit trail.
    """
    from .proxy import TrustedProxyFix

    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops < 0:
        raise RuntimeError("PROXY_HOPS must be 0 or more")
    if hops:
        proxies = [p.strip() for p in app.config["PROXY_ADDRESSES"].split(",") if p.strip()]
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, hops, proxies)


def register_extensions(app: Flask) -> None:
    """Bind the extension objects to this app."""
    # models: the whole schema, for Alembic; backup and dbstats: their nightly jobs, before the
    # queue is built.
    from . import backup, dbstats, i18n, jobs, mail, models, ratelimit  # noqa: F401
    from .auth import sessions

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True,
                     render_item=render_migration_item)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    sessions.init_login_manager(app, login_manager)
    jobs.init_app(app)
    mail.init_app(app)
    ratelimit.init_app(app)


@event.listens_for(Engine, "do_connect")
def _create_sqlite_file_private(dialect, connection_record, cargs, cparams) -> None:
    """Create a missing SQLite database file readable by its owner only (0600), before SQLite
    opens it; SQLite gives the -wal and -shm files the database file's mode. An existing file
    keeps its mode."""
    if dialect.name != "sqlite" or not cargs or not isinstance(cargs[0], str):
        return
    path = cargs[0]
    if path in ("", ":memory:") or path.startswith("file:"):
        return  # in memory, or a URI (ours never are)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError:
        pass  # it exists (mode kept), or e.g. no folder: SQLite's own error will say so


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Turn on foreign keys and WAL for every SQLite connection; other engines are untouched."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def register_blueprints(app: Flask) -> None:
    """Mount one blueprint per domain area."""
    from importlib import import_module

    for name in BLUEPRINTS:
        app.register_blueprint(import_module(f".{name}.views", __name__).bp)
    from .api.blueprint import init_api

    init_api(app)  # the JSON API under /api/v1 and its OpenAPI document (flask-smorest)


def register_errorhandlers(app: Flask) -> None:
    """Render friendly error pages; roll back whatever a failed request left half done."""

    def render_error(error):
        code = getattr(error, "code", 500) or 500
        if code >= 500:
            db.session.rollback()
        return render_error_page(code)

    def render_conflict(error):
        # Two people saved the same record (or the same unique value) at the same moment; the
        # forms' own checks passed for both. Nothing of this request was kept.
        db.session.rollback()
        return render_error_page(409)

    for code in ERROR_PAGES:
        app.register_error_handler(code, render_error)
    app.register_error_handler(IntegrityError, render_conflict)
    app.register_error_handler(StaleDataError, render_conflict)


def register_template_helpers(app: Flask) -> None:
    """Expose date filters, the locale, navigation, list helpers and `bdi` (for names) to every
    template."""
    from . import i18n, listing, text

    i18n.register_filters(app)
    listing.register_template_helpers(app)
    app.jinja_env.filters["bdi"] = text.isolated


def register_commands(app: Flask) -> None:
    """Add the `flask` commands: create-admin, seed-demo, backup, worker."""
    from . import cli, jobs

    cli.register(app)
    jobs.register_commands(app)  # flask worker


def register_security_headers(app: Flask) -> None:
    """Send headers that keep pages out of frames and scripts to our own origin."""

    @app.after_request
    def add_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if request.endpoint != "static":
            # Pages may hold children's data: never keep them in a shared browser's cache.
            response.headers.setdefault("Cache-Control", "no-store")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
