"""School attendance reports: rows streamed from the database to a PDF or a CSV.

The PDF is built like a certificate pack: WeasyPrint renders the letterhead, totals and column
heads once (templates/pdf/reports/attendance.html) and pdf_fast draws the rows and page
numbers over it. Rows are read in batches and drawn as they come, so a year of a large school
does not build one huge layout tree (a plain WeasyPrint table of 10,000 rows took 1.27 GB).
"""
from __future__ import annotations

import io
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.lib.pagesizes import A4

from .. import pdf, pdf_fast
from ..auth.models import User
from ..csvexport import csv_chunks
from ..dbtypes import not_indexed
from ..extensions import db
from ..i18n import format_date, format_datetime, format_time
from ..schools.models import School
from ..timeutil import utcnow
from ..workshops.models import (
    REPORTED,
    UNMARKED,
    AttendanceStatus,
    RosterCount,
    RosterEntry,
    Student,
    Workshop,
    documents_visible_to,
    school_workshop_ids,
    took_place,
)
from .figures import Period, attendance_of

TEMPLATE = "reports/attendance.html"
PAGE_WIDTH, PAGE_HEIGHT = A4
BATCH = 500
# Millimetres; the template and the row drawer both read these.
GEOMETRY = {"top": 12, "side": 8, "bottom": 16, "header": 58, "head_row": 8, "row": 6}
ROW_FONT_PT = 8.5
STRIPE = (0xF1 / 255, 0xF5 / 255, 0xF4 / 255)
INK = (0.11, 0.16, 0.2)


@dataclass(frozen=True)
class Column:
    """One column of the report table, in PDF and CSV."""

    key: str
    label: str
    width: float
    align: str = "left"


def _columns(per_workshop: bool) -> list[Column]:
    """A workshop report needs no workshop or date column; a period report does."""
    if per_workshop:
        return [Column("n", _("No."), 12, "right"), Column("student", _("Student"), 104),
                Column("grade", _("Grade"), 30), Column("section", _("Section"), 20),
                Column("status", _("Attendance"), 28)]
    # Grade and section apart, as in a workshop report: a long grade ("4.º de secundaria")
    # clipped in one shared column hid the section.
    return [Column("n", _("No."), 11, "right"), Column("student", _("Student"), 56),
            Column("grade", _("Grade"), 31), Column("section", _("Section"), 15),
            Column("workshop", _("Workshop"), 42), Column("date", _("Date"), 20),
            Column("status", _("Attendance"), 19)]


@dataclass
class Scope:
    """Which roster lines a report covers: one school over a period, or one workshop."""

    school_id: int | None = None
    start: date | None = None
    end: date | None = None
    # Ids, not records: CSV rows are read after the view has committed and returned.
    workshop_id: int | None = None
    # A school contact's workshop report shows only their own school's students.
    only_school_id: int | None = None

    def where(self) -> list:
        """Return the SQL conditions on RosterEntry, Student and Workshop."""
        if self.workshop_id is not None:
            conditions = [RosterEntry.workshop_id == self.workshop_id]
            if self.only_school_id is not None:
                conditions.append(Student.school_id == self.only_school_id)
            return conditions
        first, last = self.period()
        return [not_indexed(Student.school_id) == self.school_id,
                Workshop.status.in_(REPORTED),
                Workshop.starts_at >= first, Workshop.starts_at < last,
                Workshop.id.in_(school_workshop_ids(self.school_id))]

    def period(self) -> tuple[datetime, datetime]:
        """Return the UTC instants where the period's first Lima day starts and its last ends."""
        return Period(self.start, self.end).bounds()

    @property
    def per_workshop(self) -> bool:
        """Tell whether the report covers a single workshop."""
        return self.workshop_id is not None


@dataclass
class Report:
    """Plain values printed above the table, plus its columns and row count."""

    title: str
    facts: list[tuple[str, str]]
    totals: list[tuple[str, int]]
    rate: str
    rate_label: str
    row_count: int
    columns: list[Column]
    generated: str
    # Status names in the reader's language, fixed before rows stream outside the request.
    status_labels: dict = field(default_factory=dict)
    page_word: str = field(default_factory=lambda: _("Page"))
    of_word: str = field(default_factory=lambda: _("of"))


STATUS_ORDER = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.EXCUSED,
                AttendanceStatus.ABSENT, None)
NOT_MARKED = _l("Not marked")


def _status_label(status: AttendanceStatus | None) -> str:
    return status.label if status is not None else str(NOT_MARKED)


def _joined(query):
    return query.join(Student, Student.id == RosterEntry.student_id).join(
        Workshop, Workshop.id == RosterEntry.workshop_id)


