"""Workshop operations. Functions change and flush; the view commits once."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination

from ..audit.services import record
from ..auth.models import Role, User
from ..extensions import db
from ..listing import Sort, SortOffer, contains_word, ranked, search_words
from ..schools.models import School
from ..speakers.models import Speaker
from ..timeutil import lima_day_bounds, utcnow
from .conflicts import Conflict, Proposal, acknowledge, capacity_conflict, hard_conflicts
from .models import (
    AttendanceStatus,
    ConflictAcknowledgement,
    RosterEntry,
    Student,
    Workshop,
    WorkshopStateError,
    WorkshopStatus,
    pupils_visible_to,
    workshop_speakers,
)
from .roster_import import PlannedRow, RosterRow, plan

# Need → (the rule, what the pages asking for it read of the workshop, loaded with it).
# "view" is the workshop page: facts, speakers, accepted warnings; its roster counts come
# from `roster_counts`, the page of students a user may see from `roster_page`.
NEEDS: dict[str, tuple[Callable[[Workshop, User], bool], Sequence]] = {
    "view": (Workshop.can_view, (
        so.joinedload(Workshop.venue), so.selectinload(Workshop.speakers),
        so.selectinload(Workshop.acknowledgements).joinedload(ConflictAcknowledgement.by))),
    "edit": (Workshop.can_edit, ()),
    "roster": (Workshop.can_manage_roster, ()),
    "attendance": (Workshop.can_take_attendance, (so.joinedload(Workshop.venue),)),
    "documents": (Workshop.can_view_documents, ()),
}


def get_workshop_or_404(workshop_id: int, *, for_user: User, need: str = "view") -> Workshop:
    """Fetch a workshop, 404 if missing, 403 if `for_user` lacks the right named by `need`."""
    allowed, options = NEEDS[need]
    workshop = db.session.get(Workshop, workshop_id, options=options)
    if workshop is None:
        abort(404)
    if not allowed(workshop, for_user):
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
    q: str | None = None  # words in the title, topic, venue's name or a speaker's alias


# The list's columns a coordinator or school may sort by; the latest workshop first by default.
WORKSHOP_SORTS = SortOffer(
    {"date": (Workshop.starts_at,), "title": (Workshop.title,),
     "venue": (sa.select(School.name).where(School.id == Workshop.venue_id).scalar_subquery(),),
     "students": (Workshop.seats_taken,), "status": (ranked(Workshop.status, WorkshopStatus),)},
    default="date", tiebreak=Workshop.id, descending_first=frozenset({"date", "students"}))


def workshops_query(user: User, filters: WorkshopFilter) -> sa.Select:
    """Select the workshops `user` may see, narrowed by `filters`, venue and speakers eager."""
    return _narrowed(sa.select(Workshop).options(so.joinedload(Workshop.venue),
                                                 so.selectinload(Workshop.speakers)),
                     user, filters)


def workshops_page(user: User, filters: WorkshopFilter, per_page: int,
                   sort: Sort | None = None) -> Pagination:
    """Return the request's page of the list in `sort`'s order (latest first by default). The
    ids are paged first (an index-only walk, however deep the page), then only that page's
    workshops are loaded."""
    sort = sort or WORKSHOP_SORTS.chosen({})
    page = db.paginate(_narrowed(sa.select(Workshop.id), user, filters)
                       .order_by(*sort.order_by()), per_page=per_page, error_out=False)
    loaded = {workshop.id: workshop for workshop in db.session.scalars(
        workshops_query(user, WorkshopFilter()).where(Workshop.id.in_(page.items)))}
    page.items = [loaded[workshop_id] for workshop_id in page.items]
    return page


def _narrowed(query: sa.Select, user: User, filters: WorkshopFilter) -> sa.Select:
    """Keep, in a select over workshops, those `user` may see that match `filters`."""
    if user.role == Role.SPEAKER:
        query = query.where(speaker_schedule(user.speaker.id if user.speaker else -1))
    elif not user.is_staff:
        query = query.where(Workshop.venue_id == (user.school_id or -1))
    # IN (ids) rather than a correlated EXISTS per workshop: the planner then starts from the
    # district's venues or the speaker's workshops, through their indexes.
    if filters.district:
        query = query.where(Workshop.venue_id.in_(
            sa.select(School.id).where(School.district == filters.district)))
    if filters.school_id:
        query = query.where(Workshop.venue_id == filters.school_id)
    if filters.speaker_id:
        query = query.where(Workshop.id.in_(
            sa.select(workshop_speakers.c.workshop_id)
            .where(workshop_speakers.c.speaker_id == filters.speaker_id)))
    if filters.status:
        query = query.where(Workshop.status == filters.status)
    if filters.date_from:
        query = query.where(Workshop.starts_at >= lima_day_bounds(filters.date_from)[0])
    if filters.date_to:
        query = query.where(Workshop.starts_at < lima_day_bounds(filters.date_to)[1])
    return query.where(*text_conditions(filters.q))


def text_conditions(q: str | None) -> list[sa.ColumnElement[bool]]:
    """Return the conditions on Workshop that every word of `q` is in its title, topic, venue's
    name or a speaker's alias (never a legal name)."""
    return [sa.or_(
        contains_word(word, Workshop.title, Workshop.topic),
        Workshop.venue_id.in_(sa.select(School.id).where(contains_word(word, School.name))),
        Workshop.id.in_(sa.select(workshop_speakers.c.workshop_id).join(Speaker).where(
            contains_word(word, Speaker.alias))),
    ) for word in search_words(q)]


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
    guardians_informed: bool = False

    def proposal(self, workshop: Workshop | None) -> Proposal:
        """Return these facts as a proposal to check for conflicts."""
        return Proposal(self.venue, self.starts_at, self.ends_at, self.speakers,
                        workshop.id if workshop else None)


