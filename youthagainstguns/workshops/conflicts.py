"""Scheduling conflicts, found before a workshop is saved.

Each kind of check is one query, however many workshops exist: the database finds the
overlaps, never a Python loop over all rows. Hard conflicts block saving and scheduling; soft
ones may be acknowledged with a reason (kept as ConflictAcknowledgement rows).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..audit.services import record
from ..auth.models import User
from ..extensions import db
from ..i18n import format_date, format_time
from ..schools.models import BlackoutDate, School
from ..speakers.models import Speaker, SpeakerExcludedDistrict, SpeakerUnavailability
from ..timeutil import to_lima, utcnow
from .models import ConflictAcknowledgement, Workshop, WorkshopStatus, workshop_speakers

HARD_KINDS = frozenset({"double_booked", "excluded_district", "vetting", "unavailable",
                        "venue_in_use"})


@dataclass(frozen=True)
class Proposal:
    """A workshop as the coordinator wants to save it (not yet in the database)."""

    venue: School
    starts_at: datetime
    ends_at: datetime
    speakers: Sequence[Speaker]
    workshop_id: int | None = None

    @classmethod
    def of(cls, workshop: Workshop) -> Proposal:
        """Return a saved workshop as a proposal, to check it again."""
        return cls(workshop.venue, workshop.starts_at, workshop.ends_at, workshop.speakers,
                   workshop.id)

    @property
    def day(self) -> date:
        """Return the Lima date of the start."""
        return to_lima(self.starts_at).date()

    @property
    def speaker_ids(self) -> list[int]:
        """Return the ids of the proposed speakers."""
        return [s.id for s in self.speakers]

    def alias(self, speaker_id: int) -> str:
        """Return the alias of one of the proposed speakers."""
        return next(s.alias for s in self.speakers if s.id == speaker_id)


@dataclass(frozen=True)
class Conflict:
    """One problem with a proposal, naming the other record and its time."""

    kind: str
    key: str
    message: str

    @property
    def hard(self) -> bool:
        """Hard conflicts cannot be acknowledged away."""
        return self.kind in HARD_KINDS


def find_conflicts(proposal: Proposal) -> list[Conflict]:
    """Return every conflict of the proposal, hard ones first."""
    checks = (_double_booked, _excluded_districts, _vetting, _unavailable, _venue_in_use,
              _travel_buffer, _blackout, _in_the_past)
    found = [conflict for check in checks for conflict in check(proposal)]
    return sorted(found, key=lambda c: not c.hard)


def hard_conflicts(proposal: Proposal) -> list[Conflict]:
    """Return the conflicts of the proposal that no acknowledgement can lift."""
    return [conflict for conflict in find_conflicts(proposal) if conflict.hard]


@dataclass(frozen=True)
class Review:
    """The conflicts of a proposal, and the keys of the warnings accepted before."""

    conflicts: list[Conflict]
    acknowledged: set[str]

    @property
    def blocked(self) -> bool:
        """Hard conflicts block saving, whatever was accepted."""
        return any(c.hard for c in self.conflicts)

    @property
    def pending(self) -> set[str]:
        """Return the keys of the warnings still to be accepted."""
        return {c.key for c in self.conflicts if not c.hard} - self.acknowledged


def review(proposal: Proposal) -> Review:
    """Find the conflicts of a proposal; warnings accepted before are not asked again."""
    return Review(find_conflicts(proposal), acknowledged_keys(proposal.workshop_id))


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


def capacity_conflict(roster_size: int, capacity: int) -> Conflict | None:
    """Return the soft conflict of a roster larger than the capacity, if it is."""
    if roster_size <= capacity:
        return None
    return Conflict("capacity", f"capacity:{roster_size}", _(
        "The roster (%(roster)d students) is larger than the capacity (%(capacity)d).",
        roster=roster_size, capacity=capacity))


def _when(starts_at: datetime, ends_at: datetime) -> dict[str, str]:
    return {"date": format_date(starts_at), "start": format_time(starts_at),
            "end": format_time(ends_at)}


def _live_others(proposal: Proposal) -> list:
    """Conditions for the other workshops that still occupy people and rooms."""
    conditions = [Workshop.status != WorkshopStatus.CANCELLED]
    if proposal.workshop_id is not None:
        conditions.append(Workshop.id != proposal.workshop_id)
    return conditions


def _overlaps(model, starts_at: datetime, ends_at: datetime):
    return sa.and_(model.starts_at < ends_at, model.ends_at > starts_at)


def _speaker_workshops(proposal: Proposal):
    """Select (speaker id, workshop) pairs for the proposal's speakers' other workshops."""
    return (
        sa.select(workshop_speakers.c.speaker_id, Workshop.id, Workshop.title,
                  Workshop.starts_at, Workshop.ends_at)
        .join(workshop_speakers, workshop_speakers.c.workshop_id == Workshop.id)
        .where(workshop_speakers.c.speaker_id.in_(proposal.speaker_ids),
               *_live_others(proposal))
        .order_by(Workshop.starts_at)
    )


def _double_booked(proposal: Proposal) -> list[Conflict]:
    if not proposal.speakers:
        return []
    rows = db.session.execute(_speaker_workshops(proposal).where(
        _overlaps(Workshop, proposal.starts_at, proposal.ends_at))).all()
    return [Conflict("double_booked", f"double_booked:{r.speaker_id}:{r.id}", _(
        "%(speaker)s is already booked for “%(title)s” (workshop #%(id)d) on %(date)s, "
        "%(start)s–%(end)s.", speaker=proposal.alias(r.speaker_id), title=r.title, id=r.id,
        **_when(r.starts_at, r.ends_at))) for r in rows]


def _travel_buffer(proposal: Proposal) -> list[Conflict]:
    """Another workshop of the same speaker in another district, too close in time."""
    if not proposal.speakers:
        return []
    minutes = current_app.config.get("TRAVEL_BUFFER_MINUTES", 90)
    buffer = timedelta(minutes=minutes)
    query = (_speaker_workshops(proposal).add_columns(School.district)
             .join(School, School.id == Workshop.venue_id)
             .where(School.district != proposal.venue.district,
                    _overlaps(Workshop, proposal.starts_at - buffer, proposal.ends_at + buffer),
                    # Overlapping ones are already reported as double bookings.
                    sa.not_(_overlaps(Workshop, proposal.starts_at, proposal.ends_at))))
    return [Conflict("travel_buffer", f"travel_buffer:{r.speaker_id}:{r.id}", _(
        "%(speaker)s has “%(title)s” (workshop #%(id)d) in %(district)s on %(date)s, "
        "%(start)s–%(end)s: less than %(minutes)d minutes to travel between districts.",
        speaker=proposal.alias(r.speaker_id), title=r.title, id=r.id, district=r.district,
        minutes=minutes, **_when(r.starts_at, r.ends_at)))
        for r in db.session.execute(query).all()]


def _excluded_districts(proposal: Proposal) -> list[Conflict]:
    if not proposal.speakers:
        return []
    district = proposal.venue.district
    speaker_ids = db.session.scalars(sa.select(SpeakerExcludedDistrict.speaker_id).where(
        SpeakerExcludedDistrict.speaker_id.in_(proposal.speaker_ids),
        SpeakerExcludedDistrict.district == district)).all()
    return [Conflict("excluded_district", f"excluded_district:{sid}", _(
        "%(speaker)s must not be scheduled in %(district)s (vetting condition).",
        speaker=proposal.alias(sid), district=district)) for sid in speaker_ids]


def _vetting(proposal: Proposal) -> list[Conflict]:
    """Vetting is read from the speakers already loaded: no query."""
    conflicts = []
    for speaker in proposal.speakers:
        if speaker.vetting_valid_on(proposal.day):
            continue
        renewal = speaker.vetting_renewal_on
        lapsed = renewal is not None and renewal < proposal.day
        message = (_("%(speaker)s's vetting lapsed on %(date)s.", speaker=speaker.alias,
                     date=format_date(speaker.vetting_renewal_on)) if lapsed else
                   _("%(speaker)s has no approved vetting.", speaker=speaker.alias))
        conflicts.append(Conflict("vetting", f"vetting:{speaker.id}", message))
    return conflicts


def _unavailable(proposal: Proposal) -> list[Conflict]:
    if not proposal.speakers:
        return []
    rows = db.session.scalars(sa.select(SpeakerUnavailability).where(
        SpeakerUnavailability.speaker_id.in_(proposal.speaker_ids),
        _overlaps(SpeakerUnavailability, proposal.starts_at, proposal.ends_at))).all()
    return [Conflict("unavailable", f"unavailable:{u.id}", _(
        "%(speaker)s is unavailable from %(start)s to %(end)s (%(reason)s).",
        speaker=proposal.alias(u.speaker_id), start=_at(u.starts_at), end=_at(u.ends_at),
        reason=u.reason or "—")) for u in rows]


def _at(moment: datetime) -> str:
    return f"{format_date(moment)} {format_time(moment)}"


def _venue_in_use(proposal: Proposal) -> list[Conflict]:
    rows = db.session.execute(
        sa.select(Workshop.id, Workshop.title, Workshop.starts_at, Workshop.ends_at).where(
            Workshop.venue_id == proposal.venue.id, *_live_others(proposal),
            _overlaps(Workshop, proposal.starts_at, proposal.ends_at))
    ).all()
    return [Conflict("venue_in_use", f"venue_in_use:{r.id}", _(
        "%(venue)s is already in use for “%(title)s” (workshop #%(id)d) on %(date)s, "
        "%(start)s–%(end)s.", venue=proposal.venue.name, title=r.title, id=r.id,
        **_when(r.starts_at, r.ends_at))) for r in rows]


def _blackout(proposal: Proposal) -> list[Conflict]:
    day = proposal.day
    rows = db.session.scalars(sa.select(BlackoutDate).where(
        BlackoutDate.school_id == proposal.venue.id,
        BlackoutDate.starts_on <= day, BlackoutDate.ends_on >= day)).all()
    return [Conflict("blackout", f"blackout:{b.id}", _(
        "%(venue)s cannot host workshops from %(start)s to %(end)s: %(reason)s.",
        venue=proposal.venue.name, start=format_date(b.starts_on), end=format_date(b.ends_on),
        reason=b.reason)) for b in rows]


def _in_the_past(proposal: Proposal) -> list[Conflict]:
    """A start already gone: mostly a mistyped date, sometimes a workshop recorded after it
    took place; a warning, so the second case is accepted with its reason kept."""
    if proposal.starts_at >= utcnow():
        return []
    return [Conflict("past", f"past:{proposal.starts_at:%Y%m%d%H%M}", _(
        "This workshop starts in the past (%(date)s, %(start)s). Check the date; to record a "
        "workshop that already took place, accept this warning.",
        **_when(proposal.starts_at, proposal.ends_at)))]
