"""What each role's dashboard shows, gathered from the areas' own queries and rules.

Nothing here counts anew what another area already counts: the coordinator's figures are the
program report's (reports/program_report.py build_program_report), a school's, speaker's or
mentor's are reports/figures.py's key figures shown as the report shows them
(program_report.shown_alone); the mentoring board's counts and what a mentor has due come from
mentoring/board.py, a speaker's workshops and the week's calendar from workshops/services.py.
Every count of children is suppressed as the report does: 1 to 4 is shown as "<5" on every
dashboard, a school's own included. "today" is passed in.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from ..auth.models import User
from ..extensions import db
from ..mentoring import board, screening
from ..mentoring.enums import MatchStatus
from ..mentoring.models import Match, MentorProfile
from ..reports import program_report
from ..reports.figures import FigureScope, Period, key_figures
from ..reports.program_report import ProgramReport, Section, Tile
from ..schools.models import School
from ..speakers.models import Speaker
from ..timeutil import lima_day_bounds, utcnow
from ..workshops.models import (
    REPORTED,
    UNMARKED,
    RosterCount,
    Workshop,
    WorkshopStatus,
    documents_visible_to,
)
from ..workshops.services import (
    CalendarDay,
    WorkshopFilter,
    speaker_workshops,
    workshops_by_day,
)

# The Peruvian school year runs March to December, in two halves; January and February are
# the summer holidays. A term starts on the first of each of these months and runs to the day
# before the next one starts: Jan–Feb (summer), Mar–Jul, Aug–Dec.
TERM_START_MONTHS = (1, 3, 8)
UPCOMING = 5  # workshops listed as "next"
TERM_LIST = 10  # held workshops of the term listed on a school's dashboard
WEEK_DAY_CAP = 4  # a day's workshops shown on the coordinator's week; the rest are counted
# The coordinator's choice of period for the key figures, the first the default.
PERIODS = {"month": _l("This month"), "quarter": _l("This quarter"), "year": _l("This year")}


def term_of(day: date) -> Period:
    """Return the school term (TERM_START_MONTHS) holding `day`."""
    start = max(month for month in TERM_START_MONTHS if month <= day.month)
    later = [month for month in TERM_START_MONTHS if month > day.month]
    end = (date(day.year, later[0], 1) - timedelta(days=1)) if later else date(day.year, 12, 31)
    return Period(date(day.year, start, 1), end)


def tiles(period: Period, scope: FigureScope) -> list[Tile]:
    """Return the key figures of `period` in `scope` (one statement) as tiles, each shown
    alone: counts of children from 1 to 4 hidden, a rate hidden with them."""
    return program_report.figure_tiles(program_report.shown_alone(key_figures(period, scope)))


# School contact ----------------------------------------------------------------------------

@dataclass(frozen=True)
class SchoolDashboard:
    """A school contact's term: their pupils' figures, the school's next and held workshops."""

    school: School
    term: Period
    tiles: list[Tile]
    upcoming: list[Workshop]
    held: list[Workshop]


def school_dashboard(user: User, today: date) -> SchoolDashboard | None:
    """Return a school contact's dashboard: their school's term, never another school's.

    Figures and held workshops are those of the school's attendance report: its own pupils,
    at the school and at any other venue (documents_visible_to). The upcoming workshops are
    those at the school, whose pages the contact may open.
    """
    school = db.session.get(School, user.school_id) if user.school_id else None
    if school is None:
        return None
    term = term_of(today)
    with_speakers = so.selectinload(Workshop.speakers)
    upcoming = db.session.scalars(
        sa.select(Workshop).options(with_speakers)
        .where(Workshop.venue_id == school.id, Workshop.status == WorkshopStatus.SCHEDULED,
               Workshop.ends_at >= utcnow())
        .order_by(Workshop.starts_at, Workshop.id).limit(UPCOMING)).all()
    first, last = term.bounds()
    held = db.session.scalars(  # a workshop elsewhere is shown with its venue's name
        sa.select(Workshop).options(with_speakers, so.joinedload(Workshop.venue))
        .where(documents_visible_to(user), Workshop.status.in_(REPORTED),
               Workshop.starts_at >= first, Workshop.starts_at < last)
        .order_by(Workshop.starts_at.desc(), Workshop.id.desc()).limit(TERM_LIST)).all()
    return SchoolDashboard(school, term, tiles(term, FigureScope.school(school.id)),
                           list(upcoming), list(held))


