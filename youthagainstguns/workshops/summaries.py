"""Figures kept up to date as the data changes, so that pages read a few rows instead of
scanning ten years of rosters:

- the students each program figure has reached (everyone, per venue district, per speaker)
  and the workshops held (in all and by each speaker), for the program totals;
- how many of each school's pupils each roster holds, per attendance mark, for school reports
  and for the rule of which workshops' documents a school contact may see.

One flush listener maintains both from what the session changed: roster lines added, marked or
removed; a workshop's status, venue or speakers; a venue's district; a pupil's school. It
recomputes the rows of the students and workshops concerned from the data itself, so each row
always says what a full scan would; `rebuild` is that full scan (used after bulk loads; the
tests compare against it).
Changes made with bulk UPDATE/DELETE statements on these tables bypass the listener: call
`refresh_reach`, `refresh_held` and `refresh_roster_counts` for what they touched.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..dbtypes import insert_on_conflict
from ..extensions import db
from ..schools.models import School
from .models import (
    ATTENDED_STATUSES,
    REPORTED,
    UNMARKED,
    RosterCount,
    RosterEntry,
    Student,
    Workshop,
    workshop_speakers,
)

REACHED = "reached"
REACHED_BY_DISTRICT = "reached_by_district"
REACHED_BY_SPEAKER = "reached_by_speaker"
HELD_BY_SPEAKER = "held_by_speaker"
WORKSHOPS_HELD = "workshops_held"
_CHUNK = 2000  # ids per IN (...): well under SQLite's limit of bound parameters


class ReachMember(db.Model):
    """A student counted in a reach figure: the figure, its key (district, speaker id)."""

    __tablename__ = "reach_members"

    figure: so.Mapped[str] = so.mapped_column(sa.String(24), primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(60), primary_key=True)
    student_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("students.id"),
                                                  primary_key=True, index=True)


class ProgramFigure(db.Model):
    """One program figure's value for one key ("" for the whole program)."""

    __tablename__ = "program_figures"

    figure: so.Mapped[str] = so.mapped_column(sa.String(24), primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(60), primary_key=True)
    value: so.Mapped[int] = so.mapped_column(default=0)


# What the figures are, as queries over the data ------------------------------------------

def _reached(student_ids: list[int] | None) -> sa.Select:
    """(figure, key, student) for every reach figure of these students (all when None)."""
    counted = sa.and_(RosterEntry.status.in_(ATTENDED_STATUSES), Workshop.status.in_(REPORTED))
    if student_ids is not None:
        counted = sa.and_(counted, RosterEntry.student_id.in_(student_ids))
    attended = sa.join(RosterEntry, Workshop, Workshop.id == RosterEntry.workshop_id)
    everyone = (sa.select(sa.literal(REACHED), sa.literal(""), RosterEntry.student_id)
                .select_from(attended).where(counted))
    by_district = (sa.select(sa.literal(REACHED_BY_DISTRICT), School.district,
                             RosterEntry.student_id)
                   .select_from(attended.join(School, School.id == Workshop.venue_id))
                   .where(counted))
    by_speaker = (sa.select(sa.literal(REACHED_BY_SPEAKER),
                            sa.cast(workshop_speakers.c.speaker_id, sa.String),
                            RosterEntry.student_id)
                  .select_from(attended.join(workshop_speakers,
                                             workshop_speakers.c.workshop_id == Workshop.id))
                  .where(counted))
    return sa.union(everyone, by_district, by_speaker)


def _held_by_speaker(speaker_ids: list[int] | None) -> sa.Select:
    """(speaker id as key, workshops held) for these speakers (all when None)."""
    query = (sa.select(sa.cast(workshop_speakers.c.speaker_id, sa.String), sa.func.count())
             .join(Workshop, Workshop.id == workshop_speakers.c.workshop_id)
             .where(Workshop.status.in_(REPORTED))
             .group_by(workshop_speakers.c.speaker_id))
    if speaker_ids is not None:
        query = query.where(workshop_speakers.c.speaker_id.in_(speaker_ids))
    return query


