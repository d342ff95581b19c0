"""Roster pages: CSV or Excel upload with preview and all-or-nothing import, typing students
by hand, removing a line, the templates and CSV export, and the printable sign-in sheet."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..audit.services import record
from ..auth.decorators import role_required
from ..csvexport import to_csv
from ..extensions import db
from ..forms import EmptyForm
from ..i18n import format_date, format_time
from ..pdf import render_pdf
from ..pdf_fast import qr_code
from ..text import download_name
from ..timeutil import utcnow
from . import roster_import, services, sheet_extras
from .blueprint import VIEWERS, bp
from .forms import RosterConfirmForm, RosterUploadForm, StudentForm
from .models import AttendanceStatus, Workshop
from .services import get_workshop_or_404


def _with_open_roster(view: Callable) -> Callable:
    """Call the view with the workshop whose roster the user may change now, fetched from
    `workshop_id`; else redirect to the workshop with the reason."""
    @wraps(view)
    def wrapper(workshop_id: int, **kwargs):
        workshop = get_workshop_or_404(workshop_id, for_user=current_user, need="roster")
        if not workshop.roster_open_for(current_user):
            flash(_("The roster of this workshop can no longer be changed."), "error")
            return redirect(url_for("workshops.detail", workshop_id=workshop.id))
        return view(workshop, **kwargs)
    return wrapper


@bp.route("/workshops/<int:workshop_id>/roster/upload", methods=["GET", "POST"])
@role_required(*VIEWERS)
@_with_open_roster
def roster_upload(workshop: Workshop):
    """Upload a class list and preview it; nothing is saved yet."""
    form = RosterUploadForm()
    if form.validate_on_submit():
        try:
            parsed = roster_import.parse_upload(form.file.data.filename, form.file.data.read())
        except roster_import.NotAWorkbook as refusal:
            form.file.errors.append(str(refusal))
            return render_template("workshops/roster_upload.html", workshop=workshop,
                                   form=form), 422
        if not parsed.ok:
            return render_template("workshops/roster_preview.html", workshop=workshop,
                                   errors=parsed.errors, planned=[], form=None), 422
        confirm = RosterConfirmForm(formdata=None, token=roster_import.sign_rows(
            parsed.rows, workshop.id, current_user.id))
        return _preview(workshop, parsed.rows, confirm)
    return render_template("workshops/roster_upload.html", workshop=workshop, form=form)


def _preview(workshop: Workshop, rows, form: RosterConfirmForm, status: int = 200):
    preview = services.preview_import(workshop, rows)
    return render_template("workshops/roster_preview.html", workshop=workshop, errors=[],
                           planned=preview.planned, adding=preview.adding,
                           conflict=preview.conflict, form=form), status


@bp.route("/workshops/<int:workshop_id>/roster/confirm", methods=["POST"])
@role_required(*VIEWERS)
@_with_open_roster
def roster_confirm(workshop: Workshop):
    """Import the previewed rows, all or nothing; past capacity only staff, with a reason."""
    form = RosterConfirmForm()
    rows = (roster_import.unsign_rows(form.token.data, workshop.id, current_user.id)
            if form.validate_on_submit() else None)
    if rows is None:
        flash(_("This preview has expired or is not valid. Upload the file again."), "error")
        return redirect(url_for("workshops.roster_upload", workshop_id=workshop.id))
    reason = (form.ack_reason.data or "").strip() if form.acknowledge.data else ""
    try:
        added = services.import_roster(workshop, rows, current_user, capacity_reason=reason)
    except services.NotEnoughSeats as refusal:
        db.session.rollback()
        if not (current_user.is_staff and reason):  # else someone took the seats meanwhile
            flash(_not_enough_seats(workshop, refusal.adding), "error")
        return _preview(workshop, rows, form, 409)
    db.session.commit()
    flash(_("%(n)d students were added to the roster.", n=added), "success")
    return redirect(url_for("workshops.detail", workshop_id=workshop.id))


def _not_enough_seats(workshop: Workshop, adding: int) -> str:
    return _("Not enough seats: %(left)d left for %(n)d students. Nothing was imported.",
             left=workshop.seats_left, n=adding) + " " + (
        _("Tick the box and give a reason to raise the capacity.") if current_user.is_staff
        else _("Ask the coordinator to raise the capacity."))


@bp.route("/workshops/roster-template.csv")
@role_required(*VIEWERS)
def roster_template():
    """Download an empty class list with the expected columns."""
    body = to_csv(roster_import.TEMPLATE_HEADER, [roster_import.TEMPLATE_EXAMPLE])
    return _csv_response(body, "plantilla-lista-de-clase.csv")


@bp.route("/workshops/roster-template.xlsx")
@role_required(*VIEWERS)
def roster_template_xlsx():
    """Download the same empty class list as an Excel workbook."""
    return Response(roster_import.template_xlsx(), mimetype=roster_import.XLSX_MIMETYPE,
                    headers={"Content-Disposition":
                             'attachment; filename="plantilla-lista-de-clase.xlsx"'})


def _csv_response(body: str, filename: str) -> Response:
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/workshops/<int:workshop_id>/roster.csv")
@role_required(*VIEWERS)
def roster_csv(workshop_id: int):
    """Export the roster with attendance (audited; formula-safe)."""
    workshop = get_workshop_or_404(workshop_id, for_user=current_user, need="roster")
    header = ["#", _("First name"), _("Last names"), _("Grade"), _("Section"),
              _("Student code"), _("Attendance")]
    rows = [[n, e.student.first_name, e.student.last_names, e.student.grade, e.student.section,
             e.student.student_code or "", e.status.label if e.status else ""]
            for n, e in enumerate(services.roster_entries(workshop, current_user), start=1)]
    record("roster.export", workshop, f"{len(rows)} students, CSV")
    db.session.commit()
    return _csv_response(to_csv(header, rows),
                         download_name("taller", workshop.id, "lista", ext="csv"))


@bp.route("/workshops/<int:workshop_id>/roster/add", methods=["GET", "POST"])
@role_required(*VIEWERS)
@_with_open_roster
def add_student(workshop: Workshop):
    """Type one student onto the roster."""
    form = StudentForm()
    if form.validate_on_submit():
        try:
            services.add_one_student(workshop, form.row(), current_user, walk_in=False)
        except services.RosterError as refusal:
            db.session.rollback()
            form.first_name.errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("The student was added. You can type the next one."), "success")
            return redirect(url_for("workshops.add_student", workshop_id=workshop.id))
    return render_template("workshops/student_form.html", workshop=workshop, form=form)


@bp.route("/workshops/<int:workshop_id>/roster/<int:entry_id>/remove", methods=["POST"])
@role_required(*VIEWERS)
@_with_open_roster
def remove_entry(workshop: Workshop, entry_id: int):
    """Take one student off the roster, freeing the seat."""
    entry = services.get_entry_or_404(workshop, entry_id, for_user=current_user)
    if EmptyForm().validate_on_submit():
        services.remove_entry(workshop, entry)
        db.session.commit()
        flash(_("The student was taken off the roster."), "success")
    return redirect(url_for("workshops.detail", workshop_id=workshop.id) + "#roster")


@bp.route("/workshops/<int:workshop_id>/sign-in-sheet.pdf")
@role_required(*VIEWERS)
def sign_in_sheet(workshop_id: int):
    """Print the roster with boxes to tick and sign, for venues without connectivity, and
    the QR codes other areas register for the workshop (its surveys' links)."""
    workshop = get_workshop_or_404(workshop_id, for_user=current_user, need="roster")
    entries = services.roster_entries(workshop, current_user)
    pdf = render_pdf(
        "workshops/sign_in_sheet.html", lang=get_locale().language,
        title=workshop.title, date=format_date(workshop.starts_at),
        time=f"{format_time(workshop.starts_at)}–{format_time(workshop.ends_at)}",
        venue=workshop.venue.name, address=workshop.venue.address,
        speakers=", ".join(s.alias for s in workshop.speakers), workshop_id=workshop.id,
        statuses=[s.label for s in AttendanceStatus],
        rows=[{"n": n, "last_names": e.student.last_names, "first_name": e.student.first_name,
               "grade": e.student.grade, "section": e.student.section}
              for n, e in enumerate(entries, start=1)],
        blank_rows=range(5), printed_at=format_date(utcnow()),
        codes=[{"label": label, "url": url, "qr": qr_code(url).svg_data_uri()}
               for label, url in sheet_extras.sheet_codes(workshop)])
    record("roster.sign_in_sheet", workshop, f"{len(entries)} students, PDF")
    db.session.commit()
    name = download_name("taller", workshop.id, "hoja de asistencia", ext="pdf")
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}"'})
