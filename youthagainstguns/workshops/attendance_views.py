"""Attendance on a phone: one row per student, four choices, "all present", walk-ins."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit.services import record
from ..auth.decorators import role_required
from ..extensions import db
from ..pages import render_audited
from . import services
from .blueprint import VIEWERS, bp
from .forms import AttendanceForm, WalkInForm
from .models import AttendanceStatus, Workshop, WorkshopStatus
from .services import get_workshop_or_404

TAKING = (WorkshopStatus.SCHEDULED, WorkshopStatus.HELD, WorkshopStatus.CLOSED)


def _taking_attendance(view: Callable) -> Callable:
    """Call the view with the workshop whose attendance the user may take, fetched from
    `workshop_id`; before it is scheduled, redirect to the workshop with the reason."""
    @wraps(view)
    def wrapper(workshop_id: int):
        workshop = get_workshop_or_404(workshop_id, for_user=current_user, need="attendance")
        if workshop.status not in TAKING:
            flash(_("Attendance is taken once the workshop is scheduled."), "error")
            return redirect(url_for("workshops.detail", workshop_id=workshop.id))
        return view(workshop)
    return wrapper


@bp.route("/workshops/<int:workshop_id>/attendance", methods=["GET", "POST"])
@role_required(*VIEWERS)
@_taking_attendance
def attendance(workshop: Workshop):
    """Take or correct attendance; after closing only staff may, and each change is audited."""
    entries = services.roster_entries(workshop, current_user)
    form = AttendanceForm(entries)
    if form.validate_on_submit() and not form.only_shown:
        changed = services.save_attendance(workshop, entries, form.marks(), current_user)
        db.session.commit()
        flash(_("Attendance saved (%(n)d changes).", n=changed), "success")
        return redirect(url_for("workshops.attendance", workshop_id=workshop.id))
    # "All present" and the search only show the marks again, unsaved, as with JavaScript.
    if form.all_present.data and not form.choice_errors:
        form.mark_all_present()
    return _render(workshop, entries, form, _walk_in_form(formdata=None))


def _walk_in_form(**kwargs) -> WalkInForm:
    return WalkInForm(prefix="walkin", staff=current_user.is_staff, **kwargs)


def _render(workshop: Workshop, entries, form, walk_in: WalkInForm, status: int = 200):
    record("attendance.view", workshop, f"{len(entries)} students")
    return render_audited(
        "workshops/attendance.html", workshop=workshop, entries=entries, form=form,
        walk_in=walk_in, summary=services.attendance_summary(entries),
        choices=[(status.value, status.label) for status in AttendanceStatus],
        closed=workshop.status == WorkshopStatus.CLOSED,
        can_walk_in=workshop.status != WorkshopStatus.CLOSED), status


@bp.route("/workshops/<int:workshop_id>/attendance/walk-in", methods=["POST"])
@role_required(*VIEWERS)
@_taking_attendance
def walk_in(workshop: Workshop):
    """Add a student who came without being on the roster, marked present."""
    form = _walk_in_form()
    if workshop.status == WorkshopStatus.CLOSED:
        flash(_("The workshop is closed: no more walk-ins."), "error")
        return redirect(url_for("workshops.attendance", workshop_id=workshop.id))
    if form.validate_on_submit():
        try:
            services.add_one_student(workshop, form.row(), current_user, walk_in=True,
                                     capacity_reason=form.reason())
        except services.WorkshopFull as refusal:
            db.session.rollback()  # a capacity raised in a race with another walk-in
            if form.capacity_reason is None:
                form.first_name.errors.append(str(refusal))
            else:
                form.capacity_reason.errors.append(_(
                    "The workshop is full (capacity %(n)d): say why this student may join "
                    "past capacity.", n=workshop.capacity))
        except services.RosterError as refusal:
            form.first_name.errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("The walk-in was added and marked present."), "success")
            return redirect(url_for("workshops.attendance", workshop_id=workshop.id)
                            + "#walk-in")
    # Nothing was written: the checks that failed come before any change, or were rolled back.
    entries = services.roster_entries(workshop, current_user)
    return _render(workshop, entries, AttendanceForm(entries), form, 422)
