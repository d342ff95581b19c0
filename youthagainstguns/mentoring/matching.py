"""Suggested mentors for a mentee, ranked by a score whose reasons are shown to the coordinator;
the mentors a coordinator may pair by hand, and why the others may not."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..extensions import db
from ..forms import OPTIONS_LIMIT, Options, search_options
from ..text import normalise
from ..timeutil import today_lima
from .enums import OPEN_MATCH_STATUSES, CheckResult
from .errors import Refusal
from .models import BackgroundCheck, Match, Mentee, MentorProfile
from .status import mentor_refusals, screening_loads, spare_places

# Points per criterion: place matters most (mentor and mentee must be able to meet),
# then what they share, then what the mentor asked for, then room to take one more.
DISTRICT_POINTS = 3
INTEREST_POINTS = 2
PREFERENCE_POINTS = 1
CAPACITY_POINTS = 1
# Short words ("de", "con", "los") say nothing about a preference.
MIN_PREFERENCE_WORD = 4


@dataclass
class Suggestion:
    """A mentor who could take the mentee, with a score and the reasons for it."""

    mentor: MentorProfile
    spare: int
    score: int = 0
    reasons: list[str] = field(default_factory=list)


def interest_set(text: str) -> dict[str, str]:
    """Map each normalised comma-separated interest to its first written form."""
    items = {}
    for raw in (text or "").split(","):
        key = normalise(raw)
        if key:
            items.setdefault(key, raw.strip())
    return items


def preference_words(text: str) -> set[str]:
    """Return the meaningful normalised words of a preferences text."""
    return {w for w in re.findall(r"\w+", normalise(text)) if len(w) >= MIN_PREFERENCE_WORD}


def score(mentor: MentorProfile, mentee: Mentee, spare: int) -> Suggestion:
    """Score one mentor for one mentee and say why."""
    suggestion = Suggestion(mentor=mentor, spare=spare)
    if normalise(mentor.district) == normalise(mentee.district):
        suggestion.score += DISTRICT_POINTS
        suggestion.reasons.append(_("Same district (%(district)s)", district=mentee.district))
    mentee_interests = interest_set(mentee.interests)
    shared = [mentee_interests[k] for k in interest_set(mentor.interests) if k in mentee_interests]
    if shared:
        suggestion.score += INTEREST_POINTS * len(shared)
        listed = ", ".join(sorted(shared, key=normalise))
        suggestion.reasons.append(_("Shared interests: %(list)s", list=listed))
    common = preference_words(mentor.preferences) & (
        preference_words(mentee.preferences) | preference_words(mentee.interests)
    )
    if common:
        suggestion.score += PREFERENCE_POINTS
        suggestion.reasons.append(_("Stated preferences match: %(words)s",
                                    words=", ".join(sorted(common))))
    suggestion.score += CAPACITY_POINTS * spare
    suggestion.reasons.append(_("Spare capacity: %(spare)d of %(max)d places free",
                                spare=spare, max=mentor.max_mentees))
    return suggestion


def _may_be_ready(on: date) -> sa.ColumnElement[bool]:
    """The condition every ready mentor meets: not stepped back, holding an unexpired clear
    check, with a place free. `mentor_refusals` has the last word; this only spares loading the
    files of those who cannot be ready."""
    has_valid_check = (
        sa.select(BackgroundCheck.id)
        .where(BackgroundCheck.mentor_id == MentorProfile.id,
               BackgroundCheck.result == CheckResult.CLEAR, BackgroundCheck.expires_on > on)
        .exists()
    )
    places_taken = (
        sa.select(sa.func.count(Match.id))
        .where(Match.mentor_id == MentorProfile.id, Match.status.in_(OPEN_MATCH_STATUSES))
        .scalar_subquery()
    )
    return sa.and_(
        sa.or_(MentorProfile.inactive_since.is_(None), MentorProfile.inactive_since > on),
        has_valid_check, places_taken < MentorProfile.max_mentees)


def candidate_mentors(on: date) -> list[MentorProfile]:
    """Load the mentors who might be ready on `on`, with everything their readiness reads."""
    query = (
        sa.select(MentorProfile).where(_may_be_ready(on))
        .options(joinedload(MentorProfile.user), *screening_loads())
        .order_by(MentorProfile.id)
    )
    return list(db.session.scalars(query))


def ready_mentor_options(*, q: str | None = None, ids: Iterable[int] | None = None,
                         limit: int = OPTIONS_LIMIT) -> Options:
    """Return (id, name) of the first mentors by name ready to be paired today whose name holds
    the words of `q`; with `ids`, those mentors ready or not, so that a posted mentor who is
    not ready is refused by the pairing rules with their reasons, not as an unknown choice."""
    by_name = (sa.select(MentorProfile.id, User.full_name).join(MentorProfile.user)
               .order_by(User.full_name, MentorProfile.id))
    if ids is not None:
        return search_options(by_name, [User.full_name], ids=ids, limit=limit)
    today = today_lima()
    # The name and the SQL part of the rule pick a few; the full rule decides among them.
    # Twice the limit leaves room for those still missing a screening step.
    found = search_options(by_name.where(_may_be_ready(today)), [User.full_name], q=q,
                           limit=limit * 2)
    mentors = db.session.scalars(
        sa.select(MentorProfile).where(MentorProfile.id.in_([i for i, _name in found]))
        .options(*screening_loads())).all()
    ready = {m.id for m in mentors if not mentor_refusals(m, today)}
    return [(i, name) for i, name in found if i in ready][:limit]


# How many of the mentors who may not be paired the pairing form names, with why: enough to
# see who is nearly ready, few enough that the form stays small however many there are.
UNAVAILABLE_SHOWN = 30


@dataclass(frozen=True)
class Unavailable:
    """A mentor who may not take a mentee now, and every reason why."""

    mentor_id: int
    name: str
    refusals: list[Refusal]


@dataclass(frozen=True)
class PairingChoices:
    """Whether any mentor might be ready to be paired; the first others, with why not; and
    whether there may be more others than those."""

    any_ready: bool
    unavailable: list[Unavailable]
    more: bool


def pairing_choices(on: date) -> PairingChoices:
    """Name the first mentors who may not be paired on `on`, with why, without working out
    the readiness of every mentor: those the SQL part of the rule already rules out come
    first, then others whose files the full rule must read; one more than shown tells
    whether the list goes on."""
    mentors = db.session.scalars(
        sa.select(MentorProfile).join(MentorProfile.user)
        .options(joinedload(MentorProfile.user), *screening_loads())
        .order_by(sa.case((_may_be_ready(on), 1), else_=0), User.full_name, MentorProfile.id)
        .limit(UNAVAILABLE_SHOWN + 1)).all()
    others = [Unavailable(m.id, m.user.full_name, refusals) for m in mentors
              if (refusals := mentor_refusals(m, on))]
    shown = sorted(others[:UNAVAILABLE_SHOWN], key=lambda item: (item.name, item.mentor_id))
    # Nobody passing the SQL part of the rule means nobody is ready; the converse is left to
    # the search, which offers only those the whole rule lets through.
    any_ready = db.session.scalar(sa.select(sa.exists().where(_may_be_ready(on))))
    return PairingChoices(any_ready, shown, more=len(mentors) > UNAVAILABLE_SHOWN)


def suggest_mentors(mentee: Mentee, on: date, limit: int = 10) -> list[Suggestion]:
    """Return up to `limit` mentors ready and under capacity, best first.

    Ties go to the mentor with more spare places, then the earlier applicant, then the lower id,
    so the same data always gives the same order.
    """
    suggestions = []
    for mentor in candidate_mentors(on):
        if not mentor_refusals(mentor, on):
            suggestions.append(score(mentor, mentee, spare_places(mentor)))
    suggestions.sort(key=lambda s: (-s.score, -s.spare, s.mentor.application_date, s.mentor.id))
    return suggestions[:limit]
