"""Calendar feeds: one secret, revocable URL per user, listing what their role follows."""
from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..audit.services import record
from ..auth.models import Role, User
from ..extensions import db
from ..speakers.models import Speaker
from ..timeutil import utcnow
from ..urls import absolute_url
from .models import CalendarFeed, Workshop, WorkshopStatus

FEED_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.SCHOOL, Role.SPEAKER)
FEED_HISTORY = timedelta(days=180)
FEED_LIMIT = 1000


def current_feed(user: User) -> CalendarFeed | None:
    """Return the user's active feed, if they made one."""
    return db.session.scalar(sa.select(CalendarFeed).where(
        CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.id.desc()).limit(1))


def feed_url(feed: CalendarFeed | None) -> str | None:
    """Return the absolute, secret URL of a feed, at the public address."""
    if feed is None:
        return None
    return absolute_url("workshops.feed", feed_token=feed.token)


def regenerate_feed(user: User) -> CalendarFeed:
    """Revoke the user's feed URLs and issue a new secret one."""
    now = utcnow()
    db.session.execute(sa.update(CalendarFeed)
                       .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
                       .values(revoked_at=now))
    feed = CalendarFeed(user_id=user.id, token=secrets.token_urlsafe(32))
    db.session.add(feed)
    db.session.flush()
    record("calendar_feed.regenerate", feed, f"user {user.id}")
    return feed


def feed_for_token(token: str) -> CalendarFeed | None:
    """Return the active feed with this token whose owner may still have one."""
    feed = db.session.scalar(sa.select(CalendarFeed).options(so.joinedload(CalendarFeed.user))
                             .where(CalendarFeed.token == token,
                                    CalendarFeed.revoked_at.is_(None)))
    if feed is None or not feed.user.active or feed.user.role not in FEED_ROLES:
        return None
    return feed


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
