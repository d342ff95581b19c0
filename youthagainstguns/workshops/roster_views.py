"""Roster pages: CSV upload with preview and all-or-nothing import, typing students by hand,
removing a line, the CSV template and export, and the printable sign-in sheet."""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Response, abort, flash, redirect, render_template, url_for
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
from ..timeutil import utcnow
from . import roster_import, services
from .conflicts import capacity_conflict
from .forms import RosterConfirmForm, RosterUploadForm, StudentForm
from .models import RosterEntry, Workshop
from .services import get_workshop_or_404
from .views import VIEWERS, bp


def _roster_workshop(workshop_id: int) -> Workshop | Response:
    """Fetch a workshop whose roster the user may change now, else redirect with the reason."""
    workshop = get_workshop_or_404(workshop_id, current_user, need="roster")
    if not workshop.roster_open_for(current_user):
        flash(_("The roster of this workshop can no longer be changed."), "error")
        return redirect(url_for("workshops.detail", workshop_id=workshop.id))
    return workshop


@bp.route("/workshops/<int:workshop_id>/roster/upload", methods=["GET", "POST"])
@role_required(*VIEWERS)
def roster_upload(workshop_id: int):
    """Upload a class list and preview it; nothing is saved yet."""
    workshop = _roster_workshop(workshop_id)
    if isinstance(workshop, Response):
        return workshop
    form = RosterUploadForm()
    if form.validate_on_submit():
        parsed = roster_import.parse(form.file.data.read())
        if not parsed.ok:
            return render_template("workshops/roster_preview.html", workshop=workshop,
                                   errors=parsed.errors, planned=[], form=None), 422
        confirm = RosterConfirmForm(formdata=None, token=roster_import.sign_rows(
            parsed.rows, workshop.id, current_user.id))
        return _preview(workshop, parsed.rows, confirm)
    return render_template("workshops/roster_upload.html", workshop=workshop, form=form)


def _preview(workshop: Workshop, rows, form: RosterConfirmForm, status: int = 200):
    planned = roster_import.plan(rows, workshop.venue_id, workshop.id)
    adding = sum(p.adds_entry for p in planned)
    conflict = capacity_conflict(workshop.seats_taken + adding, workshop.capacity)
    return render_template("workshops/roster_preview.html", workshop=workshop, errors=[],
                           planned=planned, adding=adding, conflict=conflict, form=form), status


@bp.route("/workshops/<int:workshop_id>/roster/confirm", methods=["POST"])
@role_required(*VIEWERS)
def roster_confirm(workshop_id: int):
    """Import the previewed rows, all or nothing."""
    workshop = _roster_workshop(workshop_id)
    if isinstance(workshop, Response):
        return workshop
    form = RosterConfirmForm()
    rows = (roster_import.unsign_rows(form.token.data, workshop.id, current_user.id)
            if form.validate_on_submit() else None)
    if rows is None:
        flash(_("This preview has expired or is not valid. Upload the file again."), "error")
        return redirect(url_for("workshops.roster_upload", workshop_id=workshop.id))
    planned = roster_import.plan(rows, workshop.venue_id, workshop.id)
    adding = sum(p.adds_entry for p in planned)
    if not _seats_for(workshop, adding, form):
        db.session.rollback()
        return _preview(workshop, rows, form, 409)
    services.add_to_roster(workshop, planned)
    record("roster.import", workshop, f"{adding} added, {len(planned) - adding} skipped")
    db.session.commit()
    flash(_("%(n)d students were added to the roster.", n=adding), "success")
    return redirect(url_for("workshops.detail", workshop_id=workshop.id))


def _seats_for(workshop: Workshop, adding: int, form: RosterConfirmForm) -> bool:
    """Take the seats; past capacity only staff may go, acknowledging it with a reason."""
    if services.take_seats(workshop, adding):
        return True
    conflict = capacity_conflict(workshop.seats_taken + adding, workshop.capacity)
    reason = (form.ack_reason.data or "").strip()
    if not (current_user.is_staff and form.acknowledge.data and reason):
        flash(_("Not enough seats: %(left)d left for %(n)d students. Nothing was imported.",
                left=workshop.seats_left, n=adding) + " " + (
            _("Tick the box and give a reason to raise the capacity.") if current_user.is_staff
            else _("Ask the coordinator to raise the capacity.")), "error")
        return False
    services.raise_capacity(workshop, adding)
    services.acknowledge(workshop, [conflict], reason, current_user)
    return services.take_seats(workshop, adding)


@bp.route("/workshops/roster-template.csv")
@role_required(*VIEWERS)
def roster_template():
    """Download an empty class list with the expected columns."""
    body = to_csv(roster_import.TEMPLATE_HEADER, [roster_import.TEMPLATE_EXAMPLE])
    return _csv_response(body, "plantilla-lista-de-clase.csv")


