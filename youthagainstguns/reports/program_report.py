"""The program report for a period: every figure staff, funders and dashboards are shown.

`build_program_report(period)` is the one place the page, the PDF and the CSVs (and any
dashboard) take the program's figures for a period from; `build_speaker_report(period)` the
same for the per-speaker report. Both return plain frozen dataclasses whose counts of children
are already suppressed (reports/suppression.py):

- Every count of children in a breakdown (per district, school, month, match status, goal
  progress, speaker) is a `Cell`, suppressed as a column against the total shown beside it
  (complementary suppression); referrals by service and outcome are suppressed as a table
  against its row, column and grand totals. The total of a district, school or month table is the
  program's distinct students reached (a student reached in two rows counts in each, once in
  the total), the same `Cell` in every table and in the key figures, hidden in all where
  hidden in one.
- Headline counts of children (students reached, certificates issued, active matches) are
  hidden when 1 to 4.
- A rate (`Rate`) is hidden when the count of its row is hidden or its numerator or
  denominator is 1 to 4: it would give the count away.

The series cover the period's months when it touches at least `MIN_SERIES_MONTHS` months;
a shorter period (a month, say) is drawn in the 12 months ending with its last month, so a
chart has a trend to show; the months table then has no total row (the distinct students of
those 12 months are not among the figures).

Costs a fixed 9 statements for the program report and 2 for the speaker report, whatever the
number of workshops, schools or speakers.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from .. import charts
from ..mentoring.models import GoalProgress, MatchStatus
from ..referrals.enums import ReferralStatus, ServiceKind
from . import figures, suppression
from .figures import FigureScope, Period, Share
from .suppression import SHOWN_COMPLEMENT, Cell, is_small, share_rate, single, suppress_column

MIN_SERIES_MONTHS = 3
SERIES_MONTHS = 12


@dataclass(frozen=True)
class Rate:
    """A share to show: its value (0.85), None when there was nothing to divide; `hidden`
    when it would give away a suppressed count (shown as "*")."""

    value: Decimal | None
    hidden: bool = False

    @property
    def shown(self) -> str:
        """Return the rate as the reader sees it: "66,7 %", "*" or "—"."""
        if self.hidden:
            return SHOWN_COMPLEMENT
        return "—" if self.value is None else charts.percent(self.value)

    @property
    def drawn(self) -> float | None:
        """Return the value for a chart: None (no bar) when hidden or missing."""
        return None if self.hidden or self.value is None else float(self.value)


Value = str | int | Decimal | Cell | Rate  # a table's cell; Cell and Rate know how they show
Tile = tuple[str, str, Value]  # a key figure as shown: its name, its label, its value


@dataclass(frozen=True)
class BreakdownRow:
    """A district's, school's or speaker's row: workshops, students reached (suppressed),
    the attendance rate and, for a school, its district; for a speaker, districts covered
    and the average number attending per workshop."""

    name: str
    workshops: int
    reached: Cell
    attendance: Rate
    district: str | None = None
    districts: int = 0
    average: Decimal | str = SHOWN_COMPLEMENT  # attended lines per workshop; "*" when hidden


@dataclass(frozen=True)
class MonthRow:
    """One month of the series: workshops held, students reached (suppressed), mentoring hours."""

    month: date
    workshops: int
    reached: Cell
    mentoring_hours: Decimal


@dataclass(frozen=True)
class ProgramReport:
    """The program's figures for `period`, suppressed, for the page, the PDF and the CSVs.

    `reached` is the distinct students reached in the period: the key figure and the total
    row of `districts`, `schools` and (when `months_total` is set) `months`.
    """

    period: Period
    series_period: Period  # the months of `months`: the period, or the 12 months ending with it
    reached: Cell
    workshops_held: int
    attendance: Rate
    certificates_issued: Cell
    active_matches: Cell
    mentoring_hours: Decimal
    retention: Rate
    districts: list[BreakdownRow]
    schools: list[BreakdownRow]
    months: list[MonthRow]
    months_total: Cell | None  # `reached` when the series is the period, else None
    matches: list[tuple[MatchStatus, Cell]]  # today's, every status
    matches_total: Cell
    goals: list[tuple[GoalProgress, Cell]]  # latest ratings at the period's check-ins
    goals_total: Cell
    referrals: suppression.Table  # per service kind (row) and outcome (REFERRAL_OUTCOMES)
    referral_kinds: list[ServiceKind]  # the rows of `referrals`

    @property
    def series_is_period(self) -> bool:
        """Tell whether the series covers the period itself (not the 12 months to its end)."""
        return self.series_period == self.period


@dataclass(frozen=True)
class SpeakerReport:
    """Per speaker alias (never the legal name): workshops given, students reached
    (suppressed against `reached`, the period's distinct students), attendance, districts."""

    period: Period
    rows: list[BreakdownRow]
    reached: Cell
    workshops_held: int


def rate_of(share: Share | None, count: Cell | None = None) -> Rate:
    """Return the share's rate, hidden when `count` (its row's children) is hidden or its
    numerator or denominator is 1 to 4."""
    if share is None or not share.denominator:
        return Rate(None)
    value = share_rate(share.numerator, share.denominator)
    if value is None or (count is not None and count.suppressed):
        return Rate(None, hidden=True)
    return Rate(share.rate)


# The key figures, in the order every page, PDF and CSV shows them; the names are
# reports/figures.py's (a dashboard tile's data-figure).
FIGURE_LABELS = {
    "students_reached": _l("students reached"),
    "workshops_held": _l("workshops held"),
    "attendance_rate": _l("attendance rate"),
    "certificates_issued": _l("certificates issued"),
    "active_matches": _l("active matches"),
    "mentoring_hours": _l("mentoring hours"),
    "retention_rate": _l("match retention"),
}


def shown_alone(key: figures.KeyFigures, reached: Cell | None = None) -> dict[str, Value]:
    """Return a scope's key figures as shown (name → value), those that do not apply to it
    left out: counts of children hidden when 1 to 4, a rate hidden with its counts.

    :param reached: students reached as a table beside the figures shows it (hidden there
        to protect another cell), else the count shown alone.
    """
    if reached is None and key.students_reached is not None:
        reached = single(key.students_reached)
    values = {
        "students_reached": reached,
        "workshops_held": key.workshops_held,
        "attendance_rate": None if key.attendance is None else rate_of(key.attendance, reached),
        "certificates_issued": (None if key.certificates_issued is None
                                else single(key.certificates_issued)),
        "active_matches": None if key.active_matches is None else single(key.active_matches),
        "mentoring_hours": key.mentoring_hours,
        "retention_rate": None if key.retention is None else rate_of(key.retention),
    }
    return {name: value for name, value in values.items() if value is not None}


def strictest(*totals: Cell | None) -> Cell:
    """Return the one total every table shows: hidden if any table had to hide it."""
    present = [cell for cell in totals if cell is not None]
    return next((cell for cell in present if cell.suppressed), present[0])


def _rows(rows: list[figures.Row], total: int) -> tuple[list[BreakdownRow], Cell]:
    """Suppress the rows' students reached as a column against `total`; rates follow."""
    cells, shown_total = suppress_column([row.students_reached for row in rows], total)
    out = []
    for row, cell in zip(rows, cells, strict=True):
        average: Decimal | str = SHOWN_COMPLEMENT
        if not (cell.suppressed or is_small(row.attendance.numerator)):  # rows have workshops
            average = (Decimal(row.attendance.numerator) / row.workshops).quantize(
                figures.TENTH, ROUND_HALF_UP)
        out.append(BreakdownRow(name=row.name, workshops=row.workshops, reached=cell,
                                attendance=rate_of(row.attendance, cell), district=row.district,
                                districts=row.districts, average=average))
    return out, shown_total


def series_period(period: Period) -> Period:
    """Return the months the series cover: the period's, or the 12 ending with its last month
    when it touches fewer than MIN_SERIES_MONTHS."""
    if len(period.months()) >= MIN_SERIES_MONTHS:
        return period
    return Period.last_months(period.end, SERIES_MONTHS)


def build_program_report(period: Period) -> ProgramReport:
    """Return the program's figures for `period`, suppressed, in 9 SQL statements."""
    scope = FigureScope.program()
    key = figures.key_figures(period, scope)
    series = series_period(period)
    districts, district_total = _rows(figures.by_district(period, scope), key.students_reached)
    schools, school_total = _rows(figures.by_school(period, scope), key.students_reached)
    reached_per_month = figures.students_reached_per_month(series, scope)
    month_cells, month_total = suppress_column(
        [n for _month, n in reached_per_month],
        key.students_reached if series == period else None)
    reached = strictest(district_total, school_total, month_total,
                         single(key.students_reached))
    hours = dict(figures.mentoring_hours_per_month(series, scope))
    months = [MonthRow(month=month, workshops=workshops, reached=cell,
                       mentoring_hours=hours[month])
              for (month, workshops), cell in zip(figures.workshops_per_month(series, scope),
                                                  month_cells, strict=True)]
    statuses = figures.matches_by_status(scope)
    status_cells, matches_total = suppress_column([n for _status, n in statuses],
                                                  sum(n for _status, n in statuses))
    progress = figures.goal_progress(period, scope)
    goal_cells, goals_total = suppress_column([n for _progress, n in progress],
                                              sum(n for _progress, n in progress))
    shown = shown_alone(key, reached)
    kinds, referrals = _referrals(period)
    return ProgramReport(
        period=period, series_period=series, reached=reached,
        workshops_held=key.workshops_held, attendance=shown["attendance_rate"],
        certificates_issued=shown["certificates_issued"],
        active_matches=shown["active_matches"], mentoring_hours=key.mentoring_hours,
        retention=shown["retention_rate"], districts=districts, schools=schools, months=months,
        months_total=reached if series == period else None,
        matches=[(status, cell) for (status, _n), cell in zip(statuses, status_cells,
                                                             strict=True)],
        matches_total=matches_total,
        goals=list(zip((p for p, _n in progress), goal_cells, strict=True)),
        goals_total=goals_total, referrals=referrals, referral_kinds=kinds)


def _referrals(period: Period) -> tuple[list[ServiceKind], suppression.Table]:
    """The period's referrals by kind and outcome, suppressed against the row totals (each
    kind's referrals), the column totals (each outcome's) and the grand total."""
    rows = figures.referrals_by_kind(period)
    counts = [[outcomes[outcome] for outcome in figures.REFERRAL_OUTCOMES]
              for _kind, outcomes in rows]
    columns = [sum(column) for column in zip(*counts, strict=True)] if counts else None
    table = suppression.suppress(counts, row_totals=[sum(row) for row in counts],
                                 column_totals=columns,
                                 grand_total=sum(map(sum, counts)) if counts else None)
    return [kind for kind, _outcomes in rows], table


def build_speaker_report(period: Period) -> SpeakerReport:
    """Return the per-speaker figures for `period`, suppressed, in 2 SQL statements."""
    key = figures.key_figures(period)
    rows, total = _rows(figures.by_speaker(period), key.students_reached)
    return SpeakerReport(period=period, rows=rows, reached=total,
                         workshops_held=key.workshops_held)


# What the page, the PDF and the CSVs show of a report: tables, charts, sections --------------

@dataclass(frozen=True)
class Table:
    """A table of a report, for the page, the PDF and its CSV (`key` names the CSV)."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[Value]]
    total: list[Value] | None = None  # the total row, if any
    note: str | None = None  # said under the table
    text_columns: int = 1  # the first columns hold names, the others figures


@dataclass(frozen=True)
class Section:
    """A part of the report: its charts (SVG, each titled) and the table of their figures."""

    key: str
    title: str
    charts: list[tuple[str, Markup]]
    table: Table


def shown(value: Value) -> str:
    """Return a cell as a CSV writes it: a Cell's or Rate's `shown`, a Decimal as "3,5"."""
    if isinstance(value, Cell | Rate):
        return value.shown
    if isinstance(value, Decimal):
        return format_decimal(value)
    return str(value)


def key_figures(report: ProgramReport) -> dict[str, Value]:
    """Return the headline figures (name → value, FIGURE_LABELS' order)."""
    return {"students_reached": report.reached, "workshops_held": report.workshops_held,
            "attendance_rate": report.attendance,
            "certificates_issued": report.certificates_issued,
            "active_matches": report.active_matches, "mentoring_hours": report.mentoring_hours,
            "retention_rate": report.retention}


def figure_tiles(values: dict[str, Value]) -> list[Tile]:
    """Return (name, label, value) for each figure given, in FIGURE_LABELS' order."""
    return [(name, str(label), values[name]) for name, label in FIGURE_LABELS.items()
            if name in values]


def _count(cell: Cell) -> int | None:
    """A count for a chart: None (no bar) when hidden."""
    return None if cell.suppressed else cell.value


def _months_note(report: ProgramReport) -> str:
    if report.series_is_period:
        return _("A student reached in several months counts in each of them but once in the "
                 "total, so the months may add up to more than the total.")
    return _("The period is shorter than three months, so the months shown are the twelve "
             "ending with it; they have no total.")


def program_tables(report: ProgramReport) -> list[Table]:
    """Return every table of the report, the key figures first (each one CSV)."""
    total = _("Total (each student once)")
    months = [charts.month_label(row.month) for row in report.months]
    figures_table = Table("figures", _("Key figures"), [_("Figure"), _("Value")],
                          [[label, value] for _name, label, value
                           in figure_tiles(key_figures(report))])
    month_rows = [[label, row.workshops, row.reached]
                  for label, row in zip(months, report.months, strict=True)]
    month_total = (None if report.months_total is None
                   else [total, report.workshops_held, report.months_total])
    hours = [[label, row.mentoring_hours] for label, row in zip(months, report.months,
                                                               strict=True)]
    return [
        figures_table,
        Table("months", _("Workshops and students reached per month"),
              [_("Month"), _("Workshops"), _("Students")], month_rows, month_total,
              _months_note(report)),
        Table("districts", _("Students reached by district"),
              [_("District"), _("Workshops"), _("Students"), _("Attendance rate")],
              [[row.name, row.workshops, row.reached, row.attendance]
               for row in report.districts],
              [total, report.workshops_held, report.reached, report.attendance],
              _("A student reached in several districts counts in each of their rows but "
                "once in the total, so the rows may add up to more than the total.")),
        Table("schools", _("Students reached and attendance by school"),
              [_("School"), _("District"), _("Workshops"), _("Students"),
               _("Attendance rate")],
              [[row.name, row.district, row.workshops, row.reached, row.attendance]
               for row in report.schools],
              [total, "", report.workshops_held, report.reached, report.attendance],
              _("A student reached at several schools counts in each of their rows but once "
                "in the total, so the rows may add up to more than the total."),
              text_columns=2),
        Table("mentoring", _("Mentoring hours per month"), [_("Month"), _("Mentoring hours")],
              hours, [_("Total"), report.mentoring_hours if report.series_is_period
                      else sum((row.mentoring_hours for row in report.months), Decimal(0))]),
        Table("matches", _("Matches by status"), [_("Status"), _("Matches")],
              [[status.label, cell] for status, cell in report.matches],
              [_("Total"), report.matches_total],
              _("Today's matches, whatever the period: a match's status is not dated.")),
        Table("goals", _("Progress of the matches' goals"), [_("Progress"), _("Goals")],
              [[progress.label, cell] for progress, cell in report.goals],
              [_("Total"), report.goals_total],
              _("Each goal as of its latest rating at a staff check-in held in the period.")),
        _referrals_table(report),
    ]


def _outcome_label(outcome: str) -> str:
    return _("Still open") if outcome == figures.OPEN else ReferralStatus(outcome).label


def _referrals_table(report: ProgramReport) -> Table:
    """The referrals made in the period, per kind of service and outcome at its end."""
    table = report.referrals
    headers = [_("Service"), *map(_outcome_label, figures.REFERRAL_OUTCOMES), _("Total")]
    rows = [[kind.label, *cells, row_total] for kind, cells, row_total
            in zip(report.referral_kinds, table.cells, table.row_totals or [], strict=True)]
    total = ([_("Total"), *table.column_totals, table.grand_total] if table.column_totals
             else None)
    return Table("referrals", _("Referrals to partners by service and outcome"), headers, rows,
                 total, _("Referrals made in the period, by their outcome on its last day."))


def program_sections(report: ProgramReport) -> list[Section]:
    """Return the report's sections with their charts (the page and the PDF draw these).

    A chart that would draw nothing (no rows, or only hidden values and zeros) is left out:
    it would show empty axes or "no data"; its table says "No data yet", "<5", "*" or 0.
    """
    tables = {table.key: table for table in program_tables(report)}
    months = [charts.month_label(row.month) for row in report.months]
    month, students = _("Month"), _("Students")

    def per_month(values) -> list:
        return list(zip(months, values, strict=True))

    def drawn(draw, title, points, x_title, y_title, is_percent=False):
        values = [value for _label, value in points]
        if not any(values):  # no rows, or only hidden values and zeros: nothing to draw
            return None
        return title, draw(title, points, x_title=x_title, y_title=y_title,
                           is_percent=is_percent, show_title=False)

    def section(key: str, *drawn_charts) -> Section:
        return Section(key, tables[key].title, [c for c in drawn_charts if c], tables[key])

    return [
        section("months",
                drawn(charts.bar_chart, _("Workshops held per month"),
                      per_month(row.workshops for row in report.months), month,
                      _("Workshops")),
                drawn(charts.bar_chart, _("Students reached per month"),
                      per_month(_count(row.reached) for row in report.months), month,
                      students)),
        section("districts",
                drawn(charts.horizontal_bar, tables["districts"].title,
                      [(row.name, _count(row.reached)) for row in report.districts],
                      _("District"), students)),
        section("schools",
                drawn(charts.horizontal_bar, _("Attendance rate by school"),
                      [(row.name, row.attendance.drawn) for row in report.schools],
                      _("School"), _("Attendance rate"), is_percent=True)),
        section("mentoring",
                drawn(charts.line_chart, tables["mentoring"].title,
                      per_month(float(row.mentoring_hours) for row in report.months), month,
                      _("Hours"))),
        section("matches",
                drawn(charts.horizontal_bar, tables["matches"].title,
                      [(status.label, _count(cell)) for status, cell in report.matches],
                      _("Status"), _("Matches"))),
        section("goals",
                drawn(charts.horizontal_bar, tables["goals"].title,
                      [(progress.label, _count(cell)) for progress, cell in report.goals],
                      _("Progress"), _("Goals"))),
        section("referrals",
                drawn(charts.horizontal_bar, _("Referrals by service"),
                      [(kind.label, _count(total)) for kind, total
                       in zip(report.referral_kinds, report.referrals.row_totals or [],
                              strict=True)],
                      _("Service"), _("Referrals"))),
    ]


def speaker_table(report: SpeakerReport) -> Table:
    """Return the per-speaker table (the page's and the CSV's)."""
    return Table(
        "speakers", _("Workshops and students by speaker"),
        [_("Speaker"), _("Workshops given"), _("Students"), _("Attendance rate"),
         _("Average attending per workshop"), _("Districts covered")],
        [[row.name, row.workshops, row.reached, row.attendance, row.average, row.districts]
         for row in report.rows],
        [_("Total (each workshop and student once)"), report.workshops_held, report.reached,
         "", "", ""],
        _("A workshop given by several speakers, and a student reached by several, counts in "
          "each of their rows but once in the total."))
