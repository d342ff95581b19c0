"""Suggested mentors for a mentee, ranked by a score whose reasons are shown to the coordinator;
the mentors a coordinator may pair by hand, and why the others may not."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..extensions import db
from ..text import normalise
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


def candidate_mentors(on: date) -> list[MentorProfile]:
    """Load mentors who might be ready: not stepped back, holding an unexpired clear check,
    with a place free. `mentor_refusals` has the last word; this only spares loading the
    files of those who cannot be."""
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
    query = (
        sa.select(MentorProfile)
        .where(sa.or_(MentorProfile.inactive_since.is_(None), MentorProfile.inactive_since > on),
               has_valid_check, places_taken < MentorProfile.max_mentees)
        .options(joinedload(MentorProfile.user), *screening_loads())
        .order_by(MentorProfile.id)
    )
    return list(db.session.scalars(query))


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
    """The mentors ready to be paired as (id, name) choices by name; the first others by name,
    with why not; and how many more others there are."""

    ready: list[tuple[int, str]]
    unavailable: list[Unavailable]
    more: int


def pairing_choices(on: date) -> PairingChoices:
    """Split the mentors into those ready to be paired on `on` and the others, with why."""
    ready = sorted(((m.id, m.user.full_name) for m in candidate_mentors(on)
                    if not mentor_refusals(m, on)), key=lambda choice: (choice[1], choice[0]))
    others = (sa.select(MentorProfile).join(MentorProfile.user)
              .where(MentorProfile.id.not_in([mentor_id for mentor_id, _name in ready])))
    shown = db.session.scalars(
        others.options(joinedload(MentorProfile.user), *screening_loads())
        .order_by(User.full_name, MentorProfile.id).limit(UNAVAILABLE_SHOWN))
    unavailable = [Unavailable(m.id, m.user.full_name, mentor_refusals(m, on)) for m in shown]
    total = db.session.scalar(sa.select(sa.func.count()).select_from(others.subquery()))
    return PairingChoices(ready, unavailable, total - len(unavailable))


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
