"""Calendar feeds: one secret, revocable URL per user, listing what their role follows."""
from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..audit.services import record
from ..auth.models import Role, User
from ..auth.services import token_hash
from ..extensions import db
from ..speakers.models import Speaker
from ..timeutil import utcnow
from ..urls import absolute_url
from .models import CalendarFeed, Workshop, WorkshopStatus

FEED_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.SCHOOL, Role.SPEAKER)
FEED_HISTORY = timedelta(days=180)
FEED_LIMIT = 1000


def _live() -> sa.ColumnElement[bool]:
    """The condition on a feed (joined to its owner) that it still works: not revoked, made
    since the owner last set a password, and the owner active in a role that has feeds."""
    return sa.and_(CalendarFeed.revoked_at.is_(None), User.active.is_(True),
                   User.role.in_(FEED_ROLES),
                   sa.or_(User.password_changed_at.is_(None),
                          CalendarFeed.created_at >= User.password_changed_at))


def current_feed(user: User) -> CalendarFeed | None:
    """Return the user's working feed, if they made one."""
    return db.session.scalar(sa.select(CalendarFeed).join(CalendarFeed.user)
                             .where(CalendarFeed.user_id == user.id, _live())
                             .order_by(CalendarFeed.id.desc()).limit(1))


def regenerate_feed(user: User) -> str:
    """Revoke the user's feed URLs and issue a new one; return its URL, which only its owner
    sees, once: only the token's hash is kept."""
    now = utcnow()
    db.session.execute(sa.update(CalendarFeed)
                       .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
                       .values(revoked_at=now))
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(user_id=user.id, token_hash=token_hash(token), created_at=now)
    db.session.add(feed)
    db.session.flush()
    record("calendar_feed.regenerate", feed, f"user {user.id}")
    return absolute_url("workshops.feed", feed_token=token)


def feed_for_token(token: str) -> CalendarFeed | None:
    """Return the working feed with this token, or None."""
    return db.session.scalar(sa.select(CalendarFeed).join(CalendarFeed.user)
                             .options(so.contains_eager(CalendarFeed.user))
                             .where(CalendarFeed.token_hash == token_hash(token), _live()))


def feed_workshops(user: User) -> list[Workshop]:
    """Return what a user's feed lists: a speaker's, a school's or a coordinator's workshops."""
    query = (sa.select(Workshop)
             .options(so.joinedload(Workshop.venue), so.selectinload(Workshop.speakers))
             .where(Workshop.status != WorkshopStatus.DRAFT,
                    Workshop.ends_at >= utcnow() - FEED_HISTORY)
             .order_by(Workshop.starts_at).limit(FEED_LIMIT))
    if user.role == Role.SPEAKER:
        speaker_id = user.speaker.id if user.speaker else -1
        query = query.where(Workshop.speakers.any(Speaker.id == speaker_id))
    elif user.role == Role.SCHOOL:
        query = query.where(Workshop.venue_id == (user.school_id or -1))
    else:
        query = query.where(Workshop.created_by_id == user.id)
    return list(db.session.scalars(query))
