"""Staff's program report for a period (page, PDF, a CSV per table) and per-speaker report.

Every figure comes from reports/program_report.py; these views only choose the period, check
the role and send what it built. Routes join the reports blueprint (blueprint.bp).
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Response, abort, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from ..audit.services import record
from ..auth.decorators import staff_required
from ..csvexport import to_csv
from ..extensions import db
from ..i18n import format_date, format_datetime
from ..pdf import pdf_response, render_pdf
from ..text import download_name
from ..timeutil import today_lima, utcnow
from . import program, program_report
from .blueprint import bp
from .figures import Period
from .forms import ProgramPeriodForm


def _period_form() -> tuple[ProgramPeriodForm, Period | None]:
    """Read the period from the query; with none given, this month."""
    args = request.args if request.args else MultiDict(
        {"kind": "month", "day": today_lima().isoformat()})
    form = ProgramPeriodForm(args)
    return form, form.period()


def _download_period(page: str) -> Period:
    """Return the period a download asks for; a bad one sends the reader back to `page`,
    where the form says what is wrong."""
    _form, period = _period_form()
    if period is None:
        abort(redirect(url_for(page, **request.args.to_dict())))
    return period


def period_label(period: Period) -> str:
    """Write a period as "01/11/2026 – 30/11/2026"."""
    return f"{format_date(period.start)} – {format_date(period.end)}"


def _period_args(period: Period) -> dict:
    """The query that asks for exactly `period` (downloads link with it)."""
    return {"kind": "custom", "start": period.start.isoformat(), "end": period.end.isoformat()}


def _exported(what: str, period: Period, object_type: str = "ProgramReport") -> None:
    """Audit a download of the program's figures, then commit (the view's one commit)."""
    record("report.export", summary=f"{what}: program from {period.start} to {period.end}",
           object_type=object_type)
    db.session.commit()


def _csv(table: program_report.Table, period: Period,
         object_type: str = "ProgramReport") -> Response:
    """Audit the download, then send one table as CSV: its headers, rows and total row,
    each cell as shown."""
    _exported(f"csv {table.key}", period, object_type)
    rows = [*table.rows, *([table.total] if table.total else [])]
    body = to_csv(table.headers, ([program_report.shown(v) for v in row] for row in rows))
    name = download_name("programa", table.title, period.start, period.end, ext="csv")
    return Response(body, content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _report_page(template: str, figures: Callable[[Period], dict], **context) -> str:
    """Render a report page: the period form and, once the period is valid, `figures(period)`
    (a template context) with the period written out and the downloads' query."""
    form, period = _period_form()
    if period is None:
        return render_template(template, form=form, report=None, period_text="", **context)
    return render_template(template, form=form, period_text=period_label(period),
                           download_args=_period_args(period), **figures(period), **context)


def _program_figures(period: Period) -> dict:
    report = program_report.build_program_report(period)
    return dict(report=report,
                tiles=program_report.figure_tiles(program_report.key_figures(report)),
                sections=program_report.program_sections(report),
                tables=program_report.program_tables(report))


@bp.route("/reports/program", endpoint="program")
@staff_required
def program_page():
    """Show the program's figures for a period (key figures, charts with tables, downloads)
    and since it started."""
    since_start, since_start_tables = program.since_start()
    return _report_page("reports/program.html", _program_figures, since_start=since_start,
                        since_start_tables=since_start_tables)


@bp.route("/reports/program.pdf")
@staff_required
def program_pdf():
    """Download the program report for a period as a PDF a funder can read."""
    period = _download_period(".program")
    body = render_pdf("reports/program.html", period_text=period_label(period),
                      generated=format_datetime(utcnow()), **_program_figures(period))
    _exported("pdf", period)
    return pdf_response(body, download_name("programa", "reporte", period.start, period.end,
                                            ext="pdf"))


@bp.route("/reports/program/<program_table>.csv")
@staff_required
def program_csv(program_table: str):
    """Download one table of the program report (districts, schools, months...) as CSV."""
    period = _download_period(".program")
    tables = {table.key: table for table in program_report.program_tables(
        program_report.build_program_report(period))}
    if program_table not in tables:
        abort(404)
    return _csv(tables[program_table], period)


def _speaker_figures(period: Period) -> dict:
    report = program_report.build_speaker_report(period)
    return dict(report=report, table=program_report.speaker_table(report))


@bp.route("/reports/speakers")
@staff_required
def speakers_report():
    """Show, per speaker alias, workshops given, students reached, attendance, districts."""
    return _report_page("reports/speakers.html", _speaker_figures)


@bp.route("/reports/speakers.csv")
@staff_required
def speakers_csv():
    """Download the per-speaker report as CSV."""
    period = _download_period(".speakers_report")
    return _csv(program_report.speaker_table(program_report.build_speaker_report(period)),
                period, "SpeakerReport")
