"""What the API's lists select, built on the areas' own visibility rules, and their pages.

Every list answers a bounded page and an opaque cursor for the next. Workshops page by
(starts_at, id), so a workshop added meanwhile neither repeats nor skips one; the other lists
(small, or ordered as their pages order them) page by position.
"""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import wraps
from typing import NoReturn

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import abort
from werkzeug.exceptions import Forbidden

from ..auth.models import Role, User
from ..extensions import db
from ..workshops.models import Workshop
from ..workshops.services import (
    WorkshopFilter,
    get_workshop_or_404,
    workshops_query,
)
from .auth import check_session_write
from .schemas import MAX_ID


def _refuse_cursor() -> NoReturn:
    abort(422, errors={"cursor": [_("This cursor is not one this API gave.")]})


def encode_cursor(values: Sequence) -> str:
    """Return an opaque cursor for the position after `values`."""
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, length: int) -> list:
    """Return the values of a cursor from `encode_cursor`; 422 for anything else."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != length:
        _refuse_cursor()
    return values


def offset_page(query: sa.Select, cursor: str | None, limit: int) -> dict:
    """Return a page of `query` (ordered by its caller) after the cursor's position."""
    offset = 0
    if cursor:
        offset, = decode_cursor(cursor, 1)
        if not isinstance(offset, int) or not 0 <= offset <= MAX_ID:
            _refuse_cursor()
    rows = list(db.session.scalars(query.offset(offset).limit(limit + 1)))
    more = len(rows) > limit
    return {"items": rows[:limit], "next_cursor": encode_cursor([offset + limit]) if more
            else None}


def visible_workshop(workshop_id: int, user: User, need: str = "view") -> Workshop:
    """Fetch a workshop `user` may use for `need` (a speaker: one of their schedule), else
    404: the API does not tell a foreign record from a missing one."""
    if user.role == Role.SPEAKER and need == "view":
        workshop = db.session.scalar(workshops_query(user, WorkshopFilter())
                                     .where(Workshop.id == workshop_id))
        if workshop is None:
            abort(404)
        return workshop
    try:
        return get_workshop_or_404(workshop_id, for_user=user, need=need)
    except Forbidden:
        abort(404)


def commits_after_answering(view: Callable) -> Callable:
    """Commit what the view recorded (its audit line) once its answer is written, not before:
    the answer reads the records the view loaded, which a commit would expire, each then
    reloaded on its own (two statements per roster line)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        answer = view(*args, **kwargs)
        db.session.commit()
        return answer

    return wrapped


def loads_workshop(need: str) -> Callable:
    """Call the view with `workshop` (from `workshop_id`) once `visible_workshop` lets the
    user at it, and for a session's write once its CSRF header holds: load and check before
    the body is read."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, workshop_id: int, **kwargs):
            workshop = visible_workshop(workshop_id, current_user, need=need)
            check_session_write()
            return view(*args, workshop=workshop, **kwargs)

        return wrapped

    return decorator


def workshops_page(user: User, filters: WorkshopFilter, cursor: str | None,
                   limit: int) -> dict:
    """Return a page of the workshops `user` may see that match `filters`, soonest first."""
    query = workshops_query(user, filters).order_by(Workshop.starts_at, Workshop.id)
    if cursor:
        starts, last_id = decode_cursor(cursor, 2)
        try:
            after = datetime.fromisoformat(starts).astimezone(UTC)
        except (TypeError, ValueError, OverflowError):
            _refuse_cursor()
        if not isinstance(last_id, int) or not 0 < last_id <= MAX_ID:
            _refuse_cursor()
        query = query.where(sa.tuple_(Workshop.starts_at, Workshop.id) > (after, last_id))
    rows = list(db.session.scalars(query.limit(limit + 1)).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": rows, "next_cursor": encode_cursor(
        [rows[-1].starts_at.isoformat(), rows[-1].id]) if more else None}