def _roster_counts(workshop_ids: list[int] | None) -> sa.Select:
    """(workshop, school, mark, pupils) for the rosters of these workshops (all when None)."""
    mark = sa.func.coalesce(sa.type_coerce(RosterEntry.status, sa.String), UNMARKED)
    query = (sa.select(RosterEntry.workshop_id, Student.school_id, mark, sa.func.count())
             .join(Student, Student.id == RosterEntry.student_id)
             .group_by(RosterEntry.workshop_id, Student.school_id, mark))
    if workshop_ids is not None:
        query = query.where(RosterEntry.workshop_id.in_(workshop_ids))
    return query


# Keeping them ------------------------------------------------------------------------------

def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start:start + _CHUNK]


def _add_to_figures(connection: sa.Connection, deltas: Counter) -> None:
    table = ProgramFigure.__table__
    rows = [{"figure": figure, "key": key, "value": n}
            for (figure, key), n in sorted(deltas.items()) if n]
    if rows:
        insert = insert_on_conflict(connection, table)
        connection.execute(insert.on_conflict_do_update(
            index_elements=["figure", "key"],
            set_={"value": table.c.value + insert.excluded.value}), rows)


def set_figures(connection: sa.Connection, figure: str, values: dict[str, int]) -> None:
    """Set these keys of `figure` to these values."""
    table = ProgramFigure.__table__
    rows = [{"figure": figure, "key": key, "value": n} for key, n in sorted(values.items())]
    if rows:
        insert = insert_on_conflict(connection, table)
        connection.execute(insert.on_conflict_do_update(
            index_elements=["figure", "key"], set_={"value": insert.excluded.value}), rows)


def refresh_reach(connection: sa.Connection, student_ids: Iterable[int]) -> None:
    """Recompute these students' reach rows and move the figures by what changed."""
    members = ReachMember.__table__
    for chunk in _chunks(student_ids):
        if connection.dialect.name == "postgresql":  # one writer per student at a time
            connection.execute(sa.select(Student.id).where(Student.id.in_(chunk))
                               .order_by(Student.id).with_for_update())
        wanted = {tuple(row) for row in connection.execute(_reached(chunk))}
        stored = {tuple(row) for row in connection.execute(
            sa.select(members.c.figure, members.c.key, members.c.student_id)
            .where(members.c.student_id.in_(chunk)))}
        gone, new = stored - wanted, wanted - stored
        if gone:
            connection.execute(members.delete().where(
                sa.tuple_(members.c.figure, members.c.key, members.c.student_id).in_(gone)))
        if new:
            connection.execute(members.insert(), [
                {"figure": f, "key": k, "student_id": s} for f, k, s in sorted(new)])
        deltas = Counter((f, k) for f, k, _s in new)
        deltas.subtract((f, k) for f, k, _s in gone)
        _add_to_figures(connection, deltas)


def refresh_held(connection: sa.Connection, speaker_ids: Iterable[int]) -> None:
    """Recount the workshops these speakers have held."""
    for chunk in _chunks(speaker_ids):
        counts = dict(connection.execute(_held_by_speaker(chunk)).all())
        set_figures(connection, HELD_BY_SPEAKER,
                     {str(s): counts.get(str(s), 0) for s in chunk})


def refresh_workshops_held(connection: sa.Connection) -> None:
    """Recount the workshops held in the whole program."""
    held = connection.scalar(sa.select(sa.func.count(Workshop.id)).where(
        Workshop.status.in_(REPORTED)))
    set_figures(connection, WORKSHOPS_HELD, {"": held})


def refresh_roster_counts(connection: sa.Connection, workshop_ids: Iterable[int]) -> None:
    """Recount these workshops' rosters per school and mark."""
    table = RosterCount.__table__
    for chunk in _chunks(workshop_ids):
        connection.execute(table.delete().where(table.c.workshop_id.in_(chunk)))
        connection.execute(table.insert().from_select(
            ["workshop_id", "school_id", "mark", "pupils"], _roster_counts(chunk)))


