"""What each role's dashboard shows, gathered from the areas' own queries and rules.

Nothing here counts anew what another area already counts: figures come from
reports/figures.py, the mentoring board's counts and "no session in N days" from
mentoring/board.py, a speaker's workshops and the week's calendar from workshops/services.py.
Every count of children goes through reports/suppression.py: 1 to 4 is shown as "<5" on every
dashboard, a school's own included. "today" is passed in.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import charts
from ..auth.models import User
from ..extensions import db
from ..mentoring import board, screening
from ..mentoring.enums import MatchStatus
from ..mentoring.models import Match, MentorProfile
from ..reports.figures import (
    FigureScope,
    KeyFigures,
    Period,
    Share,
    key_figures,
    students_reached_per_month,
    workshops_per_month,
)
from ..reports.suppression import Cell, share_rate, single, suppress_column
from ..schools.models import School
from ..speakers.models import Speaker
from ..timeutil import lima_day_bounds, utcnow
from ..workshops.models import (
    REPORTED,
    UNMARKED,
    RosterCount,
    Workshop,
    WorkshopStatus,
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
CHART_MONTHS = 12
# The coordinator's choice of period for the key figures, the first the default.
PERIODS = {"month": _l("This month"), "quarter": _l("This quarter"), "year": _l("This year")}


def term_of(day: date) -> Period:
    """Return the school term (TERM_START_MONTHS) holding `day`."""
    start = max(month for month in TERM_START_MONTHS if month <= day.month)
    later = [month for month in TERM_START_MONTHS if month > day.month]
    end = (date(day.year, later[0], 1) - timedelta(days=1)) if later else date(day.year, 12, 31)
    return Period(date(day.year, start, 1), end)


def shown_rate(share: Share | None) -> float | None:
    """Return a share's rate, or None when there is none or either count is 1 to 4 (the rate
    would give it away)."""
    return None if share is None else share_rate(share.numerator, share.denominator)


@dataclass(frozen=True)
class Headline:
    """A period's key figures as a dashboard shows them, child counts suppressed."""

    figures: KeyFigures
    students_reached: Cell | None
    attendance_rate: float | None
    certificates_issued: Cell | None
    active_matches: Cell | None  # each match is a young person
    retention_rate: float | None


def headline(period: Period, scope: FigureScope | None = None) -> Headline:
    """Return the key figures of `period` in `scope` (one statement), ready to show."""
    figures = key_figures(period, scope)

    def cell(count: int | None) -> Cell | None:
        return None if count is None else single(count)

    return Headline(figures, cell(figures.students_reached), shown_rate(figures.attendance),
                    cell(figures.certificates_issued), cell(figures.active_matches),
                    shown_rate(figures.retention))


# School contact ----------------------------------------------------------------------------

@dataclass(frozen=True)
class SchoolDashboard:
    """A school contact's term: figures at their school, its next and held workshops."""

    school: School
    term: Period
    headline: Headline
    upcoming: list[Workshop]
    held: list[Workshop]


def school_dashboard(user: User, today: date) -> SchoolDashboard | None:
    """Return a school contact's dashboard: their school's term, never another school's."""
    school = db.session.get(School, user.school_id) if user.school_id else None
    if school is None:
        return None
    term = term_of(today)
    at_school = sa.select(Workshop).where(Workshop.venue_id == school.id).options(
        so.selectinload(Workshop.speakers))
    upcoming = db.session.scalars(
        at_school.where(Workshop.status == WorkshopStatus.SCHEDULED, Workshop.ends_at >= utcnow())
        .order_by(Workshop.starts_at, Workshop.id).limit(UPCOMING)).all()
    first, last = term.bounds()
    held = db.session.scalars(
        at_school.where(Workshop.status.in_(REPORTED), Workshop.starts_at >= first,
                        Workshop.starts_at < last)
        .order_by(Workshop.starts_at.desc(), Workshop.id.desc()).limit(TERM_LIST)).all()
    return SchoolDashboard(school, term, headline(term, FigureScope.venue(school.id)),
                           list(upcoming), list(held))


# Speaker -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SpeakerDashboard:
    """A speaker's next workshops and this year's figures."""

    speaker: Speaker
    year: Period
    headline: Headline
    upcoming: list[Workshop]


