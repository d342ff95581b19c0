"""Passwords, one-time links and login throttling. Services flush; the caller commits."""
import hashlib
import logging
import secrets
from datetime import datetime, timedelta
from functools import cache
from importlib import resources

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit.services import record
from ..extensions import db
from ..jobs import crontab, periodic_job
from ..mail import is_configured as is_mail_configured
from ..mail import queue_mail, render
from ..mail_models import MailKind, OutboxMessage
from ..timeutil import utcnow
from ..urls import absolute_url
from .models import FailureKind, LoginFailure, PasswordLink, Role, User

log = logging.getLogger(__name__)


@cache
def _dummy_hash(method: str) -> str:
    """Return a hash made like real ones, checked when no account matches: an unknown email
    then costs as much time as a wrong password, and timing does not reveal who has an account."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


@cache
def common_passwords() -> frozenset[str]:
    """Return the shipped list of passwords too common to allow."""
    text = resources.files(__package__).joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problems(password: str, user: User | None = None) -> list[str]:
    """Return what is wrong with a proposed password, in the user's language (empty if fine)."""
    problems = []
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        problems.append(_("Use at least %(n)d characters.", n=minimum))
    lowered = password.lower()
    stem = lowered.rstrip("0123456789!@#$%&*.-_ ")
    if lowered in common_passwords() or stem in common_passwords() or len(set(lowered)) < 4:
        problems.append(_("This password is too common; choose another."))
    if user is not None and user.email.split("@")[0].lower() in lowered:
        problems.append(_("Do not use your email address in the password."))
    return problems


def set_password(user: User, password: str) -> None:
    """Hash and store a new password, ending every existing session and open password link."""
    user.password_hash = generate_password_hash(
        password, method=current_app.config["PASSWORD_HASH_METHOD"]
    )
    user.end_sessions()
    user.password_changed_at = utcnow()  # feed links made before this stop working
    # A link a coordinator issued earlier must not outlive the password the owner chose since.
    db.session.execute(
        sa.update(PasswordLink)
        .where(PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None))
        .values(used_at=utcnow())
    )


def token_hash(token: str) -> str:
    """Return what is stored instead of a random secret token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_password_link(user: User, created_by: User | None) -> str:
    """Create a one-time password link for `user` and return its secret token."""
    token = secrets.token_urlsafe(32)
    hours = current_app.config["PASSWORD_LINK_HOURS"]
    db.session.add(PasswordLink(
        user=user, token_hash=token_hash(token), created_by_id=getattr(created_by, "id", None),
        expires_at=utcnow() + timedelta(hours=hours),
    ))
    db.session.flush()
    record("user.password_link", user, "one-time password link created", actor=created_by)
    return token


def hand_over_password_link(user: User, by: User, kind: MailKind) -> str | None:
    """Create a one-time link for `user` and mail it; return the link to show on screen only
    when mail does not really leave (else None), for staff to hand over privately."""
    token = create_password_link(user, by)
    mail_password_link(user, token, kind)
    return None if is_mail_configured() else absolute_url("auth.set_password", token=token)


def find_password_link(token: str) -> PasswordLink | None:
    """Return the link for a token if it is still usable."""
    link = db.session.scalar(
        sa.select(PasswordLink).where(PasswordLink.token_hash == token_hash(token))
    )
    if link is None or not link.is_usable(utcnow()) or not link.user.active:
        return None
    return link


def use_password_link(link: PasswordLink, password: str) -> User:
    """Set the password through a link and spend the link and any other open ones."""
    set_password(link.user, password)
    record("user.password_set", link.user, "password set through link", actor=link.user)
    return link.user


def mail_password_link(user: User, token: str, kind: MailKind) -> OutboxMessage:
    """Queue the mail that carries a set-password link to its user, in their language."""
    return queue_mail(kind, to=user.email, locale=user.locale, user_id=user.id,
                      **_password_mail(kind, token, user.email))


def _password_mail(kind: MailKind, token: str, email: str) -> dict:
    return {
        "template": "account_created" if kind == MailKind.ACCOUNT_CREATED else "password_reset",
        "link": absolute_url("auth.set_password", token=token),
        "hours": current_app.config["PASSWORD_LINK_HOURS"],
        "email": email, "by_staff": kind == MailKind.PASSWORD_LINK,
    }


def request_password_reset(email: str, address: str) -> None:
    """Mail a one-time link if `email` names an active account; reveal nothing either way.

    Every request counts against the client address in the failure ledger (with no email,
    so that it never locks an account's login); an account gets at most
    PASSWORD_RESET_MAX_PER_HOUR reset mails, the rest are dropped silently.
    """
    email = email.strip().lower()
    db.session.add(LoginFailure(email="", address=address, kind=FailureKind.RESET))
    user = db.session.scalar(sa.select(User).where(User.email == email, User.active.is_(True)))
    if user is None or _recent_resets(user) >= current_app.config["PASSWORD_RESET_MAX_PER_HOUR"]:
        # Render the mail anyway, so that the answer takes about as long as a real one.
        render(**_password_mail(MailKind.PASSWORD_RESET, secrets.token_urlsafe(32), email),
               locale=None)
        db.session.flush()
        return
    token = create_password_link(user, None)
    mail_password_link(user, token, MailKind.PASSWORD_RESET)


def _recent_resets(user: User) -> int:
    since = utcnow() - timedelta(hours=1)
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.user_id == user.id, OutboxMessage.kind == MailKind.PASSWORD_RESET,
               OutboxMessage.created_at >= since)
    )


def _window_start() -> datetime:
    return utcnow() - timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])


def recent_failures(*where) -> int:
    """Count the ledger's rows within the throttling window that match `where`."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(LoginFailure)
        .where(LoginFailure.at >= _window_start(), *where)
    )


