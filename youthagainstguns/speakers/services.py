"""Speakers: vetting state, list query and changes. Services flush and audit; views commit."""
from collections.abc import Iterable
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..audit.services import record
from ..auth import services as auth_services
from ..auth.models import Role, User
from ..enums import LabelledEnum
from ..extensions import db
from ..forms import Options, search_options
from ..listing import Sort, SortOffer, matching
from ..schools.districts import DISTRICTS
from ..timeutil import today_lima, utcnow
from .models import Speaker, SpeakerExcludedDistrict, SpeakerUnavailability, VettingDecision

# Coordinators need this long to renew a vetting before it lapses.
RENEWAL_WARNING_DAYS = 30


class VettingState(LabelledEnum):
    """Where a speaker's vetting stands on a given day."""

    VALID = "valid", _l("Vetting valid"), "ok"
    EXPIRING = "expiring", _l("Vetting expires soon"), "warn"
    LAPSED = "lapsed", _l("Vetting lapsed"), "bad"
    PENDING = "pending", _l("Vetting pending"), "warn"
    REJECTED = "rejected", _l("Vetting rejected"), "bad"


def vetting_state(speaker: Speaker, day: date | None = None) -> VettingState:
    """Tell where the speaker's vetting stands on `day` (today in Lima by default)."""
    day = day or today_lima()
    if speaker.vetting_decision == VettingDecision.PENDING:
        return VettingState.PENDING
    if speaker.vetting_decision == VettingDecision.REJECTED:
        return VettingState.REJECTED
    if not speaker.vetting_valid_on(day):
        return VettingState.LAPSED
    if speaker.vetting_renewal_on - day <= timedelta(days=RENEWAL_WARNING_DAYS):
        return VettingState.EXPIRING
    return VettingState.VALID


def get_speaker_or_404(speaker_id: int, *, for_user: User, need: str = "identity") -> Speaker:
    """Fetch a speaker whose file `for_user` may open, else 404/403."""
    speaker = db.get_or_404(Speaker, speaker_id, options=[
        selectinload(Speaker.excluded_districts), selectinload(Speaker.unavailability),
    ])
    if need == "identity" and not speaker.can_view_identity(for_user):
        abort(403)
    return speaker


# Never the legal name: it is for coordinators' eyes on a speaker's own page only.
SPEAKER_SORTS = SortOffer(
    {"alias": (Speaker.alias,), "topics": (Speaker.topics,),
     "valid_until": (Speaker.vetting_renewal_on,)},
    default="alias", tiebreak=Speaker.id, missing_last=frozenset({"valid_until"}))


def speaker_query(*, q: str | None = None, show: str | None = None,
                  sort: Sort | None = None) -> sa.Select:
    """Return the select for the speakers list: search by alias or topic (never the legal
    name), filter by state, by alias unless `sort` says otherwise."""
    query = matching(sa.select(Speaker).order_by(*(sort or SPEAKER_SORTS.chosen({})).order_by()),
                     q, Speaker.alias, Speaker.topics)
    if show == "archived":
        return query.where(Speaker.archived_at.is_not(None))
    query = query.where(Speaker.archived_at.is_(None))
    if show == "active":
        query = query.where(Speaker.active.is_(True))
    elif show == "inactive":
        query = query.where(Speaker.active.is_(False))
    return query


_TEXT_FIELDS = ("alias", "legal_name", "bio", "topics", "languages", "conditions_notes")
_OPTIONAL_FIELDS = ("phone", "email")
_FLAGS = ("active", "requires_teacher_present", "group_settings_only")


def _speaker_rows(active_only: bool) -> sa.Select:
    """Select (id, alias) of unarchived speakers, by alias."""
    query = sa.select(Speaker.id, Speaker.alias).where(Speaker.archived_at.is_(None))
    if active_only:
        query = query.where(Speaker.active.is_(True))
    return query.order_by(Speaker.alias, Speaker.id)


def active_speaker_choices() -> Options:
    """Return (id, alias) of every active, unarchived speaker, for the workshop form's list."""
    return search_options(_speaker_rows(active_only=True), (), limit=None)


def speaker_options(*, q: str | None = None, ids: Iterable[int] | None = None,
                    active_only: bool = True) -> Options:
    """Return (id, alias) of the first speakers whose alias holds `q` (or whose id is in
    `ids`), for a searchable select."""
    return search_options(_speaker_rows(active_only), (Speaker.alias,), q=q, ids=ids)


def _apply_fields(speaker: Speaker, data: dict, by: User) -> None:
    for name in _TEXT_FIELDS:
        setattr(speaker, name, (data.get(name) or "").strip())
    for name in _OPTIONAL_FIELDS:
        setattr(speaker, name, (data.get(name) or "").strip() or None)
    for name in _FLAGS:
        setattr(speaker, name, bool(data.get(name)))
    decision = VettingDecision(data["vetting_decision"])
    if decision != speaker.vetting_decision:
        # Whoever changes the decision is its reviewer, recorded for accountability.
        speaker.vetting_reviewer_id = by.id
        speaker.vetting_date = data.get("vetting_date") or today_lima()
    else:
        speaker.vetting_date = data.get("vetting_date") or speaker.vetting_date
    speaker.vetting_decision = decision
    speaker.vetting_renewal_on = data.get("vetting_renewal_on")
    _set_excluded_districts(speaker, data.get("excluded_districts") or [])


