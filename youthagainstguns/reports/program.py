"""Program totals for staff: reach, workshops, mentoring, with small counts suppressed."""
from __future__ import annotations

from collections import Counter
from datetime import date

import sqlalchemy as sa

from ..extensions import db
from ..mentoring.models import Match, MatchStatus, MentoringSession
from ..schools.models import School
from ..speakers.models import Speaker
from ..timeutil import last_month_starts, lima_day_bounds, month_start, to_lima
from ..workshops.models import ATTENDED_STATUSES, RosterEntry, Workshop, workshop_speakers
from .services import REPORTED

SUPPRESS_BELOW = 5
CHART_MONTHS = 12


def suppressed(count: int) -> str:
    """Show counts from 1 to 4 as "<5": so few children could be recognised."""
    return f"<{SUPPRESS_BELOW}" if 0 < count < SUPPRESS_BELOW else str(count)


def _attended_students():
    return (sa.select(RosterEntry.student_id)
            .join(Workshop, Workshop.id == RosterEntry.workshop_id)
            .where(RosterEntry.status.in_(ATTENDED_STATUSES), Workshop.status.in_(REPORTED)))


def totals() -> dict:
    """Return students reached, workshops held, mentoring hours and active matches."""
    reached = _attended_students().distinct().subquery()
    minutes = db.session.scalar(sa.select(sa.func.sum(MentoringSession.duration_minutes)))
    return {
        "students": db.session.scalar(sa.select(sa.func.count()).select_from(reached)),
        "workshops": db.session.scalar(sa.select(sa.func.count(Workshop.id)).where(
            Workshop.status.in_(REPORTED))),
        "hours": round((minutes or 0) / 60, 1),
        "matches": db.session.scalar(sa.select(sa.func.count(Match.id)).where(
            Match.status == MatchStatus.ACTIVE)),
    }


def workshops_by_month(today: date) -> list[tuple[date, int]]:
    """Return workshops held in each of the last twelve months (Lima calendar)."""
    months = last_month_starts(today, CHART_MONTHS)
    since, _unused = lima_day_bounds(months[0])
    starts = db.session.scalars(sa.select(Workshop.starts_at).where(
        Workshop.status.in_(REPORTED), Workshop.starts_at >= since))
    counts = Counter(month_start(to_lima(s).date()) for s in starts)
    return [(month, counts.get(month, 0)) for month in months]


def reach_by_district() -> list[tuple[str, str]]:
    """Return students reached per venue district, small counts suppressed."""
    query = (sa.select(School.district, sa.func.count(sa.distinct(RosterEntry.student_id)))
             .select_from(RosterEntry)
             .join(Workshop, Workshop.id == RosterEntry.workshop_id)
             .join(School, School.id == Workshop.venue_id)
             .where(RosterEntry.status.in_(ATTENDED_STATUSES), Workshop.status.in_(REPORTED))
             .group_by(School.district).order_by(School.district))
    return [(district, suppressed(n)) for district, n in db.session.execute(query)]


def by_speaker(limit: int = 200) -> list[tuple[str, int, str]]:
    """Return, per speaker alias, workshops held and students reached (suppressed)."""
    held = (sa.select(workshop_speakers.c.speaker_id,
                      sa.func.count(sa.distinct(Workshop.id)).label("workshops"),
                      sa.func.count(sa.distinct(RosterEntry.student_id)).label("students"))
            .join(Workshop, Workshop.id == workshop_speakers.c.workshop_id)
            .outerjoin(RosterEntry, sa.and_(RosterEntry.workshop_id == Workshop.id,
                                            RosterEntry.status.in_(ATTENDED_STATUSES)))
            .where(Workshop.status.in_(REPORTED))
            .group_by(workshop_speakers.c.speaker_id).subquery())
    query = (sa.select(Speaker.alias, held.c.workshops, held.c.students)
             .join(held, held.c.speaker_id == Speaker.id)
             .order_by(held.c.workshops.desc(), Speaker.alias).limit(limit))
    return [(alias, workshops, suppressed(students))
            for alias, workshops, students in db.session.execute(query)]


def bar_chart(points: list[tuple[str, int]], width: int = 640, height: int = 200) -> dict:
    """Return the geometry of a bar chart (drawn as inline SVG by the template)."""
    top = max((n for _label, n in points), default=0) or 1
    slot = width / max(len(points), 1)
    plot = height - 30
    bars = []
    for i, (label, n) in enumerate(points):
        bar_height = round(plot * n / top, 1)
        bars.append({"x": round(i * slot + slot * 0.15, 1), "width": round(slot * 0.7, 1),
                     "y": round(plot - bar_height + 12, 1), "height": bar_height,
                     "label": label, "value": n, "centre": round(i * slot + slot / 2, 1)})
    return {"width": width, "height": height, "bars": bars, "baseline": plot + 12}
