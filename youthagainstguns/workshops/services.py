"""Workshop operations. Functions change and flush; the view commits once."""
from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, current_app, url_for

from ..audit.services import record
from ..auth.models import Role, User
from ..extensions import db
from ..schools.models import School
from ..speakers.models import Speaker
from ..timeutil import lima_day_bounds, utcnow
from .conflicts import Conflict
from .models import (
    AttendanceStatus,
    CalendarFeed,
    ConflictAcknowledgement,
    RosterEntry,
    Student,
    Workshop,
    WorkshopStatus,
    workshop_speakers,
)
from .roster_import import PlannedRow, RosterRow

NEEDS = {
    "view": Workshop.can_view,
    "edit": Workshop.can_edit,
    "roster": Workshop.can_manage_roster,
    "attendance": Workshop.can_take_attendance,
    "documents": Workshop.can_view_documents,
}


def get_workshop_or_404(workshop_id: int, for_user: User, need: str = "view",
                        options: Sequence = ()) -> Workshop:
    """Fetch a workshop, 404 if missing, 403 if `for_user` lacks the right named by `need`."""
    workshop = db.session.get(Workshop, workshop_id, options=options)
    if workshop is None:
        abort(404)
    if not NEEDS[need](workshop, for_user):
        abort(403)
    return workshop


@dataclass
class WorkshopFilter:
    """What a list or calendar is narrowed to; None means any."""

    district: str | None = None
    school_id: int | None = None
    speaker_id: int | None = None
    status: WorkshopStatus | None = None
    date_from: date | None = None
    date_to: date | None = None


def workshops_query(user: User, filters: WorkshopFilter) -> sa.Select:
    """Select the workshops `user` may see, narrowed by `filters`, venue and speakers eager."""
    query = sa.select(Workshop).options(so.joinedload(Workshop.venue),
                                        so.selectinload(Workshop.speakers))
    if not user.is_staff:
        query = query.where(Workshop.venue_id == (user.school_id or -1))
    if filters.district:
        query = query.where(Workshop.venue.has(School.district == filters.district))
    if filters.school_id:
        query = query.where(Workshop.venue_id == filters.school_id)
    if filters.speaker_id:
        query = query.where(Workshop.speakers.any(Speaker.id == filters.speaker_id))
    if filters.status:
        query = query.where(Workshop.status == filters.status)
    if filters.date_from:
        query = query.where(Workshop.starts_at >= lima_day_bounds(filters.date_from)[0])
    if filters.date_to:
        query = query.where(Workshop.starts_at < lima_day_bounds(filters.date_to)[1])
    return query


@dataclass
class WorkshopData:
    """The editable facts of a workshop, as validated by the form."""

    title: str
    topic: str
    venue: School
    starts_at: datetime
    ends_at: datetime
    capacity: int
    speakers: list[Speaker]
    target_grades: str
    notes: str


def create_workshop(data: WorkshopData, by: User) -> Workshop:
    """Add a draft workshop."""
    workshop = Workshop(created_by_id=by.id, status=WorkshopStatus.DRAFT)
    _apply(workshop, data)
    db.session.add(workshop)
    db.session.flush()
    record("workshop.create", workshop, f"venue {data.venue.id}")
    return workshop


def update_workshop(workshop: Workshop, data: WorkshopData) -> None:
    """Change a workshop's facts; the version check refuses a stale edit at flush."""
    _apply(workshop, data)
    db.session.flush()
    record("workshop.update", workshop, f"venue {data.venue.id}")


def _apply(workshop: Workshop, data: WorkshopData) -> None:
    for name in ("title", "topic", "venue", "starts_at", "ends_at", "capacity", "speakers",
                 "target_grades", "notes"):
        setattr(workshop, name, getattr(data, name))


def acknowledged_keys(workshop_id: int | None) -> set[str]:
    """Return the keys of the conflicts already acknowledged for a workshop."""
    if workshop_id is None:
        return set()
    return set(db.session.scalars(sa.select(ConflictAcknowledgement.key).where(
        ConflictAcknowledgement.workshop_id == workshop_id)))


def acknowledge(workshop: Workshop, conflicts: Iterable[Conflict], reason: str, by: User) -> None:
    """Keep the soft conflicts the coordinator accepted, with their reason."""
    known = acknowledged_keys(workshop.id)
    for conflict in conflicts:
        if conflict.hard or conflict.key in known:
            continue
        db.session.add(ConflictAcknowledgement(
            workshop_id=workshop.id, kind=conflict.kind, key=conflict.key,
            detail=conflict.message[:300], reason=reason.strip()[:300], by_id=by.id))
        record("workshop.conflict_acknowledged", workshop, conflict.key)
    db.session.flush()


def transition(workshop: Workshop, action: str, reason: str = "") -> None:
    """Move a workshop through a guarded transition; raises WorkshopStateError if illegal."""
    old = workshop.status
    if action == "cancel":
        workshop.cancel(reason)
    else:
        getattr(workshop, action)()
    db.session.flush()
    record(f"workshop.{action}", workshop, f"{old} -> {workshop.status}")


# Seats -------------------------------------------------------------------------------------

