"""Coarse access gates, named for what they require. Which-record rules live on the models."""
from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .models import STAFF_ROLES, Role


def role_required(*roles: Role) -> Callable:
    """Let in only logged-in users holding one of `roles`: anonymous → login, others → 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = role_required(*STAFF_ROLES)