def address_throttled(address: str) -> bool:
    """Tell whether this client address failed (logins, codes, reset requests) too often."""
    return (recent_failures(LoginFailure.address == address)
            >= current_app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"])


def account_next_attempt_at(email: str) -> datetime | None:
    """Return when an address that already failed on this account may try again.

    Past LOGIN_SLOWDOWN_AFTER failures within the window (from anywhere), each further failure
    doubles the wait after the latest one, up to the window itself. None: no wait.
    """
    config = current_app.config
    count, latest = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(LoginFailure.at))
        .where(LoginFailure.email == email, LoginFailure.kind == FailureKind.PASSWORD,
               LoginFailure.at >= _window_start())
    ).one()
    beyond = count - config["LOGIN_SLOWDOWN_AFTER"]
    if beyond < 0:
        return None
    seconds = min(config["LOGIN_SLOWDOWN_BASE_SECONDS"] * 2 ** min(beyond, 30),
                  config["LOGIN_FAILURE_WINDOW_MINUTES"] * 60)
    return latest + timedelta(seconds=seconds)


def login_throttled(email: str, address: str) -> bool:
    """Tell whether this address must wait before trying this account's password again.

    Failures count per account *and* address, so that nobody can lock the owner out from
    elsewhere: an address with no failures on the account always gets its password checked.
    An address that failed on it is stopped after LOGIN_MAX_FAILURES_PER_ACCOUNT, and sooner
    while the account is under attack (see account_next_attempt_at); any address is stopped
    after LOGIN_MAX_FAILURES_PER_ADDRESS failures of any kind.
    """
    email = email.strip().lower()
    if address_throttled(address):
        return True
    here = recent_failures(LoginFailure.email == email, LoginFailure.address == address,
                           LoginFailure.kind == FailureKind.PASSWORD)
    if here == 0:
        return False
    if here >= current_app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]:
        return True
    wait_until = account_next_attempt_at(email)
    return wait_until is not None and utcnow() < wait_until


def authenticate(email: str, password: str, address: str) -> User | None:
    """Return the user for the right password; count and audit a failure otherwise.

    The failure stays in the audit trail; only this address's throttling rows for the
    account are forgiven by a success.
    """
    email = email.strip().lower()
    user = db.session.scalar(sa.select(User).where(User.email == email))
    ok = check_password_hash(
        user.password_hash if user and user.password_hash
        else _dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password
    )
    if user is None or not user.password_hash or not ok or not user.active:
        db.session.add(LoginFailure(email=email, address=address, kind=FailureKind.PASSWORD))
        # The audit line leaves out the typed email: it may be someone else's, or any text.
        record("auth.login_failed", user, "password" if user else "unknown account",
               object_type="User", actor=None)
        return None
    db.session.execute(sa.delete(LoginFailure).where(
        LoginFailure.email == email, LoginFailure.address == address,
        LoginFailure.kind == FailureKind.PASSWORD))
    return user


# Tables whose rows hold attacker-chosen values (emails, addresses) and mean something only
# within a window: (model with `id` and `at`, config key of the window in minutes). Limits
# that need no history across restarts count without a table (ratelimit).
_LEDGERS: list[tuple[type, str]] = [(LoginFailure, "LOGIN_FAILURE_WINDOW_MINUTES")]


def purge_ledgers(now: datetime | None = None) -> int:
    """Delete ledger rows older than their window, then the oldest beyond LEDGER_MAX_ROWS in
    each table; return how many went."""
    config = current_app.config
    now = now or utcnow()
    deleted = 0
    for model, window_key in _LEDGERS:
        cutoff = now - timedelta(minutes=config[window_key])
        deleted += db.session.execute(sa.delete(model).where(model.at < cutoff)).rowcount
        oldest_kept = db.session.scalar(
            sa.select(model.id).order_by(model.id.desc())
            .offset(config["LEDGER_MAX_ROWS"] - 1).limit(1))
        if oldest_kept is not None:
            deleted += db.session.execute(sa.delete(model).where(model.id < oldest_kept)).rowcount
    return deleted


@periodic_job("auth.purge_ledgers", crontab(minute="*/15"))
def purge_ledgers_job() -> int:
    """Purge the throttling ledgers every quarter of an hour."""
    deleted = purge_ledgers()
    db.session.commit()
    log.info("Purged %d old throttling row(s)", deleted)
    return deleted


def email_taken(email: str, except_id: int | None = None) -> bool:
    """Tell whether another account already uses this email (compared lower-cased)."""
    query = sa.select(User.id).where(User.email == email.strip().lower())
    if except_id:
        query = query.where(User.id != except_id)
    return db.session.scalar(query) is not None


def create_user(*, email: str, full_name: str, role: Role, created_by: User,
                school_id: int | None = None) -> User:
    """Create an account without a password; the caller hands out a password link."""
    user = User(email=email.strip().lower(), full_name=full_name.strip(), role=role,
                school_id=school_id if role == Role.SCHOOL else None)
    db.session.add(user)
    db.session.flush()
    record("user.create", user, f"role={role.value}", actor=created_by)
    return user


def deactivate_user(user: User, by: User) -> None:
    """Stop an account from logging in and end its sessions at once."""
    user.active = False
    user.end_sessions()
    record("user.deactivate", user, actor=by)


def reactivate_user(user: User, by: User) -> None:
    """Let a deactivated account log in again."""
    user.active = True
    record("user.reactivate", user, actor=by)
