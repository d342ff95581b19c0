"""The program since it started, from the figures kept as the data changes (ProgramFigure):
students reached, workshops held, mentoring hours, active matches, and reach by district and
by speaker, small counts suppressed.

The same definitions as reports/figures.py, read from kept rows instead of counted anew:
counted live, ten years at city scale took 11 s (scale 1, SQLite); kept, a few milliseconds.
The program report's page shows these under its period's figures.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

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
from .figures import TENTH
from .program_report import Table, Tile, figure_tiles, strictest
from .suppression import Cell, single, suppress_column


@dataclass(frozen=True)
class Breakdown:
    """Students reached per district (or per speaker: alias and workshops held), suppressed
    against `total`: every student reached, each once, so rows may add up to more than it."""

    rows: list[tuple]  # (key, Cell)
    total: Cell


def _figures(figure: str) -> sa.Select:
    return sa.select(ProgramFigure.key, ProgramFigure.value).where(
        ProgramFigure.figure == figure, ProgramFigure.value > 0)


def _figure(figure: str) -> int:
    return db.session.scalar(sa.select(ProgramFigure.value).where(
        ProgramFigure.figure == figure, ProgramFigure.key == "")) or 0


def totals() -> dict:
    """Return students reached, workshops held, mentoring hours and active matches."""
    kept = dict.fromkeys((REACHED, WORKSHOPS_HELD, MENTORING_MINUTES), 0) | dict(
        db.session.execute(sa.select(ProgramFigure.figure, ProgramFigure.value).where(
            ProgramFigure.key == "",
            ProgramFigure.figure.in_((REACHED, WORKSHOPS_HELD, MENTORING_MINUTES)))).all())
    return {
        "students": kept[REACHED],
        "workshops": kept[WORKSHOPS_HELD],
        "hours": (Decimal(kept[MENTORING_MINUTES]) / 60).quantize(TENTH, ROUND_HALF_UP),
        "matches": db.session.scalar(sa.select(sa.func.count(Match.id)).where(
            Match.status == MatchStatus.ACTIVE)),
    }


def reach_by_district(reached: int | None = None) -> Breakdown:
    """Return students reached per venue district and in all (`reached`, read when not
    given), suppressed as one column."""
    query = _figures(REACHED_BY_DISTRICT).order_by(ProgramFigure.key)
    rows = db.session.execute(query).all()
    cells, total = suppress_column([n for _district, n in rows],
                                   _figure(REACHED) if reached is None else reached)
    return Breakdown([(district, cell) for (district, _n), cell in zip(rows, cells, strict=True)],
                     total)


def by_speaker(limit: int = 200, reached: int | None = None) -> Breakdown:
    """Return, per speaker alias, workshops held and students reached, the students
    suppressed against the program's students reached (`reached`, read when not given: shown
    on the same page, without complements it would give away a lone hidden speaker's count).
    """
    held = _figures(HELD_BY_SPEAKER).subquery()
    students = _figures(REACHED_BY_SPEAKER).subquery()
    query = (sa.select(Speaker.alias, held.c.value, sa.func.coalesce(students.c.value, 0))
             .join(held, held.c.key == sa.cast(Speaker.id, sa.String))
             .outerjoin(students, students.c.key == held.c.key)
             .order_by(held.c.value.desc(), Speaker.alias).limit(limit))
    rows = db.session.execute(query).all()
    cells, total = suppress_column([n for _a, _w, n in rows],
                                   _figure(REACHED) if reached is None else reached)
    return Breakdown([((alias, workshops), cell)
                      for (alias, workshops, _n), cell in zip(rows, cells, strict=True)], total)


def since_start() -> tuple[list[Tile], list[Table]]:
    """Return the program's key figures since it started, as tiles, and its tables by
    district and by speaker, each suppressed against the students reached (in 4 statements).

    The tiles' students reached is hidden if either table had to hide it.
    """
    kept = totals()
    districts = reach_by_district(kept["students"])
    speakers = by_speaker(reached=kept["students"])
    reached = strictest(districts.total, speakers.total)
    tiles = figure_tiles({"students_reached": reached,
                          "workshops_held": kept["workshops"],
                          "active_matches": single(kept["matches"]),
                          "mentoring_hours": kept["hours"]})
    return tiles, [
        Table("districts", _("By district"), [_("District"), _("Students")],
              [[district, cell] for district, cell in districts.rows],
              [_("Total (each student once)"), reached] if districts.rows else None,
              _("A student reached in several districts counts in each of their rows but "
                "once in the total, so the rows may add up to more than the total.")),
        Table("speakers", _("By speaker"), [_("Speaker"), _("Workshops"), _("Students")],
              [[alias, workshops, cell] for (alias, workshops), cell in speakers.rows]),
    ]
