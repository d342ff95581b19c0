"""iCalendar feeds for Google Calendar and Outlook: venue and time, never students."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from icalendar import Calendar, Event, Timezone

from ..timeutil import to_lima, utcnow
from .models import Workshop, WorkshopStatus

PRODID = "-//Youth Against Guns//Talleres//ES"
TZID = "America/Lima"
# Peru has kept one offset since 1994: a VTIMEZONE from 2000 on is a single STANDARD block.
TZ_FIRST_DATE = date(2000, 1, 1)


def uid(workshop: Workshop) -> str:
    """Return the stable event UID, so calendars update an event instead of adding one."""
    return f"workshop-{workshop.id}@youthagainstguns"


def build_calendar(workshops: Iterable[Workshop], name: str) -> bytes:
    """Return an .ics document with one event per workshop."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TZID)
    calendar.add_component(Timezone.from_tzid(TZID, first_date=TZ_FIRST_DATE))
    stamp = utcnow()
    for workshop in workshops:
        calendar.add_component(_event(workshop, stamp))
    return calendar.to_ical()


def _event(workshop: Workshop, stamp) -> Event:
    event = Event()
    event.add("uid", uid(workshop))
    event.add("dtstamp", stamp)
    event.add("dtstart", to_lima(workshop.starts_at))
    event.add("dtend", to_lima(workshop.ends_at))
    event.add("summary", workshop.title)
    venue = workshop.venue
    event.add("location", f"{venue.name}, {venue.address}, {venue.district}")
    event.add("description", _description(workshop))
    cancelled = workshop.status == WorkshopStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("sequence", workshop.version_id)
    return event


def _description(workshop: Workshop) -> str:
    """Facts a speaker or school needs; aliases only, no roster, no internal notes."""
    lines = [
        _("Speakers: %(names)s", names=", ".join(s.alias for s in workshop.speakers) or "—"),
        _("Group size: %(n)d", n=workshop.seats_taken or workshop.capacity),
    ]
    if workshop.topic:
        lines.append(_("Topic: %(topic)s", topic=workshop.topic))
    if workshop.target_grades:
        lines.append(_("Grades: %(grades)s", grades=workshop.target_grades))
    if workshop.status == WorkshopStatus.CANCELLED and workshop.cancel_reason:
        lines.append(_("Cancelled: %(reason)s", reason=workshop.cancel_reason))
    return "\n".join(lines)
