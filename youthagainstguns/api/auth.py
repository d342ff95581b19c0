"""Who an API request is: a personal token (Authorization: Bearer yag_…) for this request
only, or the logged-in session (reads; writes with the CSRF token in X-CSRFToken); and the
gates each route asks for: a scope and roles. Which record is decided by the areas' own rules.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from http import HTTPStatus

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import abort
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from .. import ratelimit
from ..auth.models import Role
from ..extensions import db
from . import tokens
from .blueprint import blp
from .models import ApiToken, Scope

DOCUMENTED_ERRORS = (401, 403, 404, 429)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WINDOW_SECONDS = 60


def current_token() -> ApiToken | None:
    """Return the token the request came with (None for a session or an anonymous one)."""
    return g.get("api_token")


@blp.before_request
def authenticate():
    """Take the token's account as the request's user, never writing a session; count the
    request against the token's (or the address's) limit."""
    g.api_token = None
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, secret = header.partition(" ")
        token = tokens.find_active(secret.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            abort(401)
        g.api_token = token
        g._login_user = token.user  # Flask-Login's current_user, for this request only
        if tokens.touch(token):
            db.session.commit()
    key = f"token:{g.api_token.id}" if g.api_token else f"address:{request.remote_addr or '-'}"
    limit = current_app.config["API_RATE_LIMIT_PER_MINUTE"]
    if not ratelimit.allow("api", key, limit=limit, window_seconds=WINDOW_SECONDS):
        abort(429, headers={"Retry-After": str(WINDOW_SECONDS)})


def requires(scope: Scope, *roles: Role) -> Callable:
    """Let in a token holding `scope`, or a logged-in session (a write then also calls
    `check_session_write`); then only accounts holding one of `roles` (any when none)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            token = current_token()
            if token is not None and scope not in token.scope_set:
                abort(403, detail=_missing_scope(scope))
            if roles and not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        # What the gates (and the area's fetch: 404) may answer, in the document; 422 comes
        # with the arguments, and nothing else may be answered.
        for status in (*DOCUMENTED_ERRORS, *((400,) if scope == Scope.ATTENDANCE_WRITE else ())):
            wrapped = blp.alt_response(status, response=HTTPStatus(status).name)(wrapped)
        return wrapped

    return decorator


def _missing_scope(scope: Scope) -> str:
    return _("The token lacks the scope “%(scope)s”.", scope=scope.value)


def check_session_write() -> None:
    """Before a write: with the session cookie (not a token), the request must prove it
    comes from our page with the CSRF token in X-CSRFToken; 400 otherwise. Called once the
    record is loaded and its access checked, so a foreign record is a 404 either way."""
    if current_token() is not None or request.method in SAFE_METHODS:
        return
    try:
        validate_csrf(request.headers.get("X-CSRFToken"))
    except (ValidationError, CSRFError):
        abort(400, detail=_("Send the page's CSRF token in the X-CSRFToken header."))
