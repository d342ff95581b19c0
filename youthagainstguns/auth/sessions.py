"""Flask-Login wiring: session ids carry a per-user token so logout really ends a session."""
import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from ..extensions import db
from .models import User


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
