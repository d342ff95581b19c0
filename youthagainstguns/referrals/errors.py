"""Refusals the referrals area raises; views show their message by the field it belongs to."""
from ..mentoring.errors import MentoringError


class ReferralError(MentoringError):
    """A refused referral action: a message for people and, if it belongs to one, a field."""
