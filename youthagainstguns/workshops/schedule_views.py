"""Scheduling: new and edited workshops past their conflicts, and status changes."""
from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from ..auth.decorators import staff_required
from ..extensions import db
from ..schools.models import School
from ..speakers.models import Speaker
from ..timeutil import to_lima
from . import services
from .blueprint import bp
from .conflicts import Proposal, Review, review
from .forms import CancelForm, WorkshopForm
from .models import Workshop, WorkshopStateError
from .services import get_workshop_or_404


def _venue_and_speakers(form: WorkshopForm) -> tuple[School, list[Speaker]] | None:
    """Load the chosen venue and speakers (one query each); None if one no longer exists."""
    venue = db.session.get(School, form.venue_id.data)
    speakers = db.session.scalars(sa.select(Speaker).where(
        Speaker.id.in_(form.speaker_ids.data or [])).order_by(Speaker.alias)).all()
    if venue is None or len(speakers) != len(set(form.speaker_ids.data or [])):
        return None
    return venue, list(speakers)


def _workshop_data(form: WorkshopForm) -> services.WorkshopData | None:
    """Turn a valid form into workshop facts; None if the venue or a speaker is gone."""
    chosen = _venue_and_speakers(form)
    if chosen is None:
        return None
    starts_at, ends_at = form.times()
    return services.WorkshopData(
        title=form.title.data.strip(), topic=(form.topic.data or "").strip(), venue=chosen[0],
        starts_at=starts_at, ends_at=ends_at, capacity=form.capacity.data,
        speakers=chosen[1], target_grades=(form.target_grades.data or "").strip(),
        notes=form.notes.data or "", guardians_informed=form.guardians_informed.data)


def _save_workshop_form(form: WorkshopForm, workshop: Workshop | None):
    """Validate, find conflicts, and save when nothing blocks; else re-show the form."""
    if not form.validate_on_submit():
        return _render_form(form, workshop)
    if workshop is not None and form.version_id.data != str(workshop.version_id):
        return _stale(form, workshop)
    data = _workshop_data(form)
    if data is None:
        flash(_("The venue or a speaker no longer exists. Choose again."), "error")
        return _render_form(form, workshop)
    found = review(data.proposal(workshop))
    if not found.blocked and (not found.pending or form.acknowledged(found.pending)):
        return _commit_workshop(form, workshop, data, found)
    form.ack_keys.data = " ".join(sorted(found.pending))
    return _render_form(form, workshop, found)


def _commit_workshop(form: WorkshopForm, workshop: Workshop | None,
                     data: services.WorkshopData, found: Review):
    try:
        saved = services.save_workshop(workshop, data, found.conflicts,
                                       form.ack_reason.data or "", current_user)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return _stale(form, db.session.get(Workshop, workshop.id))
    flash(_("The workshop was saved."), "success")
    return redirect(url_for("workshops.detail", workshop_id=saved.id))


def _stale(form: WorkshopForm, workshop: Workshop):
    flash(_("Someone else changed this workshop while you were editing it. Your changes were "
            "not saved: reload the page to see theirs, then make yours again."), "error")
    return _render_form(form, workshop), 409


def _render_form(form: WorkshopForm, workshop: Workshop | None, found: Review | None = None):
    return render_template("workshops/form.html", form=form, workshop=workshop,
                           conflicts=found.conflicts if found else [],
                           acknowledged=found.acknowledged if found else set())


# What the conflicts depend on; the speakers may still be unchosen.
CONFLICT_FIELDS = ("venue_id", "day", "start_time", "end_time")


@bp.route("/workshops/conflicts")
@bp.route("/workshops/<int:workshop_id>/conflicts")
@staff_required
def conflicts(workshop_id: int | None = None):
    """Answer, as the form's conflicts fragment, the conflicts of the values typed so far
    (the same rules as saving); nothing until the venue, date and times are valid."""
    workshop = (get_workshop_or_404(workshop_id, for_user=current_user, need="edit")
                if workshop_id is not None else None)
    form = WorkshopForm(formdata=request.args, meta={"csrf": False})
    form.validate()
    chosen = None
    if not any(form[name].errors for name in CONFLICT_FIELDS):
        chosen = _venue_and_speakers(form)
    found = review(Proposal(chosen[0], *form.times(), chosen[1],
                            workshop.id if workshop else None)) if chosen else None
    return render_template("workshops/_conflicts.html", checked=found is not None,
                           conflicts=found.conflicts if found else [],
                           acknowledged=found.acknowledged if found else set())


@bp.route("/workshops/new", methods=["GET", "POST"])
@staff_required
def new():
    """Schedule a new workshop (saved as a draft), warned of conflicts first."""
    form = WorkshopForm()
    if request.method == "GET":
        form.capacity.data = 40
        form.venue_id.data = request.args.get("venue_id", 0, type=int)
    return _save_workshop_form(form, None)


@bp.route("/workshops/<int:workshop_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(workshop_id: int):
    """Edit or reschedule a workshop that has not been held yet."""
    workshop = get_workshop_or_404(workshop_id, for_user=current_user, need="edit")
    if not workshop.is_editable:
        flash(_("A workshop that was held, closed or cancelled cannot be edited."), "error")
        return redirect(url_for("workshops.detail", workshop_id=workshop.id))
    form = WorkshopForm(obj=workshop, seats_taken=workshop.seats_taken)
    if request.method == "GET":
        starts, ends = to_lima(workshop.starts_at), to_lima(workshop.ends_at)
        form.day.data, form.start_time.data, form.end_time.data = \
            starts.date(), starts.time(), ends.time()
        form.speaker_ids.data = [s.id for s in workshop.speakers]
    return _save_workshop_form(form, workshop)


def _change_status(workshop: Workshop, action: str, success: str, reason: str = ""):
    """Make the transition and say how it went, on the workshop's page."""
    target = url_for("workshops.detail", workshop_id=workshop.id)
    try:
        services.transition(workshop, action, reason)
        db.session.commit()
        flash(success, "success")
    except WorkshopStateError as refusal:
        db.session.rollback()
        for message in refusal.messages:
            flash(message, "error")
    return redirect(target)


def _staff_transition(workshop_id: int, action: str, success: str):
    workshop = get_workshop_or_404(workshop_id, for_user=current_user, need="edit")
    return _change_status(workshop, action, success)


@bp.route("/workshops/<int:workshop_id>/schedule", methods=["POST"])
@staff_required
def schedule(workshop_id: int):
    """Confirm a draft, if no hard conflict appeared since it was saved."""
    return _staff_transition(workshop_id, "schedule", _("The workshop is scheduled."))


@bp.route("/workshops/<int:workshop_id>/held", methods=["POST"])
@staff_required
def mark_held(workshop_id: int):
    """Record that the workshop took place."""
    return _staff_transition(workshop_id, "mark_held", _("The workshop is marked as held."))


@bp.route("/workshops/<int:workshop_id>/close", methods=["POST"])
@staff_required
def close(workshop_id: int):
    """Close a held workshop: attendance is then changed only by staff, and audited."""
    return _staff_transition(workshop_id, "close", _("The workshop is closed."))


@bp.route("/workshops/<int:workshop_id>/cancel", methods=["GET", "POST"])
@staff_required
def cancel(workshop_id: int):
    """Cancel a draft or scheduled workshop, with a reason."""
    workshop = get_workshop_or_404(workshop_id, for_user=current_user, need="edit")
    form = CancelForm()
    if form.validate_on_submit():
        return _change_status(workshop, "cancel", _("The workshop was cancelled."),
                              form.reason.data)
    return render_template("workshops/cancel.html", form=form, workshop=workshop)
