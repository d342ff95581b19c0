"""Settings read from the environment, with safe defaults for development."""
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("YAG_INSTANCE_DIR", BASE_DIR / "instance"))


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


# S105: development-only key; production refuses to start with it.
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105


class Config:
    """Development defaults: SQLite in instance/, debug-friendly cookies."""

    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_url(
        INSTANCE_DIR / "youthagainstguns.sqlite"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Roster files and imports are small; anything bigger is a mistake or an attack.
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "es"
    BABEL_DEFAULT_TIMEZONE = "America/Lima"
    LANGUAGES = ("es", "en")
    DISPLAY_TIMEZONE = "America/Lima"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    REMEMBER_COOKIE_DURATION = timedelta(days=1)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    # Werkzeug's pbkdf2 with 1,000,000 iterations meets OWASP's 600,000 minimum for SHA-256.
    # S105: a hashing method's name, not a password.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000000"  # noqa: S105
    PASSWORD_MIN_LENGTH = 12
    PASSWORD_LINK_HOURS = 48
    # Wrong passwords for one account from one address before that address must wait out the
    # window; other addresses (the owner's) are not affected.
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    LOGIN_FAILURE_WINDOW_MINUTES = 15
    # Past this many failures on one account from anywhere, an address that already failed on
    # it waits 1, 2, 4 ... seconds after the latest failure (never longer than the window).
    LOGIN_SLOWDOWN_AFTER = 5
    LOGIN_SLOWDOWN_BASE_SECONDS = 1
    # Wrong second-step codes per account within the window; only someone who has the
    # password can make them, so this stop cannot be used to lock the owner out.
    LOGIN_MAX_TWO_STEP_FAILURES = 5
    # How long the second-step page waits for a code after the right password.
    TWO_STEP_PENDING_SECONDS = 300
    # The failure ledger holds attacker-chosen values: at most this many rows are kept.
    LEDGER_MAX_ROWS = 100_000
    VERIFY_MAX_LOOKUPS_PER_ADDRESS = 30
    VERIFY_WINDOW_MINUTES = 10
    TRAVEL_BUFFER_MINUTES = int(os.environ.get("TRAVEL_BUFFER_MINUTES", "90"))
    # After a match closes, its mentor may still read their own session notes for this many
    # days (the mentee's name only as it was at closure); then the match is gone for them.
    MATCH_CLOSURE_ACCESS_DAYS = int(os.environ.get("MATCH_CLOSURE_ACCESS_DAYS", "30"))
    ITEMS_PER_PAGE = 25
    # The address people reach the site at: every absolute link (QR codes, feeds, mail,
    # set-password links) is built from it, never from a request's Host header.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # Reverse proxies in front of gunicorn (nginx: 1). Their X-Forwarded-For/-Proto are
    # trusted for that many hops; with 0 the headers are ignored, as any client can send them.
    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "0"))
    # Addresses (or networks) the nearest proxy connects from; a request from anywhere else
    # reached gunicorn directly and its forwarded headers are ignored.
    PROXY_ADDRESSES = os.environ.get("PROXY_ADDRESSES", "127.0.0.1,::1")
    BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", INSTANCE_DIR / "backups"))
    # `flask backup` deletes older copies of the same kind beyond this many.
    BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP", "14"))
    # Mail: SMTP when MAIL_SERVER is set; otherwise each message becomes an .eml file in
    # MAIL_FILE_PATH, so a laptop demo shows what would have been sent.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "1") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Youth Against Guns <no-reply@youthagainstguns.invalid>")
    # Seconds; a hung SMTP server must not hold a worker.
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "30"))
    MAIL_FILE_PATH = os.environ.get("MAIL_FILE_PATH", str(INSTANCE_DIR / "mail"))
    # A message is tried 1 + MAIL_SEND_RETRIES times, waiting 1, 2, 4 ... minutes in between
    # (about an hour in all), then marked failed on the outbox page.
    MAIL_SEND_RETRIES = int(os.environ.get("MAIL_SEND_RETRIES", "6"))
    MAIL_RETRY_DELAY_SECONDS = int(os.environ.get("MAIL_RETRY_DELAY_SECONDS", "60"))
    # "Forgot my password": at most this many reset mails per account per hour.
    PASSWORD_RESET_MAX_PER_HOUR = 3
    # Job queue (Huey) and the verification page's rate limit: on Redis when REDIS_URL is set
    # (several servers), else a SQLite file and each worker's memory (youthagainstguns/ratelimit).
    REDIS_URL = os.environ.get("REDIS_URL", "")
    JOBS_SQLITE_FILE = os.environ.get("JOBS_SQLITE_FILE", str(INSTANCE_DIR / "jobs.sqlite"))
    JOBS_QUEUE_NAME = os.environ.get("JOBS_QUEUE_NAME", "youthagainstguns")
    JOBS_WORKERS = int(os.environ.get("JOBS_WORKERS", "2"))
    # Ley 29733: a student's data is anonymised this many years after the last workshop they
    # attended, a mentee's after their last match closed (`flask anonymize-expired`, monthly).
    RETENTION_YEARS = int(os.environ.get("RETENTION_YEARS", "5"))
    # Where guardians send access, correction and deletion requests (the privacy page says so).
    PRIVACY_CONTACT_EMAIL = os.environ.get("PRIVACY_CONTACT_EMAIL", "privacidad@example.org")
    TESTING = False
    DEMO_DATA_ALLOWED = True


