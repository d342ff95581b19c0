"""The referrals area's labelled enums: the kinds of service partners offer, and a referral's
statuses with the moves between them."""
from flask_babel import lazy_gettext as _l

from ..enums import LabelledEnum


class ServiceKind(LabelledEnum):
    """What a partner offers, and what a referral asks for."""

    EDUCATION = "education", _l("Education")
    EMPLOYMENT = "employment", _l("Vocational training and employment")
    PSYCHOLOGICAL = "psychological", _l("Psychological support")
    LEGAL = "legal", _l("Legal aid")
    HEALTH = "health", _l("Health and substance use")
    FAMILY = "family", _l("Family support")
    OTHER = "other", _l("Other")


class ReferralStatus(LabelledEnum):
    """proposed → sent → accepted → in progress → completed; or declined, did not attend,
    withdrawn."""

    PROPOSED = "proposed", _l("Proposed")
    SENT = "sent", _l("Sent")
    ACCEPTED = "accepted", _l("Accepted")
    IN_PROGRESS = "in_progress", _l("In progress"), "ok"
    COMPLETED = "completed", _l("Completed"), "ok"
    DECLINED = "declined", _l("Declined by the partner"), "bad"
    DID_NOT_ATTEND = "did_not_attend", _l("Did not attend"), "bad"
    WITHDRAWN = "withdrawn", _l("Withdrawn"), "warn"


S = ReferralStatus
# Statuses a referral ends in: nothing moves it on.
ENDED_STATUSES = (S.COMPLETED, S.DECLINED, S.DID_NOT_ATTEND, S.WITHDRAWN)
# Statuses in which the partner has the young person's case and staff follow it up.
FOLLOWED_STATUSES = (S.SENT, S.ACCEPTED, S.IN_PROGRESS)
# Action name → (statuses it may start from, status it leads to, what to say when it may not).
TRANSITIONS = {
    "send": ((S.PROPOSED,), S.SENT, _l("Only a proposed referral can be sent.")),
    "accept": ((S.SENT,), S.ACCEPTED, _l("Only a sent referral can be accepted.")),
    "start": ((S.ACCEPTED,), S.IN_PROGRESS, _l("Only an accepted referral can start.")),
    "complete": ((S.IN_PROGRESS,), S.COMPLETED,
                 _l("Only a referral in progress can be completed.")),
    "decline": ((S.SENT,), S.DECLINED, _l("Only a sent referral can be declined.")),
    "no_show": ((S.ACCEPTED,), S.DID_NOT_ATTEND,
                _l("Only an accepted referral can be marked as not attended.")),
    "withdraw": ((S.PROPOSED, S.SENT, S.ACCEPTED, S.IN_PROGRESS), S.WITHDRAWN,
                 _l("This referral has already ended.")),
}
# The button each move shows on the referral's page.
MOVE_LABELS = {
    "send": _l("Mark as sent"),
    "accept": _l("Mark as accepted"),
    "start": _l("Mark as started"),
    "complete": _l("Mark as completed"),
    "decline": _l("Declined by the partner"),
    "no_show": _l("Did not attend"),
    "withdraw": _l("Withdraw"),
}