def save_workshop(workshop: Workshop | None, data: WorkshopData, accepted: Iterable[Conflict],
                  reason: str, by: User) -> Workshop:
    """Add a draft workshop (`workshop` None) or change one's facts, keeping the warnings
    accepted with their reason. The version check refuses a stale edit at flush."""
    created = workshop is None
    if created:
        workshop = Workshop(created_by_id=by.id, status=WorkshopStatus.DRAFT)
    for name in ("title", "topic", "venue", "starts_at", "ends_at", "capacity", "speakers",
                 "target_grades", "notes", "guardians_informed"):
        setattr(workshop, name, getattr(data, name))
    db.session.add(workshop)
    db.session.flush()
    record("workshop.create" if created else "workshop.update", workshop,
           f"venue {data.venue.id}")
    acknowledge(workshop, accepted, reason, by)
    return workshop


def transition(workshop: Workshop, action: str, reason: str = "") -> None:
    """Move a workshop through a guarded transition; raise WorkshopStateError if illegal.

    A draft is scheduled only while no hard conflict stands: one may have appeared since it
    was saved (a speaker's vetting lapsed, another booking).
    """
    if action == "schedule":
        blocking = hard_conflicts(Proposal.of(workshop))
        if blocking:
            raise WorkshopStateError(*(c.message for c in blocking))
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
            mark_entry(entry, AttendanceStatus.PRESENT, walk_in_by, utcnow())
        entries.append(entry)
    db.session.add_all(entries)
    db.session.flush()
    return entries


def _student(school_id: int, row: RosterRow) -> Student:
    return Student(school_id=school_id, first_name=row.first_name, last_names=row.last_names,
                   grade=row.grade, section=row.section, student_code=row.code or None)


class RosterError(ValueError):
    """A student who cannot join the roster; the message is for the person adding them."""


class NotEnoughSeats(Exception):
    """An import that does not fit, and the capacity was not raised."""

    def __init__(self, adding: int):
        super().__init__(adding)
        self.adding = adding


@dataclass(frozen=True)
class RosterPreview:
    """What importing rows will do: each row's fate, how many join, any capacity warning."""

    planned: list[PlannedRow]
    adding: int
    conflict: Conflict | None


def preview_import(workshop: Workshop, rows: Iterable[RosterRow]) -> RosterPreview:
    """Match the rows against the school's students and the roster; change nothing."""
    planned = plan(rows, workshop.venue_id, workshop.id)
    adding = sum(p.adds_entry for p in planned)
    return RosterPreview(planned, adding,
                         capacity_conflict(workshop.seats_taken + adding, workshop.capacity))


def import_roster(workshop: Workshop, rows: Iterable[RosterRow], by: User,
                  capacity_reason: str = "") -> int:
    """Add the rows not yet on the roster, all or nothing; return how many were added.

    Past capacity only staff may go, accepting the capacity warning with `capacity_reason`;
    otherwise raise NotEnoughSeats, after which the caller rolls back.
    """
    preview = preview_import(workshop, rows)
    if not _take_seats_or_exceed(workshop, preview.adding, by, capacity_reason):
        raise NotEnoughSeats(preview.adding)
    add_to_roster(workshop, preview.planned)
    record("roster.import", workshop,
           f"{preview.adding} added, {len(preview.planned) - preview.adding} skipped")
    return preview.adding


def _take_seats_or_exceed(workshop: Workshop, n: int, by: User, reason: str) -> bool:
    """Take n seats; past capacity only staff may go, accepting the capacity warning with
    `reason` (the capacity is raised to fit and the reason kept). False if refused; after a
    refusal that raised the capacity (a race), the caller rolls back."""
    if take_seats(workshop, n):
        return True
    if not (by.is_staff and reason.strip()):
        return False
    conflict = capacity_conflict(workshop.seats_taken + n, workshop.capacity)
    raise_capacity(workshop, n)
    acknowledge(workshop, [conflict], reason, by)
    return take_seats(workshop, n)


