"""Entry point of the referrals pages: mounts every view module on the blueprint, and adds the
overdue follow-ups to the mentoring board (board_rule) before the app serves anything."""
from . import board_rule, partner_views, referral_views  # noqa: F401
from .blueprint import bp

__all__ = ["bp"]
