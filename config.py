"""Settings read from the environment, with safe defaults for development."""
import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("YAG_INSTANCE_DIR", BASE_DIR / "instance"))


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


DEV_SECRET_KEY = "dev-only-not-secret"


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
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000000"
    PASSWORD_MIN_LENGTH = 12
    PASSWORD_LINK_HOURS = 48
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    LOGIN_FAILURE_WINDOW_MINUTES = 15
    VERIFY_MAX_LOOKUPS_PER_ADDRESS = 30
    VERIFY_WINDOW_MINUTES = 10
    TRAVEL_BUFFER_MINUTES = int(os.environ.get("TRAVEL_BUFFER_MINUTES", "90"))
    ITEMS_PER_PAGE = 25
    # Where certificate QR codes point; set it to the public address in production.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", INSTANCE_DIR / "backups"))
    TESTING = False
    DEMO_DATA_ALLOWED = True


class TestingConfig(Config):
    """Fast hashing and a database chosen by the test run."""

    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    WTF_CSRF_ENABLED = True


class ProductionConfig(Config):
    """Refuses to start with a missing secret or cookies that travel in clear."""

    DEMO_DATA_ALLOWED = False
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECRET_KEY = os.environ.get("SECRET_KEY", "")

    @classmethod
    def validate(cls) -> None:
        """Raise if the settings are unsafe for a deployment."""
        if not cls.SECRET_KEY or cls.SECRET_KEY == DEV_SECRET_KEY or len(cls.SECRET_KEY) < 32:
            raise RuntimeError("SECRET_KEY must be set to a random value of 32+ characters")
        if not cls.SESSION_COOKIE_SECURE:
            raise RuntimeError("Production cookies must be Secure (serve over HTTPS)")


CONFIGS = {
    "development": Config,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """Pick the config class named by YAG_CONFIG (development by default)."""
    return CONFIGS[os.environ.get("YAG_CONFIG", "development")]
