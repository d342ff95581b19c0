"""Attendance marks sent in batches from a device (the offline attendance page, or a partner's
app through the API): each batch is applied once, and mark by mark the later one wins.

A device may have been offline for an hour while someone else corrected the same student on
the page: comparing the moments of marking (rather than the moment of arrival) keeps whoever
looked last, and the trail keeps what was lost either way. Functions flush, never commit.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit.services import record
from ..auth.models import User
from ..dbtypes import insert_on_conflict
from ..extensions import db
from ..timeutil import utcnow
from .models import AttendanceBatch, AttendanceStatus, RosterEntry, Workshop, WorkshopStatus
from .services import mark_entry, visible_entries


@dataclass(frozen=True)
class OfflineMark:
    """One mark as made on a device."""

    entry_id: int
    status: AttendanceStatus
    marked_at: datetime  # aware, UTC; the moment the mark was made on the device


@dataclass(frozen=True)
class BatchOutcome:
    """What a batch did; applied + kept is the number of marks sent (an earlier mark of the
    same student in the batch is kept out too). For a duplicate they are those of its first
    arrival, which the device may never have heard."""

    batch_id: str
    applied: int  # marks written
    kept: int  # marks not written because the server's mark is later (or the same)
    duplicate: bool  # the batch id was applied before: nothing written this time


class WorkshopClosedForSync(Exception):
    """The workshop was closed while the batch waited on the device; nothing was written."""

    def __init__(self):
        super().__init__(_(
            "This workshop was closed while these marks were waiting to be sent, so they were "
            "not saved. They are kept on this device: ask the coordination team to correct "
            "the attendance."))


class UnknownEntries(ValueError):
    """Marks for roster lines that are not on this workshop's roster, or that the sender may
    not see; nothing was written."""

    def __init__(self, entry_ids: Sequence[int]):
        self.entry_ids = sorted(set(entry_ids))
        super().__init__(_("These students are not on this roster: %(ids)s.",
                           ids=", ".join(map(str, self.entry_ids))))


class BatchIdTaken(ValueError):
    """The batch id was first used for another workshop: a sender reusing ids would otherwise
    lose these marks as a "duplicate"; nothing was written."""

    def __init__(self):
        super().__init__(_("This batch id was already used for another workshop: send these "
                           "marks with a new batch id."))


def apply_attendance_batch(workshop: Workshop, batch_id: str, marks: Sequence[OfflineMark],
                           by: User) -> BatchOutcome:
    """Apply a batch once (keyed by batch_id); later mark wins; overwritten marks audited.

    The caller has checked that `by` may take this workshop's attendance. A closed workshop
    refuses the batch (staff correct it on the page, audited); marks for lines `by` may not
    see refuse it whole. Raise WorkshopClosedForSync, UnknownEntries or BatchIdTaken having
    written nothing.
    """
    earlier = _batch_named(batch_id)
    if earlier is not None:
        return _duplicate(earlier, workshop, batch_id)
    if workshop.status == WorkshopStatus.CLOSED:
        raise WorkshopClosedForSync
    latest = _latest_per_entry(marks)
    entries = _entries_for_update(workshop, by, set(latest))
    if missing := set(latest) - set(entries):
        raise UnknownEntries(list(missing))
    batch = _claim(workshop, batch_id, by)
    if batch is None:  # the same batch id, sent at the same moment, was committed first
        return _duplicate(_batch_named(batch_id), workshop, batch_id)
    now = utcnow()
    for entry_id, mark in latest.items():
        batch.applied += _apply(workshop, entries[entry_id], mark, by, now)
    batch.kept = len(marks) - batch.applied
    db.session.flush()
    record("attendance.sync", workshop,
           f"batch {batch.id}: {batch.applied} applied, {batch.kept} kept", actor=by)
    return BatchOutcome(batch_id, batch.applied, batch.kept, duplicate=False)


def _batch_named(batch_id: str) -> AttendanceBatch | None:
    return db.session.scalar(sa.select(AttendanceBatch).where(
        AttendanceBatch.batch_id == batch_id))


def _duplicate(earlier: AttendanceBatch, workshop: Workshop, batch_id: str) -> BatchOutcome:
    """The answer to a batch id seen before, if it was for this workshop."""
    if earlier.workshop_id != workshop.id:
        raise BatchIdTaken
    return BatchOutcome(batch_id, earlier.applied, earlier.kept, duplicate=True)


def _latest_per_entry(marks: Sequence[OfflineMark]) -> dict[int, OfflineMark]:
    """Keep each line's latest mark of the batch (a device may send a change of mind); the
    earlier ones count as kept, never written."""
    latest: dict[int, OfflineMark] = {}
    for mark in marks:
        current = latest.get(mark.entry_id)
        if current is None or _utc(mark.marked_at) >= _utc(current.marked_at):
            latest[mark.entry_id] = mark
    return latest


def _entries_for_update(workshop: Workshop, by: User, ids: set[int]) -> dict[int, RosterEntry]:
    """Load the lines among `ids` that `by` may see on this roster, locked on PostgreSQL so
    that a mark saved on the page meanwhile cannot slip between comparison and write."""
    if not ids:
        return {}
    # In id order: two batches locking the same lines then wait for each other, never deadlock.
    found = db.session.scalars(visible_entries(workshop, by).where(RosterEntry.id.in_(ids))
                               .order_by(RosterEntry.id).with_for_update(of=RosterEntry))
    return {entry.id: entry for entry in found}


def _claim(workshop: Workshop, batch_id: str, by: User) -> AttendanceBatch | None:
    """Insert the batch's row unless its id is there already (None then). ON CONFLICT DO
    NOTHING waits for a concurrent insert of the same id to commit and then skips, so the
    unique constraint settles a race without a failed statement in the transaction."""
    table = AttendanceBatch.__table__
    inserted = db.session.scalar(insert_on_conflict(db.session.connection(), table).values(
        batch_id=batch_id, workshop_id=workshop.id, user_id=by.id, received_at=utcnow(),
        applied=0, kept=0).on_conflict_do_nothing(index_elements=["batch_id"])
        .returning(table.c.id))
    return None if inserted is None else db.session.get(AttendanceBatch, inserted)


def _apply(workshop: Workshop, entry: RosterEntry, mark: OfflineMark, by: User,
           now: datetime) -> bool:
    """Write `mark` if it is later than the line's; audit the mark that loses, or the other
    person's mark it replaces, when they differ. Return whether it was written."""
    # A device clock running ahead must not make its marks win over every later correction.
    at = min(_utc(mark.marked_at), now)
    differs = entry.status is not None and entry.status != mark.status
    if entry.marked_at is not None and at <= entry.marked_at:
        if differs:
            _audit("attendance.sync_kept", workshop, entry, mark.status, entry.status, by)
        return False
    if differs and entry.marked_by_id != by.id:
        _audit("attendance.sync_overwrite", workshop, entry, entry.status, mark.status, by)
    mark_entry(entry, mark.status, by, at)
    return True


def _audit(action: str, workshop: Workshop, entry: RosterEntry, lost: AttendanceStatus,
           stands: AttendanceStatus, by: User) -> None:
    """Keep a mark that did not stand: ids and statuses only, never a name."""
    record(action, entry, f"workshop {workshop.id}, entry {entry.id}: {lost.value} lost, "
           f"{stands.value} stands (marked by user {entry.marked_by_id})", actor=by)


def _utc(moment: datetime) -> datetime:
    """An aware moment in UTC (a naive one is taken as UTC already)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