def count_by_status(scope: Scope) -> dict[AttendanceStatus | None, int]:
    """Return how many roster lines of the scope have each attendance status, added up from
    the kept roster counts (a few rows per workshop) rather than counted line by line."""
    query = sa.select(RosterCount.mark, sa.func.sum(RosterCount.pupils)).group_by(
        RosterCount.mark)
    if scope.per_workshop:
        query = query.where(RosterCount.workshop_id == scope.workshop_id)
        if scope.only_school_id is not None:
            query = query.where(RosterCount.school_id == scope.only_school_id)
    else:
        first, last = scope.period()
        query = query.join(Workshop, Workshop.id == RosterCount.workshop_id).where(
            RosterCount.school_id == scope.school_id, Workshop.status.in_(REPORTED),
            Workshop.starts_at >= first, Workshop.starts_at < last)
    return {None if mark == UNMARKED else AttendanceStatus(mark): int(n)
            for mark, n in db.session.execute(query)}


def reportable_workshops(user: User) -> sa.Select:
    """Select the held and closed workshops `user` may report on, newest first."""
    return (sa.select(Workshop)
            .where(took_place(), documents_visible_to(user))
            .options(so.joinedload(Workshop.venue)).order_by(Workshop.starts_at.desc()))


def _facts(scope: Scope) -> list[tuple[str, str]]:
    """Return what the report covers: the workshop, or the school and the period."""
    if not scope.per_workshop:
        school = db.session.get(School, scope.school_id)
        code = (" · " + _("School code: %(code)s", code=school.official_code)
                if school.official_code else "")
        return [(_("School"), f"{school.name} ({school.district}){code}"),
                (_("Period"), f"{format_date(scope.start)} – {format_date(scope.end)}")]
    workshop = db.session.get(Workshop, scope.workshop_id)
    facts = [(_("Workshop"), workshop.title),
             (_("Date"), format_date(workshop.starts_at) + " " + format_time(workshop.starts_at)),
             (_("Venue"), f"{workshop.venue.name} ({workshop.venue.district})")]
    if scope.only_school_id is not None:
        facts.append((_("School"), db.session.get(School, scope.only_school_id).name))
    return facts


def build_report(scope: Scope) -> Report:
    """Return the header, totals and columns of a report (one grouped query)."""
    counts = count_by_status(scope)
    total = sum(counts.values())
    attendance = attendance_of(counts)
    return Report(
        title=_("Attendance report"), facts=_facts(scope),
        totals=[(_("Students"), total)]
        + [(_status_label(s), counts.get(s, 0)) for s in STATUS_ORDER if s or counts.get(s)],
        rate=("—" if attendance.rate is None
              else format_percent(attendance.rate, "#,##0.0 %")),
        rate_label=_("Attendance rate"), row_count=total,
        columns=_columns(scope.per_workshop), generated=format_datetime(utcnow()),
        status_labels={s: _status_label(s) for s in STATUS_ORDER},
    )


def rows(scope: Scope, report: Report, connection=None) -> Iterator[tuple]:
    """Yield the report rows as tuples of plain values in the order of `report.columns`,
    read from the database in batches.

    :param connection: a Core connection, for CSV rows streamed after the request's session
        is gone; by default the request's session.
    """
    labels = report.status_labels
    execute = connection.execute if connection is not None else db.session.execute
    query = _joined(sa.select(
        RosterEntry.status, Student.first_name, Student.last_names, Student.grade,
        Student.section, Workshop.title, Workshop.starts_at,
    ).select_from(RosterEntry)).where(*scope.where()).order_by(
        Workshop.starts_at, Workshop.id, RosterEntry.position, RosterEntry.id)
    result = execute(query.execution_options(yield_per=BATCH))
    if scope.per_workshop:
        for n, (status, first, last, grade, section, _title, _starts) in enumerate(result, 1):
            yield n, f"{last}, {first}", grade, section, labels[status]
        return
    dates: dict = {}  # one workshop's rows share its date: format it once
    for n, (status, first, last, grade, section, title, starts_at) in enumerate(result, 1):
        day = dates.get(starts_at)
        if day is None:
            day = dates[starts_at] = format_date(starts_at)
        yield n, f"{last}, {first}", grade, section, title, day, labels[status]


def page_count(row_count: int) -> int:
    """Return how many pages the table needs (the first page holds fewer rows)."""
    first, later = _rows_per_page()
    return 1 if row_count <= first else 1 + math.ceil((row_count - first) / later)


