"""Create, find, use and revoke personal API tokens. Functions flush; the view commits."""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

import sqlalchemy as sa
from flask import abort

from ..audit.services import record
from ..auth.models import User
from ..extensions import db
from ..timeutil import utcnow
from .models import ApiToken, Scope

# Recognisable in a leaked file or a secret scanner, and told apart from a calendar feed's.
PREFIX = "yag_"
# last_used_at is kept to the minute: a write per request would double the API's cost.
TOUCH_EVERY = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    """Return the hex SHA-256 stored for a secret (a random 256-bit secret needs no salt)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user: User, name: str, scopes: Iterable[Scope], by: User) -> tuple[ApiToken, str]:
    """Make a token for `user` and return it with its secret, which is never shown again."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip(), created_by=by, token_hash=hash_secret(secret),
                     scopes=" ".join(sorted(Scope(scope).value for scope in scopes)))
    db.session.add(token)
    db.session.flush()
    # On the account, which the audit page links to; the token is named by its id.
    record("api_token.create", user, f"token {token.id} ({token.scopes})")
    return token, secret


def revoke_token(token: ApiToken) -> None:
    """Refuse the token from now on (revoking twice changes nothing)."""
    if token.is_revoked:
        return
    token.revoked_at = utcnow()
    record("api_token.revoke", token.user, f"token {token.id}")


def find_active(secret: str) -> ApiToken | None:
    """Return the unrevoked token of an active account whose secret this is, else None."""
    if not secret.startswith(PREFIX):
        return None
    token = db.session.scalar(sa.select(ApiToken).where(
        ApiToken.token_hash == hash_secret(secret), ApiToken.revoked_at.is_(None)))
    if token is None or not token.user.active:
        return None
    return token


def touch(token: ApiToken) -> bool:
    """Note that the token was used now, unless it already was this minute; True if noted."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return False
    token.last_used_at = now
    return True


def tokens_of(user: User) -> list[ApiToken]:
    """Return the account's tokens, the newest first, revoked ones included."""
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def get_user_or_404(user_id: int, *, for_user: User) -> User:
    """Fetch an account whose tokens `for_user` may manage (User.can_manage), else 404/403."""
    user = db.get_or_404(User, user_id)
    if not for_user.can_manage(user):
        abort(403)
    return user


def get_token_or_404(token_id: int, *, for_user: User) -> ApiToken:
    """Fetch a token of an account `for_user` may manage (User.can_manage), else 404/403."""
    token = db.get_or_404(ApiToken, token_id)
    if not for_user.can_manage(token.user):
        abort(403)
    return token