def speaker_dashboard(user: User, today: date) -> SpeakerDashboard | None:
    """Return a speaker's next workshops and this year's figures, their own only."""
    speaker = user.speaker
    if speaker is None:
        return None
    year = Period.year(today)
    return SpeakerDashboard(speaker, year, headline(year, FigureScope.speaker(speaker.id)),
                            speaker_workshops(speaker, upcoming=True, limit=UPCOMING))


# Mentor ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MentorDashboard:
    """A mentor's active matches, hours this month and what is due."""

    mentor: MentorProfile
    hours: Decimal
    active: list[Match]
    last_sessions: dict[int, date]
    due: list[str]


def check_ins_due(mentor: MentorProfile, today: date) -> list[Match]:
    """Return the mentor's matches behind on staff check-ins: the board's rule, narrowed."""
    overdue = board.RULES["check_ins"].query(today).where(Match.mentor_id == mentor.id)
    ids = set(db.session.scalars(sa.select(overdue.subquery().c.id)))
    return [match for match in mentor.matches if match.id in ids]


def mentor_dashboard(user: User, today: date) -> MentorDashboard | None:
    """Return a mentor's active matches, hours this month and what is due."""
    mentor = screening.mentor_file_of(user)
    if mentor is None:
        return None
    last_sessions = board.last_session_dates([match.id for match in mentor.matches])
    due = board.mentor_due_items(mentor, last_sessions, today)
    due += [_("The coordination team's check-in on your match with %(name)s is due: they "
              "will contact you.", name=match.mentee.first_name)
            for match in check_ins_due(mentor, today)]
    figures = key_figures(Period.month(today), FigureScope.mentor(mentor.id))
    active = [match for match in mentor.matches if match.status == MatchStatus.ACTIVE]
    return MentorDashboard(mentor, figures.mentoring_hours, active, last_sessions, due)


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


@dataclass(frozen=True)
class MonthTable:
    """A per-month chart and its table's rows (month, shown value)."""

    chart: str
    rows: list[tuple[str, int | str]]


def _month_chart(title: str, y_title: str, series: list[tuple[date, int]], *,
                 children: bool) -> MonthTable:
    """Draw a per-month series as bars, children's counts suppressed in chart and table."""
    labels = [charts.month_label(month) for month, _n in series]
    if children:
        cells, _total = suppress_column([n for _month, n in series])
        values = [None if cell.suppressed else cell.value for cell in cells]
        shown = [cell.shown if cell.suppressed else cell.value for cell in cells]
    else:
        values = shown = [n for _month, n in series]
    chart = charts.bar_chart(title, list(zip(labels, values, strict=True)),
                             x_title=_("Month"), y_title=y_title, show_title=False)
    return MonthTable(chart, list(zip(labels, shown, strict=True)))


@dataclass(frozen=True)
class CoordinatorDashboard:
    """The staff dashboard: the week, attendance to take, the board, the figures."""

    today: date
    week: list[tuple[date, str]]  # Monday to Sunday, with the day's name ("lunes")
    by_day: dict[date, CalendarDay]
    to_take: list[ToTake]
    board_counts: dict[str, int]
    period_kind: str
    period: Period
    headline: Headline
    workshops_chart: MonthTable
    students_chart: MonthTable


def coordinator_dashboard(user: User, today: date, period_kind: str | None
                          ) -> CoordinatorDashboard:
    """Return the staff dashboard: the week, attendance to take, the board, the figures."""
    monday = today - timedelta(days=today.weekday())
    week = [monday + timedelta(days=n) for n in range(7)]
    kind = period_kind if period_kind in PERIODS else next(iter(PERIODS))
    period = Period.containing(kind, today)
    months = Period.last_months(today, CHART_MONTHS)
    return CoordinatorDashboard(
        today=today, week=[(day, format_date(day, "EEEE")) for day in week],
        by_day=workshops_by_day(user, WorkshopFilter(date_from=week[0], date_to=week[-1]),
                                cap=WEEK_DAY_CAP),
        to_take=attendance_to_take(today), board_counts=board.rule_counts(today),
        period_kind=kind, period=period, headline=headline(period),
        workshops_chart=_month_chart(_("Workshops held per month"), _("Workshops"),
                                     workshops_per_month(months), children=False),
        students_chart=_month_chart(_("Students reached per month"), _("Students"),
                                    students_reached_per_month(months), children=True))
