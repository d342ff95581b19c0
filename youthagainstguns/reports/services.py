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
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.lib.pagesizes import A4

from .. import pdf, pdf_fast
from ..auth.models import User
from ..csvexport import csv_chunks
from ..extensions import db
from ..i18n import format_date, format_datetime, format_time
from ..schools.models import School
from ..timeutil import lima_day_bounds, utcnow
from ..workshops.models import (
    ATTENDED_STATUSES,
    AttendanceStatus,
    RosterEntry,
    Student,
    Workshop,
    WorkshopStatus,
    documents_visible_to,
)

TEMPLATE = "reports/attendance.html"
PAGE_WIDTH, PAGE_HEIGHT = A4
REPORTED = (WorkshopStatus.HELD, WorkshopStatus.CLOSED)
BATCH = 500
# Millimetres; the template and the row drawer both read these.
GEOMETRY = {"top": 12, "side": 8, "bottom": 16, "header": 58, "head_row": 8, "row": 6}
ROW_FONT_PT = 8.5
STRIPE = (0xF1 / 255, 0xF5 / 255, 0xF4 / 255)


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
    return [Column("n", _("No."), 11, "right"), Column("student", _("Student"), 62),
            Column("grade", _("Grade and section"), 25), Column("workshop", _("Workshop"), 52),
            Column("date", _("Date"), 20), Column("status", _("Attendance"), 24)]


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
        first, _unused = lima_day_bounds(self.start)
        _unused, last = lima_day_bounds(self.end)
        return [Student.school_id == self.school_id, Workshop.status.in_(REPORTED),
                Workshop.starts_at >= first, Workshop.starts_at < last]

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
    """Return how many roster lines of the scope have each attendance status."""
    query = _joined(sa.select(RosterEntry.status, sa.func.count()).select_from(RosterEntry))
    rows = db.session.execute(query.where(*scope.where()).group_by(RosterEntry.status))
    return {status: n for status, n in rows}


def reportable_workshops(user: User) -> sa.Select:
    """Select the held and closed workshops `user` may report on, newest first."""
    return (sa.select(Workshop)
            .where(Workshop.status.in_(REPORTED), documents_visible_to(user))
            .options(so.joinedload(Workshop.venue)).order_by(Workshop.starts_at.desc()))


def _facts(scope: Scope) -> list[tuple[str, str]]:
    """Return what the report covers: the workshop, or the school and the period."""
    if not scope.per_workshop:
        school = db.session.get(School, scope.school_id)
        code = f" · {_('School code')}: {school.official_code}" if school.official_code else ""
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
    attended = sum(counts.get(status, 0) for status in ATTENDED_STATUSES)
    return Report(
        title=_("Attendance report"), facts=_facts(scope),
        totals=[(_("Students"), total)]
        + [(_status_label(s), counts.get(s, 0)) for s in STATUS_ORDER if s or counts.get(s)],
        rate=format_percent(attended / total, "#,##0.0 %") if total else "—",
        rate_label=_("Attendance rate"), row_count=total,
        columns=_columns(scope.per_workshop), generated=format_datetime(utcnow()),
        status_labels={s: _status_label(s) for s in STATUS_ORDER},
    )


def rows(scope: Scope, report: Report, connection=None) -> Iterator[dict]:
    """Yield the report rows as plain values, read from the database in batches.

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
    for n, (status, first, last, grade, section, title, starts_at) in enumerate(result, 1):
        yield {
            "n": n, "student": f"{last}, {first}", "grade": grade, "section": section,
            "workshop": title, "date": format_date(starts_at), "status": labels[status],
        } | ({} if scope.per_workshop else {"grade": f"{grade} {section}".strip()})


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


def _draw_rows(canvas, report: Report, items: Iterable[dict]) -> int:
    """Draw every row, turning pages as they fill; return the number of pages drawn."""
    g, points = GEOMETRY, pdf_fast.points
    first, later = _rows_per_page()
    pages = page_count(report.row_count)
    left, width = points(g["side"]), PAGE_WIDTH - 2 * points(g["side"])
    lefts, x = [], left
    for column in report.columns:
        lefts.append(x)
        x += points(column.width)
    page, slot, capacity = 1, 0, first
    top = PAGE_HEIGHT - points(g["top"] + g["header"] + g["head_row"])
    canvas.setFont(pdf_fast.REGULAR, ROW_FONT_PT)
    for row in items:
        if slot == capacity:
            _draw_page_number(canvas, page, pages, report)
            canvas.showPage()
            canvas.setFont(pdf_fast.REGULAR, ROW_FONT_PT)
            page, slot, capacity = page + 1, 0, later
            top = PAGE_HEIGHT - points(g["top"] + g["head_row"])
        y = top - (slot + 1) * points(g["row"])
        if slot % 2:
            canvas.setFillColorRGB(*STRIPE)
            canvas.rect(left, y, width, points(g["row"]), stroke=0, fill=1)
        canvas.setFillColorRGB(0.11, 0.16, 0.2)
        baseline = y + points(g["row"]) * 0.32
        for column, cell_left in zip(report.columns, lefts, strict=True):
            room = points(column.width - 2)
            text = pdf_fast.clip_text(str(row[column.key]), pdf_fast.REGULAR, ROW_FONT_PT, room)
            if column.align == "right":
                canvas.drawRightString(cell_left + points(column.width - 1), baseline, text)
            else:
                canvas.drawString(cell_left + points(1), baseline, text)
        slot += 1
    if report.row_count == 0:
        canvas.setFillColorRGB(0.36, 0.40, 0.44)
        canvas.drawString(left + points(1), top - points(g["row"]) * 0.7,
                          _("No attendance recorded for this selection."))
    _draw_page_number(canvas, page, pages, report)
    canvas.showPage()
    return page


def render_report_pdf(report: Report, items: Iterable[dict]) -> bytes:
    """Render the report fast: one WeasyPrint background, rows drawn over it."""
    pages = page_count(report.row_count)
    background = pdf.render_pdf(TEMPLATE, report=report, columns=report.columns,
                                geometry=GEOMETRY, background=True, continuation=pages > 1)
    buffer = io.BytesIO()
    canvas = pdf_fast.new_canvas(buffer, A4, report.title)
    _draw_rows(canvas, report, items)
    canvas.save()
    return pdf_fast.compose([background], buffer.getvalue(), lambda i: min(i, 1))


def render_plain_report_pdf(report: Report, items: Iterable[dict]) -> bytes:
    """Render the same report as one WeasyPrint <table> (the benchmark's baseline)."""
    return pdf.render_pdf(TEMPLATE, report=report, columns=report.columns, geometry=GEOMETRY,
                          background=False, rows=items)


def csv_lines(report: Report, items: Iterable[dict]) -> Iterator[str]:
    """Yield the report as CSV, a few hundred rows at a time."""
    keys = [c.key for c in report.columns]
    return csv_chunks([c.label for c in report.columns],
                      ([row[key] for key in keys] for row in items), batch=BATCH)
