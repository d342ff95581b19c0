"""Flask-Login wiring: session ids carry a per-user token so logout really ends a session.

A login with a second step is "pending" between the password and the code: the session then
holds only who gave the right password and when, not a login.
"""
import time

import sqlalchemy as sa
from flask import Flask, current_app, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, login_user

from ..audit.services import record
from ..extensions import db
from ..timeutil import utcnow
from .models import User

_PENDING = "two_step_pending"


def load_user(session_id: str) -> User | None:
    """Return the user only if the cookie's token is still the user's current one."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    return db.session.scalar(
        sa.select(User).where(User.id == int(user_id), User.session_token == token)
    )


def init_login_manager(app: Flask, manager: LoginManager) -> None:
    """Configure login redirects and the user loader."""
    manager.init_app(app)
    manager.login_view = "auth.login"
    manager.login_message = _l("Please log in to see this page.")
    manager.login_message_category = "info"
    manager.session_protection = "basic"
    manager.user_loader(load_user)


def start_session(user: User, method: str) -> None:
    """Log `user` in on a fresh session and audit the login (`method`: how they proved it)."""
    session.clear()
    login_user(user)
    user.last_login_at = utcnow()
    record("auth.login", user, method, actor=user)


def begin_two_step(user: User, next_url: str | None) -> None:
    """Remember, on a fresh session, that `user` gave the right password and waits for a code."""
    session.clear()
    session[_PENDING] = {"id": user.get_id(), "at": int(time.time()), "next": next_url}


def pending_login() -> tuple[User, str | None] | None:
    """Return the user waiting at the second step and where to go next, if still in time.

    The session token is part of what is remembered: a password change or a reset of the
    second step in between voids the pending login.
    """
    pending = session.get(_PENDING)
    if not isinstance(pending, dict):
        return None
    if time.time() - pending.get("at", 0) > current_app.config["TWO_STEP_PENDING_SECONDS"]:
        return None
    user = load_user(str(pending.get("id", "")))
    if user is None or not user.active or not user.two_step_enabled:
        return None
    return user, pending.get("next")
