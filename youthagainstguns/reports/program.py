"""Program totals for staff: reach, workshops, mentoring, with small counts suppressed."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ..extensions import db
from ..mentoring.models import Match, MatchStatus
from ..mentoring.summaries import MENTORING_MINUTES
from ..speakers.models import Speaker
from ..timeutil import last_month_starts, lima_day_bounds, month_bounds
from ..workshops.models import REPORTED, Workshop
from ..workshops.summaries import (
    HELD_BY_SPEAKER,
    REACHED,
    REACHED_BY_DISTRICT,
    REACHED_BY_SPEAKER,
    WORKSHOPS_HELD,
    ProgramFigure,
)

SUPPRESS_BELOW = 5
CHART_MONTHS = 12


def suppressed(count: int) -> str:
    """Show counts from 1 to 4 as "<5": so few children could be recognised."""
    return f"<{SUPPRESS_BELOW}" if 0 < count < SUPPRESS_BELOW else str(count)


def _figures(figure: str) -> sa.Select:
    return sa.select(ProgramFigure.key, ProgramFigure.value).where(
        ProgramFigure.figure == figure, ProgramFigure.value > 0)


def _figure(figure: str) -> int:
    return db.session.scalar(sa.select(ProgramFigure.value).where(
        ProgramFigure.figure == figure, ProgramFigure.key == "")) or 0


def totals() -> dict:
    """Return students reached, workshops held, mentoring hours and active matches."""
    return {
        "students": _figure(REACHED),
        "workshops": _figure(WORKSHOPS_HELD),
        "hours": round(_figure(MENTORING_MINUTES) / 60, 1),
        "matches": db.session.scalar(sa.select(sa.func.count(Match.id)).where(
            Match.status == MatchStatus.ACTIVE)),
    }


def workshops_by_month(today: date) -> list[tuple[date, int]]:
    """Return workshops held in each of the last twelve months (Lima calendar), counted by
    the database in one pass over the year."""
    months = last_month_starts(today, CHART_MONTHS)
    starts = [*months, month_bounds(months[-1])[1]]
    bounds = [lima_day_bounds(month)[0] for month in starts]
    counts = db.session.execute(sa.select(*(
        sa.func.count(sa.case((sa.and_(Workshop.starts_at >= start, Workshop.starts_at < end),
                               1)))
        for start, end in zip(bounds, bounds[1:], strict=False)))
        .where(Workshop.status.in_(REPORTED), Workshop.starts_at >= bounds[0],
               Workshop.starts_at < bounds[-1])).one()
    return list(zip(months, counts, strict=True))


def reach_by_district() -> list[tuple[str, str]]:
    """Return students reached per venue district, small counts suppressed."""
    query = _figures(REACHED_BY_DISTRICT).order_by(ProgramFigure.key)
    return [(district, suppressed(n)) for district, n in db.session.execute(query)]


def by_speaker(limit: int = 200) -> list[tuple[str, int, str]]:
    """Return, per speaker alias, workshops held and students reached (suppressed)."""
    held = _figures(HELD_BY_SPEAKER).subquery()
    reached = _figures(REACHED_BY_SPEAKER).subquery()
    query = (sa.select(Speaker.alias, held.c.value, sa.func.coalesce(reached.c.value, 0))
             .join(held, held.c.key == sa.cast(Speaker.id, sa.String))
             .outerjoin(reached, reached.c.key == held.c.key)
             .order_by(held.c.value.desc(), Speaker.alias).limit(limit))
    return [(alias, workshops, suppressed(students))
            for alias, workshops, students in db.session.execute(query)]


def bar_chart(points: list[tuple[str, int]]) -> list[dict]:
    """Return each bar's label, value and length as a percentage of the longest bar."""
    top = max((n for _label, n in points), default=0) or 1
    return [{"label": label, "value": n, "share": round(100 * n / top, 1)} for label, n in points]
