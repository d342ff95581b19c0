"""Suggested mentors for a mentee, ranked by a score whose reasons are shown to the coordinator."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..text import normalise
from .enums import CheckResult
from .models import BackgroundCheck, Mentee, MentorProfile
from .status import mentor_status, screening_loads, spare_places

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
    """Load mentors who might be ready: not stepped back, holding an unexpired clear check."""
    has_valid_check = (
        sa.select(BackgroundCheck.id)
        .where(BackgroundCheck.mentor_id == MentorProfile.id,
               BackgroundCheck.result == CheckResult.CLEAR, BackgroundCheck.expires_on > on)
        .exists()
    )
    query = (
        sa.select(MentorProfile)
        .where(sa.or_(MentorProfile.inactive_since.is_(None), MentorProfile.inactive_since > on),
               has_valid_check)
        .options(joinedload(MentorProfile.user), *screening_loads())
        .order_by(MentorProfile.id)
    )
    return list(db.session.scalars(query))


def suggest_mentors(mentee: Mentee, on: date, limit: int = 10) -> list[Suggestion]:
    """Return up to `limit` mentors ready and under capacity, best first.

    Ties go to the mentor with more spare places, then the earlier applicant, then the lower id,
    so the same data always gives the same order.
    """
    suggestions = []
    for mentor in candidate_mentors(on):
        spare = spare_places(mentor)
        if spare and mentor_status(mentor, on).can_take_mentees:
            suggestions.append(score(mentor, mentee, spare))
    suggestions.sort(key=lambda s: (-s.score, -s.spare, s.mentor.application_date, s.mentor.id))
    return suggestions[:limit]