class TestingConfig(Config):
    """Fast hashing and a database chosen by the test run."""

    TESTING = True
    # S105: a key for tests/benchmarks only.
    SECRET_KEY = "testing-secret"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    # S105: a hashing method's name, not a password.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105
    WTF_CSRF_ENABLED = True
    # Never real mail or a shared Redis from a test run, whatever the environment says;
    # tests/mail_fixtures.py points mail at a local SMTP sink and the queue at a temp file.
    MAIL_SERVER = ""
    REDIS_URL = ""
    # Tests that need a proxy in front, or another public address, set it themselves.
    PROXY_HOPS = 0
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"


def read_secret_key_file(path: str) -> str:
    """Return the key kept in `path`, refusing a file that others than its owner can read."""
    try:
        mode = os.stat(path).st_mode
        key = Path(path).read_text().strip()
    except OSError as error:
        raise RuntimeError(f"SECRET_KEY_FILE cannot be read: {error}") from error
    if mode & 0o077:
        raise RuntimeError(f"SECRET_KEY_FILE {path} must be readable by its owner only (0600)")
    return key


class ProductionConfig(Config):
    """Refuses to start with a missing secret, cookies that travel in clear, or no https
    public address."""

    DEMO_DATA_ALLOWED = False
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    # A file holding the key (e.g. /etc/youthagainstguns/secret_key, mode 0600, owned by the
    # service user), so that the key is neither in the environment file nor lost on restart.
    SECRET_KEY_FILE = os.environ.get("SECRET_KEY_FILE", "")

    @classmethod
    def validate(cls) -> None:
        """Raise if the settings are unsafe for a deployment; read SECRET_KEY_FILE if set."""
        if cls.SECRET_KEY_FILE:
            key = read_secret_key_file(cls.SECRET_KEY_FILE)
            if cls.SECRET_KEY and cls.SECRET_KEY != key:  # equal: validated once already
                raise RuntimeError("Set SECRET_KEY or SECRET_KEY_FILE, not both")
            cls.SECRET_KEY = key
        if not cls.SECRET_KEY or cls.SECRET_KEY == DEV_SECRET_KEY or len(cls.SECRET_KEY) < 32:
            raise RuntimeError("SECRET_KEY must be set to a random value of 32+ characters")
        if not cls.SESSION_COOKIE_SECURE:
            raise RuntimeError("Production cookies must be Secure (serve over HTTPS)")
        base = urlsplit(cls.PUBLIC_BASE_URL or "")
        if base.scheme != "https" or not base.hostname or base.query or base.fragment:
            raise RuntimeError(
                "PUBLIC_BASE_URL must be the site's https:// address, e.g. https://example.org")


CONFIGS = {
    "development": Config,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """Pick the config class named by YAG_CONFIG (development by default)."""
    return CONFIGS[os.environ.get("YAG_CONFIG", "development")]
