"""The 24-hour reminder: the speakers and the venue's school contacts get one mail per workshop,
in their own language, with the workshop's .ics event attached.

Every 15 minutes the job looks for scheduled workshops starting within the next 24 hours that
have no reminder for their current start time. Each is claimed with a conditional UPDATE of
`Workshop.reminder_sent_for` in the same transaction as its mails, so overlapping runs remind
it once; a reschedule changes `starts_at` and so earns a reminder for the new time. The mail
names the speakers by alias only and says nothing about the students.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import force_locale

from ..auth import notifications
from ..auth.models import User
from ..extensions import db
from ..jobs import crontab, periodic_job
from ..mail import Attachment
from ..mail_models import MailKind
from ..timeutil import utcnow
from ..urls import absolute_url
from . import ics
from .models import Workshop, WorkshopStatus

LEAD = timedelta(hours=24)
# A workshop saved moments ago may still be corrected; wait one job run before reminding, so a
# workshop created 3 hours ahead is still reminded, with its corrected details.
GRACE = timedelta(minutes=15)


def _not_reminded_for_this_start():
    return sa.or_(Workshop.reminder_sent_for.is_(None),
                  Workshop.reminder_sent_for != Workshop.starts_at)


def due_workshops(now: datetime) -> list[Workshop]:
    """Return the scheduled workshops to remind at `now`, soonest first."""
    return list(db.session.scalars(
        sa.select(Workshop)
        .options(so.joinedload(Workshop.venue), so.selectinload(Workshop.speakers))
        .where(Workshop.status == WorkshopStatus.SCHEDULED,
               Workshop.starts_at > now, Workshop.starts_at <= now + LEAD,
               Workshop.created_at <= now - GRACE, _not_reminded_for_this_start())
        .order_by(Workshop.starts_at, Workshop.id)))


def _claim(workshop: Workshop) -> bool:
    """Mark `workshop` reminded for the start time read; only one transaction can win."""
    # A bulk UPDATE leaves version_id alone: the marker is no edit a coordinator could lose.
    claimed = db.session.execute(
        sa.update(Workshop)
        .where(Workshop.id == workshop.id, Workshop.status == WorkshopStatus.SCHEDULED,
               Workshop.starts_at == workshop.starts_at, _not_reminded_for_this_start())
        .values(reminder_sent_for=Workshop.starts_at)
        .execution_options(synchronize_session=False)
    ).rowcount
    return claimed == 1


def remind(workshop: Workshop) -> int:
    """Claim `workshop` and queue its reminder to each speaker and venue contact who wants it;
    return how many mails were queued (0 if another run claimed it first)."""
    if not _claim(workshop):
        return 0
    facts = {"title": workshop.title, "starts_at": workshop.starts_at,
             "ends_at": workshop.ends_at, "venue_name": workshop.venue.name,
             "venue_address": workshop.venue.address, "venue_district": workshop.venue.district,
             "speakers": ", ".join(speaker.alias for speaker in workshop.speakers)}
    speakers = [speaker.user for speaker in workshop.speakers if speaker.user is not None]
    contacts = notifications.school_contacts(workshop.venue_id)
    queued = _notify(workshop, speakers, for_speaker=True,
                     link=absolute_url("workshops.speaker_schedule"), **facts)
    queued += _notify(workshop, contacts, for_speaker=False,
                      link=absolute_url("workshops.detail", workshop_id=workshop.id), **facts)
    db.session.flush()
    return queued


def _notify(workshop: Workshop, users: Iterable[User], **context) -> int:
    """Queue the reminder to `users`, with the .ics event written in each one's language."""
    by_locale: dict[str, list[User]] = defaultdict(list)
    for user in users:
        by_locale[user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]].append(user)
    queued = 0
    for locale, group in by_locale.items():
        with force_locale(locale):
            event = ics.build_calendar([workshop], workshop.title)
        attachment = Attachment(f"taller-{workshop.id}.ics", "text/calendar", event)
        queued += len(notifications.notify(group, MailKind.WORKSHOP_REMINDER, "workshop_reminder",
                                           attachments=[attachment], **context))
    return queued


@periodic_job("workshops.reminders", crontab(minute="*/15"))
def send_reminders(now: datetime | None = None) -> int:
    """The periodic job: remind each due workshop in its own transaction; return mails queued."""
    queued = 0
    for workshop in due_workshops(now or utcnow()):
        queued += remind(workshop)
        db.session.commit()  # one workshop's claim and mails together, and its lock let go
    return queued
