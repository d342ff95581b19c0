"""Program totals for staff: reach, workshops, mentoring, with small counts suppressed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..extensions import db
from ..mentoring.models import Match, MatchStatus
from ..mentoring.summaries import MENTORING_MINUTES
from ..speakers.models import Speaker
from ..workshops.summaries import (
    HELD_BY_SPEAKER,
    REACHED,
    REACHED_BY_DISTRICT,
    REACHED_BY_SPEAKER,
    WORKSHOPS_HELD,
    ProgramFigure,
)
from .figures import Period, workshops_per_month
from .suppression import Cell, suppress_column

CHART_MONTHS = 12


@dataclass(frozen=True)
class Breakdown:
    """Students reached per district, suppressed against `total`: every student reached,
    each once, so rows may add up to more than it."""

    rows: list[tuple[str, Cell]]
    total: Cell


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
    """Return workshops held in each of the last twelve months (Lima calendar)."""
    return workshops_per_month(Period.last_months(today, CHART_MONTHS))


def reach_by_district() -> Breakdown:
    """Return students reached per venue district and in all, suppressed as one column."""
    query = _figures(REACHED_BY_DISTRICT).order_by(ProgramFigure.key)
    rows = db.session.execute(query).all()
    cells, total = suppress_column([n for _district, n in rows], _figure(REACHED))
    return Breakdown([(district, cell) for (district, _n), cell in zip(rows, cells, strict=True)],
                     total)


def by_speaker(limit: int = 200) -> list[tuple[str, int, Cell]]:
    """Return, per speaker alias, workshops held and students reached, the students
    suppressed against the program's students reached (shown on the same page: without
    complements it would give away a lone hidden speaker's count)."""
    held = _figures(HELD_BY_SPEAKER).subquery()
    reached = _figures(REACHED_BY_SPEAKER).subquery()
    query = (sa.select(Speaker.alias, held.c.value, sa.func.coalesce(reached.c.value, 0))
             .join(held, held.c.key == sa.cast(Speaker.id, sa.String))
             .outerjoin(reached, reached.c.key == held.c.key)
             .order_by(held.c.value.desc(), Speaker.alias).limit(limit))
    rows = db.session.execute(query).all()
    cells, _total = suppress_column([students for _a, _w, students in rows], _figure(REACHED))
    return [(alias, workshops, cell)
            for (alias, workshops, _students), cell in zip(rows, cells, strict=True)]
