"""The retention period: `flask anonymize-expired` (a dry run unless --apply) and the monthly
job that applies it. Output and audit lines name records by id, never by name."""
from __future__ import annotations

import click

from ..extensions import db
from ..jobs import crontab, periodic_job
from . import services


def describe(expired: services.ExpiredRecords) -> list[str]:
    """Return the lines that say what was found: counts and ids."""
    return [
        f"Students past the retention period: {len(expired.student_ids)}"
        + (f" (ids: {', '.join(map(str, expired.student_ids))})" if expired.student_ids else ""),
        f"Mentees past the retention period: {len(expired.mentee_ids)}"
        + (f" (ids: {', '.join(map(str, expired.mentee_ids))})" if expired.mentee_ids else ""),
    ]


@click.command("anonymize-expired")
@click.option("--apply", "apply_", is_flag=True, help="Anonymise them (else only show them).")
def anonymize_expired(apply_: bool) -> None:
    """Show (or with --apply, anonymise) the records past RETENTION_YEARS."""
    expired = services.anonymise_expired() if apply_ else services.find_expired()
    for line in describe(expired):
        click.echo(line)
    if apply_:
        db.session.commit()
        click.echo("Anonymised.")
    else:
        click.echo("Dry run: nothing was changed. Run with --apply to anonymise them.")


# The 1st of each month at 09:00 UTC (04:00 in Lima), when nobody is working.
@periodic_job("privacy.anonymize_expired", crontab(minute="0", hour="9", day="1"))
def monthly_anonymisation() -> int:
    """The periodic job: anonymise what has expired; return how many records."""
    expired = services.anonymise_expired()
    db.session.commit()
    return len(expired.student_ids) + len(expired.mentee_ids)