# Speaker -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SpeakerDashboard:
    """A speaker's next workshops and this year's figures."""

    speaker: Speaker
    year: Period
    tiles: list[Tile]
    upcoming: list[Workshop]


def speaker_dashboard(user: User, today: date) -> SpeakerDashboard | None:
    """Return a speaker's next workshops and this year's figures, their own only."""
    speaker = user.speaker
    if speaker is None:
        return None
    year = Period.year(today)
    return SpeakerDashboard(speaker, year, tiles(year, FigureScope.speaker(speaker.id)),
                            speaker_workshops(speaker, upcoming=True, limit=UPCOMING))


# Mentor ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MentorDashboard:
    """A mentor's active matches, hours this month and what is due."""

    mentor: MentorProfile
    tiles: list[Tile]
    active: list[Match]
    last_sessions: dict[int, date]
    due: list[str]


def mentor_dashboard(user: User, today: date) -> MentorDashboard | None:
    """Return a mentor's active matches, hours this month and what is due.

    The count of active matches is not suppressed: they are the mentor's own mentees.
    """
    mentor = screening.mentor_file_of(user)
    if mentor is None:
        return None
    last_sessions = board.last_session_dates([match.id for match in mentor.matches])
    hours = key_figures(Period.month(today), FigureScope.mentor(mentor.id)).mentoring_hours
    active = [match for match in mentor.matches if match.status == MatchStatus.ACTIVE]
    return MentorDashboard(
        mentor, program_report.figure_tiles({"mentoring_hours": hours,
                                             "active_matches": len(active)}),
        active, last_sessions, board.mentor_due_items(mentor, last_sessions, today))


# Coordinator and administrator -------------------------------------------------------------

@dataclass(frozen=True)
class ToTake:
    """A workshop of today with roster lines whose attendance is not taken yet."""

    workshop_id: int
    title: str
    starts_at: datetime
    venue_name: str
    unmarked: int


def attendance_to_take(today: date) -> list[ToTake]:
    """Return today's scheduled or held workshops with students still unmarked, by time."""
    first, last = lima_day_bounds(today)
    unmarked = sa.func.sum(RosterCount.pupils)
    rows = db.session.execute(
        sa.select(Workshop.id, Workshop.title, Workshop.starts_at, School.name, unmarked)
        .join(School, School.id == Workshop.venue_id)
        .join(RosterCount, sa.and_(RosterCount.workshop_id == Workshop.id,
                                   RosterCount.mark == UNMARKED, RosterCount.pupils > 0))
        .where(Workshop.starts_at >= first, Workshop.starts_at < last,
               Workshop.status.in_((WorkshopStatus.SCHEDULED, WorkshopStatus.HELD)))
        .group_by(Workshop.id, Workshop.title, Workshop.starts_at, School.name)
        .order_by(Workshop.starts_at, Workshop.id))
    return [ToTake(*row) for row in rows]


# The report's sections a dashboard shows (the rest: the report's own page).
DASHBOARD_SECTIONS = ("months", "mentoring", "matches", "referrals")


@dataclass(frozen=True)
class CoordinatorDashboard:
    """The staff dashboard: the week, attendance to take, the board, the program's figures."""

    today: date
    week: list[tuple[date, str]]  # Monday to Sunday, with the day's name ("lunes")
    by_day: dict[date, CalendarDay]
    to_take: list[ToTake]
    board_counts: dict[str, int]
    period_kind: str
    report: ProgramReport
    tiles: list[Tile]
    sections: list[Section]


def coordinator_dashboard(user: User, today: date, period_kind: str | None
                          ) -> CoordinatorDashboard:
    """Return the staff dashboard: the week, attendance to take, the board, and the program
    report of the chosen period (its key figures, series and matches)."""
    monday = today - timedelta(days=today.weekday())
    week = [monday + timedelta(days=n) for n in range(7)]
    kind = period_kind if period_kind in PERIODS else next(iter(PERIODS))
    report = program_report.build_program_report(Period.containing(kind, today))
    return CoordinatorDashboard(
        today=today, week=[(day, format_date(day, "EEEE")) for day in week],
        by_day=workshops_by_day(user, WorkshopFilter(date_from=week[0], date_to=week[-1]),
                                cap=WEEK_DAY_CAP),
        to_take=attendance_to_take(today), board_counts=board.rule_counts(today),
        period_kind=kind, report=report,
        tiles=program_report.figure_tiles(program_report.key_figures(report)),
        sections=[section for section in program_report.program_sections(report)
                  if section.key in DASHBOARD_SECTIONS])