def take_seats(workshop: Workshop, n: int) -> bool:
    """Reserve n seats with one conditional UPDATE; False (nothing changed) if they don't fit.

    A raw UPDATE leaves version_id alone on purpose: roster changes must not invalidate a
    coordinator's open edit form.
    """
    if n <= 0:
        return True
    db.session.flush()
    table = Workshop.__table__
    result = db.session.execute(
        table.update()
        .where(table.c.id == workshop.id, table.c.seats_taken + n <= table.c.capacity)
        .values(seats_taken=table.c.seats_taken + n))
    db.session.expire(workshop, ["seats_taken"])
    return result.rowcount == 1


def release_seats(workshop: Workshop, n: int) -> None:
    """Give back n seats."""
    db.session.flush()
    table = Workshop.__table__
    db.session.execute(table.update()
                       .where(table.c.id == workshop.id, table.c.seats_taken >= n)
                       .values(seats_taken=table.c.seats_taken - n))
    db.session.expire(workshop, ["seats_taken"])


def raise_capacity(workshop: Workshop, needed_seats: int) -> None:
    """Make room for `needed_seats` more students (an acknowledged capacity conflict)."""
    workshop.capacity = max(workshop.capacity, workshop.seats_taken + needed_seats)
    db.session.flush()


# Roster ------------------------------------------------------------------------------------

def add_to_roster(workshop: Workshop, planned: Iterable[PlannedRow], *,
                  walk_in_by: User | None = None) -> list[RosterEntry]:
    """Create the students and roster lines that `planned` adds (seats already taken).

    A walk-in is marked present by `walk_in_by` at once.
    """
    adding = [p for p in planned if p.adds_entry]
    position = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(RosterEntry.position), 0))
                                 .where(RosterEntry.workshop_id == workshop.id))
    new_students = {id(p): _student(workshop.venue_id, p.row) for p in adding if not p.student_id}
    db.session.add_all(new_students.values())
    db.session.flush()
    entries = []
    for offset, item in enumerate(adding, start=1):
        student_id = item.student_id or new_students[id(item)].id
        entry = RosterEntry(workshop_id=workshop.id, student_id=student_id,
                            position=position + offset)
        if walk_in_by is not None:
            entry.walk_in = True
            _mark(entry, AttendanceStatus.PRESENT, walk_in_by, utcnow())
        entries.append(entry)
    db.session.add_all(entries)
    db.session.flush()
    return entries


def _student(school_id: int, row: RosterRow) -> Student:
    return Student(school_id=school_id, first_name=row.first_name, last_names=row.last_names,
                   grade=row.grade, section=row.section, student_code=row.code or None)


def remove_entry(workshop: Workshop, entry: RosterEntry) -> None:
    """Take a student off the roster and free their seat."""
    db.session.delete(entry)
    release_seats(workshop, 1)
    record("roster.remove", workshop, f"entry {entry.id}, student {entry.student_id}")


# Attendance --------------------------------------------------------------------------------

def _mark(entry: RosterEntry, status: AttendanceStatus, by: User, at: datetime) -> None:
    entry.status = status
    entry.marked_by_id = by.id
    entry.marked_at = at


def save_attendance(workshop: Workshop, marks: dict[int, AttendanceStatus], by: User) -> int:
    """Record the marks that changed; after closing, audit each change old → new."""
    now, changed = utcnow(), 0
    closed = workshop.status == WorkshopStatus.CLOSED
    for entry in workshop.roster:
        new = marks.get(entry.id)
        if new is None or new == entry.status:
            continue
        if closed:
            record("attendance.change_after_close", entry,
                   f"workshop {workshop.id}, entry {entry.id}: "
                   f"{entry.status.value if entry.status else '-'} -> {new.value}")
        _mark(entry, new, by, now)
        changed += 1
    if changed:
        db.session.flush()
        record("attendance.save", workshop, f"{changed} marks")
    return changed


def attendance_summary(roster: Iterable[RosterEntry]) -> dict[str, int]:
    """Count roster lines per attendance status ('unmarked' for none yet)."""
    counts = {s.value: 0 for s in AttendanceStatus} | {"unmarked": 0}
    for entry in roster:
        counts[entry.status.value if entry.status else "unmarked"] += 1
    return counts


# Speakers' own view ------------------------------------------------------------------------

def speaker_workshops(speaker: Speaker, upcoming: bool, limit: int = 100) -> list[Workshop]:
    """Return a speaker's confirmed workshops, upcoming (soonest first) or past (latest first)."""
    now = utcnow()
    query = (sa.select(Workshop)
             .options(so.joinedload(Workshop.venue), so.selectinload(Workshop.speakers))
             .join(workshop_speakers, workshop_speakers.c.workshop_id == Workshop.id)
             .where(workshop_speakers.c.speaker_id == speaker.id,
                    Workshop.status != WorkshopStatus.DRAFT)
             .limit(limit))
    if upcoming:
        query = query.where(Workshop.ends_at >= now).order_by(Workshop.starts_at)
    else:
        query = query.where(Workshop.ends_at < now).order_by(Workshop.starts_at.desc())
    return list(db.session.scalars(query))


def venue_contacts(venue_ids: Iterable[int]) -> dict[int, list[User]]:
    """Return each venue's active school contacts, in one query."""
    contacts: dict[int, list[User]] = {}
    users = db.session.scalars(sa.select(User).where(
        User.school_id.in_(set(venue_ids)), User.role == Role.SCHOOL, User.active.is_(True))
        .order_by(User.full_name))
    for user in users:
        contacts.setdefault(user.school_id, []).append(user)
    return contacts


# Calendar feeds ----------------------------------------------------------------------------

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
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for("workshops.feed", feed_token=feed.token)


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