def _set_excluded_districts(speaker: Speaker, districts: list[str]) -> None:
    wanted = {d for d in districts if d in DISTRICTS}
    for row in list(speaker.excluded_districts):
        if row.district not in wanted:
            speaker.excluded_districts.remove(row)
    present = {row.district for row in speaker.excluded_districts}
    for district in sorted(wanted - present):
        speaker.excluded_districts.append(SpeakerExcludedDistrict(district=district))


def create_speaker(data: dict, by: User) -> Speaker:
    """Add a speaker from validated form data."""
    speaker = Speaker(vetting_decision=VettingDecision.PENDING, excluded_districts=[])
    _apply_fields(speaker, data, by)
    db.session.add(speaker)
    db.session.flush()
    record("speaker.create", speaker, f"vetting={speaker.vetting_decision.value}")
    return speaker


def update_speaker(speaker: Speaker, data: dict, by: User) -> None:
    """Change a speaker from validated form data; a changed decision records its reviewer."""
    before = speaker.vetting_decision
    _apply_fields(speaker, data, by)
    db.session.flush()
    summary = f"vetting {before.value}->{speaker.vetting_decision.value}" \
        if before != speaker.vetting_decision else ""
    record("speaker.update", speaker, summary)


def set_archived(speaker: Speaker, archived: bool) -> None:
    """Archive a speaker (kept for history, never scheduled) or bring them back."""
    speaker.archived_at = utcnow() if archived else None
    db.session.flush()
    record("speaker.archive" if archived else "speaker.unarchive", speaker)


def record_identity_view(speaker: Speaker) -> None:
    """Audit that the current user was shown the speaker's legal identity."""
    record("speaker.view_identity", speaker)


def add_unavailability(speaker: Speaker, starts_at: datetime, ends_at: datetime,
                       reason: str) -> SpeakerUnavailability:
    """Add a period (aware UTC datetimes) in which the speaker cannot give workshops."""
    period = SpeakerUnavailability(speaker=speaker, starts_at=starts_at, ends_at=ends_at,
                                   reason=(reason or "").strip())
    db.session.add(period)
    db.session.flush()
    record("speaker.unavailability_add", speaker, f"period={period.id}")
    return period


def delete_unavailability(period: SpeakerUnavailability) -> None:
    """Remove an unavailability period."""
    record("speaker.unavailability_delete", period.speaker, f"period={period.id}")
    db.session.delete(period)
    db.session.flush()


class SpeakerTaken(ValueError):
    """The speaker already has another account; one speaker has one account."""


def other_account_of(speaker_id: int, user_id: int | None) -> User | None:
    """Return the account, other than `user_id`, that the speaker is linked to, if any."""
    return db.session.scalar(sa.select(User).join(Speaker, Speaker.user_id == User.id).where(
        Speaker.id == speaker_id, User.id != (user_id or -1)))


def link_speaker(user: User, speaker_id: int | None) -> None:
    """Make `user` the account of the given speaker (or of none).

    Raise SpeakerTaken if another account holds the speaker: moving it would silently cut
    that account off (the form says so next to the field first).
    """
    db.session.execute(
        sa.update(Speaker).where(Speaker.user_id == user.id).values(user_id=None)
    )
    if speaker_id:
        linked = db.session.execute(
            sa.update(Speaker).where(Speaker.id == speaker_id, Speaker.user_id.is_(None))
            .values(user_id=user.id))
        if linked.rowcount != 1:
            raise SpeakerTaken(speaker_id)
    db.session.expire(user, ["speaker"])


class AccountRefused(ValueError):
    """The email belongs to an account that cannot become this speaker's login."""


def give_account(speaker: Speaker, email: str, by: User) -> tuple[User, bool]:
    """Make a speaker-role login for `speaker`, or link the unlinked speaker account that uses
    `email`; return it and whether it is new. Raise AccountRefused for any other account."""
    email = email.strip().lower()
    user = db.session.scalar(sa.select(User).where(User.email == email))
    new = user is None
    if new:
        # The alias, not the legal name: the account's name shows wherever the account does.
        user = auth_services.create_user(email=email, full_name=speaker.alias,
                                         role=Role.SPEAKER, created_by=by)
    elif user.role != Role.SPEAKER or user.speaker is not None or not user.active:
        raise AccountRefused(_("This email belongs to another account. Use another email, "
                               "or ask an administrator."))
    link_speaker(user, speaker.id)
    record("speaker.account", speaker, f"user {user.id} {'created' if new else 'linked'}",
           actor=by)
    return user, new