def _csv_response(body: str, filename: str) -> Response:
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/workshops/<int:workshop_id>/roster.csv")
@role_required(*VIEWERS)
def roster_csv(workshop_id: int):
    """Export the roster with attendance (audited; formula-safe)."""
    workshop = get_workshop_or_404(workshop_id, current_user, need="roster")
    header = ["#", _("First name"), _("Last names"), _("Grade"), _("Section"),
              _("Student code"), _("Attendance")]
    rows = [[n, e.student.first_name, e.student.last_names, e.student.grade, e.student.section,
             e.student.student_code or "", e.status.label if e.status else ""]
            for n, e in enumerate(_entries(workshop), start=1)]
    record("roster.export", workshop, f"{len(rows)} students, CSV")
    db.session.commit()
    return _csv_response(to_csv(header, rows), f"taller-{workshop.id}-lista.csv")


def _entries(workshop: Workshop) -> list[RosterEntry]:
    """Return the roster in order with students loaded in one query."""
    return list(db.session.scalars(
        sa.select(RosterEntry).options(so.joinedload(RosterEntry.student))
        .where(RosterEntry.workshop_id == workshop.id).order_by(RosterEntry.position)))


def add_one_student(workshop: Workshop, form: StudentForm, walk_in: bool) -> bool:
    """Add the student in `form` to the roster, or put the reason on the form and say False."""
    row = roster_import.RosterRow(
        line=0, first_name=" ".join(form.first_name.data.split()),
        last_names=" ".join(form.last_names.data.split()),
        grade=(form.grade.data or "").strip(), section=(form.section.data or "").strip(),
        code=(getattr(form, "code", None) and form.code.data or "").strip())
    planned = roster_import.plan([row], workshop.venue_id, workshop.id)
    if not planned[0].adds_entry:
        form.first_name.errors.append(_("This student is already on the roster."))
        return False
    if not services.take_seats(workshop, 1):
        form.first_name.errors.append(_(
            "The workshop is full (capacity %(n)d). A coordinator can raise the capacity.",
            n=workshop.capacity))
        return False
    entry, = services.add_to_roster(workshop, planned,
                                    walk_in_by=current_user if walk_in else None)
    record("roster.walk_in" if walk_in else "roster.add", workshop,
           f"entry {entry.id}, student {entry.student_id}")
    return True


@bp.route("/workshops/<int:workshop_id>/roster/add", methods=["GET", "POST"])
@role_required(*VIEWERS)
def add_student(workshop_id: int):
    """Type one student onto the roster."""
    workshop = _roster_workshop(workshop_id)
    if isinstance(workshop, Response):
        return workshop
    form = StudentForm()
    if form.validate_on_submit():
        if add_one_student(workshop, form, walk_in=False):
            db.session.commit()
            flash(_("The student was added. You can type the next one."), "success")
            return redirect(url_for("workshops.add_student", workshop_id=workshop.id))
        db.session.rollback()
    return render_template("workshops/student_form.html", workshop=workshop, form=form)


@bp.route("/workshops/<int:workshop_id>/roster/<int:entry_id>/remove", methods=["POST"])
@role_required(*VIEWERS)
def remove_entry(workshop_id: int, entry_id: int):
    """Take one student off the roster, freeing the seat."""
    workshop = _roster_workshop(workshop_id)
    if isinstance(workshop, Response):
        return workshop
    entry = db.session.get(RosterEntry, entry_id)
    if entry is None or entry.workshop_id != workshop.id:
        abort(404)
    if EmptyForm().validate_on_submit():
        services.remove_entry(workshop, entry)
        db.session.commit()
        flash(_("The student was taken off the roster."), "success")
    return redirect(url_for("workshops.detail", workshop_id=workshop.id) + "#roster")


@bp.route("/workshops/<int:workshop_id>/sign-in-sheet.pdf")
@role_required(*VIEWERS)
def sign_in_sheet(workshop_id: int):
    """Print the roster with boxes to tick and sign, for venues without connectivity."""
    workshop = get_workshop_or_404(workshop_id, current_user, need="roster")
    entries = _entries(workshop)
    pdf = render_pdf(
        "workshops/sign_in_sheet.html", lang=get_locale().language,
        title=workshop.title, date=format_date(workshop.starts_at),
        time=f"{format_time(workshop.starts_at)}–{format_time(workshop.ends_at)}",
        venue=workshop.venue.name, address=workshop.venue.address,
        speakers=", ".join(s.alias for s in workshop.speakers), workshop_id=workshop.id,
        rows=[{"n": n, "last_names": e.student.last_names, "first_name": e.student.first_name,
               "grade": e.student.grade, "section": e.student.section}
              for n, e in enumerate(entries, start=1)],
        blank_rows=range(5), printed_at=format_date(utcnow()))
    record("roster.sign_in_sheet", workshop, f"{len(entries)} students, PDF")
    db.session.commit()
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="taller-{workshop.id}-hoja-de-asistencia.pdf"'})
