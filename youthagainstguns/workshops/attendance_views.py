"""Attendance on a phone: one row per student, four choices, "all present", walk-ins."""
from __future__ import annotations

import sqlalchemy.orm as so
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import role_required
from ..extensions import db
from . import services
from .forms import WalkInForm, attendance_form
from .models import AttendanceStatus, RosterEntry, Workshop, WorkshopStatus
from .roster_views import add_one_student
from .services import get_workshop_or_404
from .views import VIEWERS, bp

TAKING = (WorkshopStatus.SCHEDULED, WorkshopStatus.HELD, WorkshopStatus.CLOSED)


def _attendance_workshop(workshop_id: int) -> Workshop | None:
    """Fetch a workshop whose attendance the user may take; None (with a message) if not yet."""
    workshop = get_workshop_or_404(workshop_id, current_user, need="attendance", options=[
        so.joinedload(Workshop.venue),
        so.selectinload(Workshop.roster).joinedload(RosterEntry.student)])
    if workshop.status not in TAKING:
        flash(_("Attendance is taken once the workshop is scheduled."), "error")
        return None
    return workshop


@bp.route("/workshops/<int:workshop_id>/attendance", methods=["GET", "POST"])
@role_required(*VIEWERS)
def attendance(workshop_id: int):
    """Take or correct attendance; after closing only staff may, and each change is audited."""
    workshop = _attendance_workshop(workshop_id)
    if workshop is None:
        return redirect(url_for("workshops.detail", workshop_id=workshop_id))
    form = attendance_form(workshop.roster)
    if form.validate_on_submit():
        if form.all_present.data:
            marks = {e.id: AttendanceStatus.PRESENT for e in workshop.roster}
        else:
            marks = {e.id: AttendanceStatus(form[f"e{e.id}"].data) for e in workshop.roster
                     if form[f"e{e.id}"].data}
        changed = services.save_attendance(workshop, marks, current_user)
        db.session.commit()
        flash(_("Attendance saved (%(n)d changes).", n=changed), "success")
        return redirect(url_for("workshops.attendance", workshop_id=workshop.id))
    return _render(workshop, form, WalkInForm(prefix="walkin", formdata=None))


def _render(workshop: Workshop, form, walk_in, status: int = 200):
    return render_template(
        "workshops/attendance.html", workshop=workshop, form=form, walk_in=walk_in,
        statuses=list(AttendanceStatus), summary=services.attendance_summary(workshop.roster),
        closed=workshop.status == WorkshopStatus.CLOSED,
        can_walk_in=workshop.status != WorkshopStatus.CLOSED), status


@bp.route("/workshops/<int:workshop_id>/attendance/walk-in", methods=["POST"])
@role_required(*VIEWERS)
def walk_in(workshop_id: int):
    """Add a student who came without being on the roster, marked present."""
    workshop = _attendance_workshop(workshop_id)
    if workshop is None:
        return redirect(url_for("workshops.detail", workshop_id=workshop_id))
    form = WalkInForm(prefix="walkin")
    if workshop.status == WorkshopStatus.CLOSED:
        flash(_("The workshop is closed: no more walk-ins."), "error")
    elif form.validate_on_submit() and add_one_student(workshop, form, walk_in=True):
        db.session.commit()
        flash(_("The walk-in was added and marked present."), "success")
        return redirect(url_for("workshops.attendance", workshop_id=workshop.id) + "#walk-in")
    else:
        # Nothing was written: the checks that failed come before any change.
        return _render(workshop, attendance_form(workshop.roster), form, 422)
    return redirect(url_for("workshops.attendance", workshop_id=workshop.id))
