"""The coordinators' daily digest: at 07:00 in Lima, how many items the mentoring board shows.

Only counts and a link to the board go in the mail, never anyone's name; the counts come from
the board's own rules, and nothing is sent on a day when every count is zero.
"""
from __future__ import annotations

from datetime import date

from ..auth import notifications
from ..extensions import db
from ..jobs import crontab, periodic_job
from ..mail_models import MailKind
from ..timeutil import today_lima
from ..urls import absolute_url
from . import board


def digest_counts(today: date) -> dict[str, int]:
    """Count each of the board's lists for `today`."""
    return board.rule_counts(today)


def send_digest(today: date | None = None) -> int:
    """Mail the counts to every active coordinator and admin who wants them; return how many
    messages were queued (none when every count is zero)."""
    counts = digest_counts(today or today_lima())
    if not any(counts.values()):
        return 0
    # Rules registered by higher areas bring their own line (see board.register_rule).
    registered = [(rule.digest_line, counts[name])
                  for name, rule in board.registered_rules().items()
                  if rule.digest_line is not None]
    messages = notifications.notify(
        notifications.staff(), MailKind.DAILY_DIGEST, "daily_digest",
        link=absolute_url("mentoring.board"), registered=registered, **counts)
    return len(messages)


# 12:00 UTC is 07:00 in Lima (UTC-5, no daylight saving).
@periodic_job("mentoring.digest", crontab(minute="0", hour="12"))
def daily_digest() -> int:
    """The periodic job: send today's digest; the commit puts the mails on the send queue."""
    queued = send_digest()
    db.session.commit()
    return queued