def _rows_per_page() -> tuple[int, int]:
    g = GEOMETRY
    usable_first = 297 - g["bottom"] - g["top"] - g["header"] - g["head_row"]
    usable_later = 297 - g["bottom"] - g["top"] - g["head_row"]
    return int(usable_first // g["row"]), int(usable_later // g["row"])


def _draw_page_number(canvas, page: int, pages: int, report: Report) -> None:
    canvas.setFillColorRGB(0.36, 0.40, 0.44)
    canvas.setFont(pdf_fast.REGULAR, 7.5)
    canvas.drawRightString(PAGE_WIDTH - pdf_fast.points(GEOMETRY["side"]),
                           pdf_fast.points(GEOMETRY["bottom"] / 2 - 1),
                           f"{report.page_word} {page} {report.of_word} {pages}")


def _cells(columns: list[Column]) -> list[tuple[float, bool, float]]:
    """(x where the text starts, or ends if right-aligned; right-aligned?; room) per column."""
    points, x, cells = pdf_fast.points, pdf_fast.points(GEOMETRY["side"]), []
    for column in columns:
        right = column.align == "right"
        cells.append((x + points(column.width - 1) if right else x + points(1), right,
                      points(column.width - 2)))
        x += points(column.width)
    return cells


def _finish_page(canvas, text: pdf_fast.TextBlock, stripes: list[str], number: int,
                 report: Report) -> None:
    """Draw a page's stripes, then its queued cells and its number, and turn the page."""
    if stripes:
        fill = " ".join(f"{part:.3f}" for part in STRIPE)
        canvas.addLiteral(f"q {fill} rg\n" + "\n".join(stripes) + "\nf Q")
        stripes.clear()
    text.flush(INK)
    _draw_page_number(canvas, number, page_count(report.row_count), report)
    canvas.showPage()


def _draw_rows(canvas, report: Report, items: Iterable[tuple]) -> int:
    """Draw every row, turning pages as they fill; return the number of pages drawn.

    Cells are clipped to their column and queued in one text block per page, stripes in one
    path: a few canvas calls per page rather than seven per row.
    """
    g, points = GEOMETRY, pdf_fast.points
    first, later = _rows_per_page()
    left, width, height = points(g["side"]), PAGE_WIDTH - 2 * points(g["side"]), points(g["row"])
    cells = _cells(report.columns)
    text = pdf_fast.TextBlock(canvas, pdf_fast.REGULAR, ROW_FONT_PT)
    stripes: list[str] = []
    page, slot, capacity = 1, 0, first
    top = PAGE_HEIGHT - points(g["top"] + g["header"] + g["head_row"])
    for row in items:
        if slot == capacity:
            _finish_page(canvas, text, stripes, page, report)
            page, slot, capacity = page + 1, 0, later
            top = PAGE_HEIGHT - points(g["top"] + g["head_row"])
        y = top - (slot + 1) * height
        if slot % 2:
            stripes.append(f"{left:.2f} {y:.2f} {width:.2f} {height:.2f} re")
        baseline = y + height * 0.32
        for value, (x, right, room) in zip(row, cells, strict=True):
            text.add(x, baseline, str(value), room, right)
        slot += 1
    if report.row_count == 0:
        canvas.setFont(pdf_fast.REGULAR, ROW_FONT_PT)
        canvas.setFillColorRGB(0.36, 0.40, 0.44)
        canvas.drawString(left + points(1), top - height * 0.7,
                          _("No attendance recorded for this selection."))
    _finish_page(canvas, text, stripes, page, report)
    return page


def render_report_pdf(report: Report, items: Iterable[tuple]) -> bytes:
    """Render the report fast: one WeasyPrint background, rows drawn over it."""
    pages = page_count(report.row_count)
    background = pdf.render_pdf(TEMPLATE, report=report, columns=report.columns,
                                geometry=GEOMETRY, background=True, continuation=pages > 1)
    buffer = io.BytesIO()
    canvas = pdf_fast.new_canvas(buffer, A4, report.title)
    _draw_rows(canvas, report, items)
    canvas.save()
    return pdf_fast.compose([background], buffer.getvalue(), lambda i: min(i, 1))


def render_plain_report_pdf(report: Report, items: Iterable[tuple]) -> bytes:
    """Render the same report as one WeasyPrint <table> (the benchmark's baseline)."""
    keys = [c.key for c in report.columns]
    return pdf.render_pdf(TEMPLATE, report=report, columns=report.columns, geometry=GEOMETRY,
                          background=False, rows=(dict(zip(keys, row, strict=True))
                                                  for row in items))


def csv_lines(report: Report, items: Iterable[tuple]) -> Iterator[str]:
    """Yield the report as CSV, a few hundred rows at a time."""
    return csv_chunks([c.label for c in report.columns], items, batch=BATCH)