def rebuild(connection: sa.Connection) -> None:
    """Recompute this module's figures and the roster counts from the data (after a bulk
    load)."""
    for table in (ReachMember.__table__, RosterCount.__table__):
        connection.execute(table.delete())
    connection.execute(ProgramFigure.__table__.delete().where(ProgramFigure.figure.in_(
        (REACHED, REACHED_BY_DISTRICT, REACHED_BY_SPEAKER, HELD_BY_SPEAKER, WORKSHOPS_HELD))))
    members = ReachMember.__table__
    connection.execute(members.insert().from_select(["figure", "key", "student_id"],
                                                    _reached(None)))
    counts = (sa.select(members.c.figure, members.c.key, sa.func.count())
              .group_by(members.c.figure, members.c.key))
    connection.execute(ProgramFigure.__table__.insert().from_select(
        ["figure", "key", "value"], counts))
    set_figures(connection, HELD_BY_SPEAKER,
                dict(connection.execute(_held_by_speaker(None)).all()))
    refresh_workshops_held(connection)
    connection.execute(RosterCount.__table__.insert().from_select(
        ["workshop_id", "school_id", "mark", "pupils"], _roster_counts(None)))


# The listener ------------------------------------------------------------------------------

def _changed(obj, *attributes: str) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in attributes)


@sa.event.listens_for(so.Session, "before_flush")
def _note_changes(session: so.Session, _context, _instances) -> None:
    """Remember what this flush changes that the figures depend on."""
    pending = session.info.setdefault("summaries", {
        "entries": [], "new_workshops": [], "students": set(), "workshops": set(),
        "speakers": set(), "venues": set(), "pupils": set(), "rosters": set()})
    for obj in session.new:
        if isinstance(obj, RosterEntry):
            pending["entries"].append(obj)
        elif isinstance(obj, Workshop):
            pending["new_workshops"].append(obj)
    for obj in session.deleted:
        if isinstance(obj, RosterEntry):
            pending["students"].add(obj.student_id)
            pending["rosters"].add(obj.workshop_id)
        elif isinstance(obj, Workshop):
            pending["speakers"].update(speaker.id for speaker in obj.speakers)
    for obj in session.dirty:
        if isinstance(obj, RosterEntry) and _changed(obj, "status"):
            pending["students"].add(obj.student_id)
            pending["rosters"].add(obj.workshop_id)
        elif isinstance(obj, Workshop) and _changed(obj, "status", "venue_id", "speakers"):
            pending["workshops"].add(obj.id)
            # Speakers taken off count again too; the current ones are read after the flush.
            removed = sa.inspect(obj).attrs["speakers"].history.deleted
            pending["speakers"].update(speaker.id for speaker in removed)
        elif isinstance(obj, School) and _changed(obj, "district"):
            pending["venues"].add(obj.id)
        elif isinstance(obj, Student) and _changed(obj, "school_id"):
            pending["pupils"].add(obj.id)


def _lookup(connection: sa.Connection, wanted, by, ids: set[int]) -> set[int]:
    """The distinct values of column `wanted` in the rows whose column `by` is one of `ids`."""
    found: set[int] = set()
    for chunk in _chunks(ids):
        found |= set(connection.scalars(sa.select(wanted).distinct().where(by.in_(chunk))))
    return found


@sa.event.listens_for(so.Session, "after_flush")
def _keep_summaries(session: so.Session, _context) -> None:
    """Bring the figures and roster counts up to date with what was just flushed."""
    pending = session.info.pop("summaries", None)
    if not pending:
        return
    connection = session.connection()
    # A flush that failed leaves its pending changes for the next one: recomputing is
    # idempotent, and lines or workshops that were never written have no ids.
    new_entries = [e for e in pending["entries"] if e.id is not None]
    changed = pending["workshops"] | ({w.id for w in pending["new_workshops"]} - {None})
    rosters = (pending["rosters"] | {e.workshop_id for e in new_entries}
               | _lookup(connection, RosterEntry.workshop_id, RosterEntry.student_id,
                         pending["pupils"]))
    # A district renamed: every student who attended at that venue.
    changed |= _lookup(connection, Workshop.id, Workshop.venue_id, pending["venues"])
    students = (pending["students"] | {e.student_id for e in new_entries}
                | _lookup(connection, RosterEntry.student_id, RosterEntry.workshop_id, changed))
    speakers = pending["speakers"] | _lookup(
        connection, workshop_speakers.c.speaker_id, workshop_speakers.c.workshop_id, changed)
    refresh_reach(connection, students)
    refresh_held(connection, speakers)
    if changed:
        refresh_workshops_held(connection)
    refresh_roster_counts(connection, rosters)