class WorkshopFull(RosterError):
    """No seat is left, and the student was not let in past capacity."""


def add_one_student(workshop: Workshop, row: RosterRow, by: User, *, walk_in: bool,
                    capacity_reason: str = "") -> None:
    """Put one typed student on the roster, a walk-in marked present by `by` at once; staff
    may add them to a full workshop with `capacity_reason`.

    Raise RosterError (WorkshopFull when no seat is left), having changed nothing, if they
    are on it already or it is full.
    """
    planned = plan([row], workshop.venue_id, workshop.id)
    if not planned[0].adds_entry:
        raise RosterError(_("This student is already on the roster."))
    if not _take_seats_or_exceed(workshop, 1, by, capacity_reason):
        raise WorkshopFull(_(
            "The workshop is full (capacity %(n)d). A coordinator can raise the capacity.",
            n=workshop.capacity))
    entry, = add_to_roster(workshop, planned, walk_in_by=by if walk_in else None)
    record("roster.walk_in" if walk_in else "roster.add", workshop,
           f"entry {entry.id}, student {entry.student_id}")


def visible_entries(workshop: Workshop, for_user: User) -> sa.Select:
    """Select this roster's lines `for_user` may see (see `pupils_visible_to`), with their
    students; every page, sheet and sync that reads or marks lines starts from it."""
    return (sa.select(RosterEntry).join(RosterEntry.student)
            .options(so.contains_eager(RosterEntry.student))
            .where(RosterEntry.workshop_id == workshop.id, pupils_visible_to(for_user)))


def roster_entries(workshop: Workshop, for_user: User) -> list[RosterEntry]:
    """Return, in roster order and with their students, the lines `for_user` may see: all
    for staff, only their own school's pupils for a school contact (a host venue too)."""
    return list(db.session.scalars(
        visible_entries(workshop, for_user).order_by(RosterEntry.position, RosterEntry.id)))


def get_entry_or_404(workshop: Workshop, entry_id: int, *, for_user: User) -> RosterEntry:
    """Fetch a line of this workshop's roster that `for_user` may see, else 404."""
    entry = db.session.scalar(visible_entries(workshop, for_user)
                              .where(RosterEntry.id == entry_id))
    if entry is None:
        abort(404)
    return entry


def remove_entry(workshop: Workshop, entry: RosterEntry) -> None:
    """Take a student off the roster and free their seat."""
    db.session.delete(entry)
    release_seats(workshop, 1)
    record("roster.remove", workshop, f"entry {entry.id}, student {entry.student_id}")


# Attendance --------------------------------------------------------------------------------

def mark_entry(entry: RosterEntry, status: AttendanceStatus, by: User, at: datetime) -> None:
    """Set a line's mark, who made it and when (the page's save and a synced batch alike)."""
    entry.status = status
    entry.marked_by_id = by.id
    entry.marked_at = at


def save_attendance(workshop: Workshop, entries: Iterable[RosterEntry],
                    marks: dict[int, AttendanceStatus], by: User) -> int:
    """Record the marks that changed among `entries` (the lines `by` may see, see
    `roster_entries`); after closing, audit each change old → new."""
    now, changed = utcnow(), 0
    closed = workshop.status == WorkshopStatus.CLOSED
    for entry in entries:
        new = marks.get(entry.id)
        if new is None or new == entry.status:
            continue
        if closed:
            record("attendance.change_after_close", entry,
                   f"workshop {workshop.id}, entry {entry.id}: "
                   f"{entry.status.value if entry.status else '-'} -> {new.value}")
        mark_entry(entry, new, by, now)
        changed += 1
    if changed:
        db.session.flush()
        record("attendance.save", workshop, f"{changed} marks")
    return changed


def _summary(counted: Iterable[tuple[AttendanceStatus | None, int]]) -> dict[str, int]:
    counts = {s.value: 0 for s in AttendanceStatus} | {"unmarked": 0}
    for status, n in counted:
        counts[status.value if status else "unmarked"] += n
    return counts


def attendance_summary(roster: Iterable[RosterEntry]) -> dict[str, int]:
    """Count roster lines per attendance status ('unmarked' for none yet)."""
    return _summary((entry.status, 1) for entry in roster)


