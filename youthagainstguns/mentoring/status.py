"""A mentor's status, derived from their screening records and matches on a given date.

Nothing here touches the database: callers load the profile's interviews, references,
background checks, trainings, decisions and matches (see `screening_loads`) and pass a date.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..enums import LabelledEnum
from ..i18n import format_date
from .enums import OPEN_MATCH_STATUSES, CheckResult, InterviewOutcome, MatchStatus, ReferenceOutcome
from .errors import Refusal
from .models import BackgroundCheck, Match, MentorProfile, ScreeningDecision

# Training a mentor must complete before a first match. A programme rule, not a setting:
# MENTOR's Elements recommend at least two hours pre-match; we ask for a full day (6 hours).
MIN_TRAINING_HOURS = Decimal(6)
REQUIRED_REFERENCES = 2


def screening_loads(matches: bool = True) -> tuple:
    """Loader options that fetch everything `mentor_status` reads, a query per relationship."""
    loads = (
        selectinload(MentorProfile.interviews),
        selectinload(MentorProfile.references),
        selectinload(MentorProfile.background_checks),
        selectinload(MentorProfile.trainings),
        selectinload(MentorProfile.decisions),
    )
    return (*loads, selectinload(MentorProfile.matches)) if matches else loads


class MentorStatus(LabelledEnum):
    """Where a mentor stands; computed, never stored."""

    IN_SCREENING = "in_screening", _l("In screening")
    READY = "ready", _l("Ready to match")
    ACTIVE = "active", _l("Active")
    EXPIRED = "expired", _l("Background check expired")
    INACTIVE = "inactive", _l("Inactive")

    @property
    def badge(self) -> str:
        """Return the CSS badge class that colours this status."""
        return {MentorStatus.READY: "badge-ok", MentorStatus.ACTIVE: "badge-ok",
                MentorStatus.IN_SCREENING: "badge-warn"}.get(self, "badge-bad")


@dataclass(frozen=True)
class Gap:
    """One screening step still missing; `code` is stable for tests, `text` is for people."""

    code: str
    text: str


def latest_check(mentor: MentorProfile) -> BackgroundCheck | None:
    """Return the most recent background check, if any."""
    checks = sorted(mentor.background_checks, key=lambda c: (c.checked_on, c.id or 0))
    return checks[-1] if checks else None


def latest_decision(mentor: MentorProfile) -> ScreeningDecision | None:
    """Return the most recent screening decision, if any."""
    decisions = sorted(mentor.decisions, key=lambda d: (d.decided_on, d.id or 0))
    return decisions[-1] if decisions else None


def check_expired(mentor: MentorProfile, on: date) -> bool:
    """A check is valid up to the day before `expires_on`."""
    check = latest_check(mentor)
    return check is not None and check.expires_on <= on


def training_hours(mentor: MentorProfile) -> Decimal:
    """Return the total hours of training recorded."""
    return sum((t.hours for t in mentor.trainings), Decimal(0))


def open_match_count(mentor: MentorProfile) -> int:
    """Return how many of the mentor's places are taken (proposed, active or paused)."""
    return sum(1 for m in mentor.matches if m.status in OPEN_MATCH_STATUSES)


def spare_places(mentor: MentorProfile) -> int:
    """Return how many more mentees this mentor may take."""
    return max(mentor.max_mentees - open_match_count(mentor), 0)


def screening_gaps(mentor: MentorProfile, on: date) -> list[Gap]:
    """Return the screening steps still missing (or lapsed) on `on`, in screening order."""
    gaps = []
    if not any(i.outcome == InterviewOutcome.RECOMMENDED for i in mentor.interviews):
        gaps.append(Gap("interview", _("an interview with a recommendation")))
    positive = sum(1 for r in mentor.references if r.outcome == ReferenceOutcome.POSITIVE)
    if positive < REQUIRED_REFERENCES:
        gaps.append(Gap("references", _("two positive references (%(n)d so far)", n=positive)))
    check = latest_check(mentor)
    if check is None or check.result != CheckResult.CLEAR:
        gaps.append(Gap("background_check", _("a clear criminal background check")))
    elif check.expires_on <= on:
        gaps.append(Gap("background_check_expired",
                        _("a background check that has not expired")))
    hours = training_hours(mentor)
    if not mentor.trainings or hours < MIN_TRAINING_HOURS:
        gaps.append(Gap("training", _("training of at least %(min)s hours (%(hours)s so far)",
                                      min=MIN_TRAINING_HOURS, hours=format_decimal(hours))))
    decision = latest_decision(mentor)
    if decision is None or not decision.approved:
        gaps.append(Gap("decision", _("an approval decision")))
    return gaps


def mentor_status(mentor: MentorProfile, on: date) -> MentorStatus:
    """Derive the mentor's status on `on`; inactive beats expired beats active beats screening."""
    decision = latest_decision(mentor)
    if mentor.is_inactive_on(on):
        return MentorStatus.INACTIVE
    if decision is not None and not decision.approved:
        return MentorStatus.INACTIVE
    if check_expired(mentor, on):
        return MentorStatus.EXPIRED
    if any(m.status == MatchStatus.ACTIVE for m in mentor.matches):
        return MentorStatus.ACTIVE
    if screening_gaps(mentor, on):
        return MentorStatus.IN_SCREENING
    return MentorStatus.READY


def mentor_refusals(mentor: MentorProfile, on: date,
                    ignoring: Match | None = None) -> list[Refusal]:
    """Return every reason why this mentor may not take a mentee on `on` (none: ready to pair).

    `ignoring` is the match being activated, which already holds its own place.
    """
    refusals = []
    status = mentor_status(mentor, on)
    if status == MentorStatus.INACTIVE:
        refusals.append(Refusal("mentor_inactive", _("The mentor is inactive.")))
    elif status == MentorStatus.EXPIRED:
        refusals.append(Refusal("check_expired", _(
            "The mentor's background check expired on %(date)s.",
            date=format_date(latest_check(mentor).expires_on))))
    elif gaps := screening_gaps(mentor, on):
        refusals.append(Refusal("screening", _(
            "The mentor has not completed screening. Missing: %(list)s.",
            list="; ".join(g.text for g in gaps))))
    others = [m for m in mentor.matches if m.status in OPEN_MATCH_STATUSES and m is not ignoring]
    if len(others) >= mentor.max_mentees:
        refusals.append(Refusal("at_capacity", _(
            "The mentor already has %(n)d of %(max)d mentees.",
            n=len(others), max=mentor.max_mentees)))
    return refusals
