"""The mentoring area's labelled enums: screening outcomes, consent, match statuses (and the
moves between them), closures, session and alert kinds, goal progress."""
from flask_babel import lazy_gettext as _l

from ..enums import LabelledEnum


class InterviewOutcome(LabelledEnum):
    RECOMMENDED = "recommended", _l("Recommended")
    NOT_RECOMMENDED = "not_recommended", _l("Not recommended")


class ReferenceOutcome(LabelledEnum):
    POSITIVE = "positive", _l("Positive")
    NEGATIVE = "negative", _l("Negative")


class CheckResult(LabelledEnum):
    CLEAR = "clear", _l("No records")
    NOT_CLEAR = "not_clear", _l("Records found")


class ConsentMethod(LabelledEnum):
    PAPER = "paper", _l("Signed on paper")
    IN_PERSON = "in_person", _l("Given in person")


class MatchStatus(LabelledEnum):
    """proposed → active → closed; active ↔ paused when participation consent is withdrawn."""

    PROPOSED = "proposed", _l("Proposed")
    ACTIVE = "active", _l("Active")
    PAUSED = "paused", _l("Paused")
    CLOSED = "closed", _l("Closed")


# Matches that hold one of the mentor's places (a paused match can resume at any time).
OPEN_MATCH_STATUSES = (MatchStatus.PROPOSED, MatchStatus.ACTIVE, MatchStatus.PAUSED)
# Action name → (statuses it may start from, status it leads to, what to say when it may not).
TRANSITIONS = {
    "activate": ((MatchStatus.PROPOSED,), MatchStatus.ACTIVE,
                 _l("Only a proposed match can be activated.")),
    "pause": ((MatchStatus.ACTIVE,), MatchStatus.PAUSED, _l("Only an active match can be paused.")),
    "resume": ((MatchStatus.PAUSED,), MatchStatus.ACTIVE,
               _l("Only a paused match can be resumed.")),
    "close": (OPEN_MATCH_STATUSES, MatchStatus.CLOSED, _l("This match is already closed.")),
}
# What a match's status allows, form by form: each move above, and a staff check-in (which
# leaves the status as it is). Action name → (statuses it is allowed in, what to say if not).
ALLOWED_IN = {action: (sources, refusal) for action, (sources, _, refusal) in TRANSITIONS.items()}
ALLOWED_IN["check_in"] = (OPEN_MATCH_STATUSES, _l("This match is already closed."))


class ClosureType(LabelledEnum):
    PLANNED = "planned", _l("Planned")
    UNPLANNED = "unplanned", _l("Unplanned")


class ClosureReason(LabelledEnum):
    COMPLETED_TERM = "completed_term", _l("Completed the agreed term")
    MENTEE_MOVED = "mentee_moved", _l("Mentee moved away")
    MENTOR_WITHDREW = "mentor_withdrew", _l("Mentor withdrew")
    MENTEE_WITHDREW = "mentee_withdrew", _l("Mentee or family withdrew")
    LOST_CONTACT = "lost_contact", _l("Lost contact")
    CONSENT_WITHDRAWN = "consent_withdrawn", _l("Guardian withdrew consent")
    SAFETY_CONCERN = "safety_concern", _l("Safety concern")
    OTHER = "other", _l("Other")


class SessionKind(LabelledEnum):
    IN_PERSON = "in_person", _l("In person")
    PHONE = "phone", _l("Phone")
    VIDEO = "video", _l("Video call")


class AlertKind(LabelledEnum):
    CONCERN = "concern", _l("Safeguarding concern")
    CONSENT_WITHDRAWN = "consent_withdrawn", _l("Consent withdrawn")


class GoalProgress(LabelledEnum):
    """How far a match has come with one of its goals, as a coordinator rates it at a check-in."""

    NOT_STARTED = "not_started", _l("Not started")
    SOME_PROGRESS = "some_progress", _l("Some progress")
    ACHIEVED = "achieved", _l("Achieved"), "ok"