def roster_counts(workshop: Workshop, for_user: User) -> tuple[dict[str, int], int]:
    """Count the whole roster per attendance status (every school's pupils), and the lines
    `for_user` may see (see `roster_entries`), in one query."""
    rows = db.session.execute(
        sa.select(RosterEntry.status, sa.func.count(),
                  sa.func.count().filter(pupils_visible_to(for_user)))
        .join(RosterEntry.student).where(RosterEntry.workshop_id == workshop.id)
        .group_by(RosterEntry.status)).all()
    return _summary((status, n) for status, n, _seen in rows), sum(seen for *_, seen in rows)


def roster_page(workshop: Workshop, for_user: User, per_page: int, total: int) -> Pagination:
    """Return the request's page of the lines `for_user` may see, in roster order; `total`
    is their number, already counted (`roster_counts`)."""
    found = db.paginate(visible_entries(workshop, for_user).order_by(
        RosterEntry.position, RosterEntry.id), per_page=per_page, error_out=False, count=False)
    found.total = total
    return found


# Calendar ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CalendarItem:
    """What a calendar cell shows of one workshop."""

    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    status: WorkshopStatus
    venue_name: str
    speakers: list[str]


@dataclass
class CalendarDay:
    """A calendar cell: the day's first workshops, and how many it has in all."""

    workshops: list[CalendarItem]
    total: int

    @property
    def more(self) -> int:
        """How many of the day's workshops the cell does not show."""
        return self.total - len(self.workshops)


def _lima_day_number(instant: sa.ColumnElement, first: date, last: date) -> sa.ColumnElement:
    """SQL numbering the Lima day of a UTC `instant` from 0 (`first`) to `last`, whatever
    the engine: a CASE over the days' UTC bounds."""
    days = (last - first).days
    return sa.case(*((instant < lima_day_bounds(first + timedelta(days=n))[1], n)
                     for n in range(days)), else_=days)


def workshops_by_day(user: User, filters: WorkshopFilter,
                     cap: int) -> dict[date, CalendarDay]:
    """Return, by Lima day from `filters.date_from` to `date_to`, the first `cap` workshops
    `user` may see that match `filters` and the day's count: one query ranks and counts
    them per day, so a busy month loads no more than `cap` a day."""
    first, last = filters.date_from, filters.date_to
    day = _lima_day_number(Workshop.starts_at, first, last)
    ranked = _narrowed(sa.select(
        Workshop.id, day.label("day"), sa.func.count().over(partition_by=day).label("total"),
        sa.func.row_number().over(partition_by=day, order_by=(Workshop.starts_at, Workshop.id))
        .label("rank")), user, filters).subquery()
    shown = {row.id: row for row in db.session.execute(
        sa.select(ranked.c.id, ranked.c.day, ranked.c.total).where(ranked.c.rank <= cap))}
    by_day: dict[date, CalendarDay] = {}
    for item in _calendar_items(list(shown)):
        row = shown[item.id]
        by_day.setdefault(first + timedelta(days=row.day),
                          CalendarDay([], row.total)).workshops.append(item)
    return by_day


def _calendar_items(ids: list[int]) -> list[CalendarItem]:
    """Load what the calendar shows of these workshops, soonest first, as plain rows: a month
    holds a hundred of them and ORM objects cost three times as much to load."""
    aliases: dict[int, list[str]] = {}
    for workshop_id, alias in db.session.execute(
            sa.select(workshop_speakers.c.workshop_id, Speaker.alias)
            .join(Speaker, Speaker.id == workshop_speakers.c.speaker_id)
            .where(workshop_speakers.c.workshop_id.in_(ids)).order_by(Speaker.alias)):
        aliases.setdefault(workshop_id, []).append(alias)
    rows = db.session.execute(
        sa.select(Workshop.id, Workshop.title, Workshop.starts_at, Workshop.ends_at,
                  Workshop.status, School.name).join(School, School.id == Workshop.venue_id)
        .where(Workshop.id.in_(ids)).order_by(Workshop.starts_at, Workshop.id))
    return [CalendarItem(*row, speakers=aliases.get(row.id, [])) for row in rows]


# Speakers' own view ------------------------------------------------------------------------

def speaker_schedule(speaker_id: int) -> sa.ColumnElement[bool]:
    """The condition of a speaker's schedule: the workshops they are on, once confirmed (not
    drafts); the one statement of what a speaker sees of workshops."""
    return sa.and_(Workshop.id.in_(sa.select(workshop_speakers.c.workshop_id)
                                   .where(workshop_speakers.c.speaker_id == speaker_id)),
                   Workshop.status != WorkshopStatus.DRAFT)


def speaker_workshops(speaker: Speaker, upcoming: bool, limit: int = 100) -> list[Workshop]:
    """Return a speaker's confirmed workshops, upcoming (soonest first) or past (latest first)."""
    now = utcnow()
    query = (sa.select(Workshop)
             .options(so.joinedload(Workshop.venue), so.selectinload(Workshop.speakers))
             .where(speaker_schedule(speaker.id)).limit(limit))
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
