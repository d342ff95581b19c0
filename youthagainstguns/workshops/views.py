"""Workshop pages: list, calendar, scheduling with conflicts, status changes, speakers' view.

Rosters, attendance and feeds live in their own modules, registered on the same blueprint.
"""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from ..audit.services import record
from ..auth.decorators import role_required, staff_required
from ..auth.models import STAFF_ROLES, Role
from ..extensions import db
from ..forms import EmptyForm
from ..schools.models import School
from ..speakers.models import Speaker
from ..timeutil import to_lima, today_lima
from . import services
from .conflicts import Proposal, find_conflicts
from .forms import CancelForm, WorkshopFilterForm, WorkshopForm
from .models import ConflictAcknowledgement, RosterEntry, Workshop, WorkshopStateError
from .services import get_workshop_or_404

bp = Blueprint("workshops", __name__)
VIEWERS = (*STAFF_ROLES, Role.SCHOOL)


def _filters(form: WorkshopFilterForm) -> services.WorkshopFilter:
    return services.WorkshopFilter(
        district=form.value("district"), school_id=form.value("school"),
        speaker_id=form.value("speaker"), status=form.value("status"),
        date_from=form.value("date_from"), date_to=form.value("date_to"))


@bp.route("/workshops/")
@role_required(*VIEWERS)
def index():
    """List workshops with filters; a school contact sees only their own school's."""
    form = WorkshopFilterForm(request.args, staff=current_user.is_staff)
    form.validate()
    query = services.workshops_query(current_user, _filters(form)).order_by(
        Workshop.starts_at.desc(), Workshop.id.desc())
    page = db.paginate(query, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("workshops/index.html", page=page, form=form)


def _calendar_days(view: str, anchor: date) -> tuple[list[date], date, date]:
    """Return the days shown (whole weeks, Monday first) and the previous and next anchors."""
    if view == "week":
        start = anchor - timedelta(days=anchor.weekday())
        return [start + timedelta(days=i) for i in range(7)], anchor - timedelta(7), \
            anchor + timedelta(7)
    first = anchor.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    last = following - timedelta(days=1)
    start = first - timedelta(days=first.weekday())
    end = last + timedelta(days=6 - last.weekday())
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    return days, (first - timedelta(days=1)).replace(day=1), following


@bp.route("/workshops/calendar")
@staff_required
def calendar():
    """Show a month or week of workshops, filterable by district, school and speaker."""
    form = WorkshopFilterForm(request.args)
    form.validate()
    view = "week" if request.args.get("view") == "week" else "month"
    try:
        anchor = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        anchor = today_lima()
    days, previous, following = _calendar_days(view, anchor)
    filters = _filters(form)
    filters.date_from, filters.date_to = days[0], days[-1]
    workshops = db.session.scalars(
        services.workshops_query(current_user, filters).order_by(Workshop.starts_at)).all()
    by_day: dict[date, list[Workshop]] = {}
    for workshop in workshops:
        by_day.setdefault(to_lima(workshop.starts_at).date(), []).append(workshop)
    args = {k: v for k, v in request.args.items() if k not in ("date", "view")}
    title = format_date(anchor, "LLLL yyyy") if view == "month" else _(
        "week of %(date)s", date=format_date(days[0], "d MMMM yyyy"))
    return render_template(
        "workshops/calendar.html", form=form, view=view, anchor=anchor, days=days,
        by_day=by_day, previous=previous, following=following, args=args, today=today_lima(),
        title=title, weekday_names=[format_date(d, "EEE") for d in days[:7]],
        day_labels=[format_date(d, "full") for d in days])


@bp.route("/workshops/<int:workshop_id>")
@role_required(*VIEWERS)
def detail(workshop_id: int):
    """Show a workshop: facts, speakers, roster, attendance, conflicts accepted, actions."""
    workshop = get_workshop_or_404(workshop_id, current_user, options=[
        so.joinedload(Workshop.venue), so.selectinload(Workshop.speakers),
        so.selectinload(Workshop.roster).joinedload(RosterEntry.student),
        so.selectinload(Workshop.acknowledgements).joinedload(ConflictAcknowledgement.by)])
    if workshop.roster:
        record("roster.view", workshop, f"{len(workshop.roster)} students")
        db.session.commit()
    speaker_endpoint = "speakers.detail" if "speakers.detail" in current_app.view_functions \
        else None
    return render_template(
        "workshops/detail.html", workshop=workshop, action_form=EmptyForm(),
        summary=services.attendance_summary(workshop.roster), speaker_endpoint=speaker_endpoint,
        can_attend=workshop.can_take_attendance(current_user),
        roster_open=workshop.roster_open_for(current_user))


def _workshop_data(form: WorkshopForm) -> services.WorkshopData | None:
    """Turn a valid form into workshop facts, loading venue and speakers (one query each)."""
    venue = db.session.get(School, form.venue_id.data)
    speakers = db.session.scalars(sa.select(Speaker).where(
        Speaker.id.in_(form.speaker_ids.data)).order_by(Speaker.alias)).all()
    if venue is None or len(speakers) != len(set(form.speaker_ids.data)):
        return None
    starts_at, ends_at = form.times()
    return services.WorkshopData(
        title=form.title.data.strip(), topic=(form.topic.data or "").strip(), venue=venue,
        starts_at=starts_at, ends_at=ends_at, capacity=form.capacity.data,
        speakers=list(speakers), target_grades=(form.target_grades.data or "").strip(),
        notes=form.notes.data or "")


def _save_workshop_form(form: WorkshopForm, workshop: Workshop | None):
    """Validate, find conflicts, and save when nothing blocks; else re-show the form."""
    conflicts, acknowledged = [], services.acknowledged_keys(workshop.id if workshop else None)
    if form.validate_on_submit():
        if workshop is not None and form.version_id.data != str(workshop.version_id):
            return _stale(form, workshop)
        data = _workshop_data(form)
        if data is None:
            flash(_("The venue or a speaker no longer exists. Choose again."), "error")
            return _render_form(form, workshop, [], acknowledged)
        conflicts = find_conflicts(Proposal(data.venue, data.starts_at, data.ends_at,
                                            data.speakers, workshop.id if workshop else None))
        pending = {c.key for c in conflicts if not c.hard} - acknowledged
        if not any(c.hard for c in conflicts) and (not pending or form.acknowledged(pending)):
            return _commit_workshop(form, workshop, data, conflicts)
        form.ack_keys.data = " ".join(sorted(pending))
    return _render_form(form, workshop, conflicts, acknowledged)


def _commit_workshop(form, workshop, data, conflicts):
    try:
        if workshop is None:
            workshop = services.create_workshop(data, current_user)
        else:
            services.update_workshop(workshop, data)
        services.acknowledge(workshop, conflicts, form.ack_reason.data or "", current_user)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return _stale(form, db.session.get(Workshop, workshop.id))
    flash(_("The workshop was saved."), "success")
    return redirect(url_for("workshops.detail", workshop_id=workshop.id))


def _stale(form: WorkshopForm, workshop: Workshop):
    flash(_("Someone else changed this workshop while you were editing it. Your changes were "
            "not saved: reload the page to see theirs, then make yours again."), "error")
    return _render_form(form, workshop, [], set()), 409


def _render_form(form, workshop, conflicts, acknowledged):
    return render_template("workshops/form.html", form=form, workshop=workshop,
                           conflicts=conflicts, acknowledged=acknowledged)


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
    workshop = get_workshop_or_404(workshop_id, current_user, need="edit")
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


def _change_status(workshop_id: int, action: str, success: str):
    workshop = get_workshop_or_404(workshop_id, current_user, need="edit")
    if action == "schedule":
        blocking = [c for c in find_conflicts(Proposal(
            workshop.venue, workshop.starts_at, workshop.ends_at, workshop.speakers,
            workshop.id)) if c.hard]
        if blocking:
            for conflict in blocking:
                flash(conflict.message, "error")
            return redirect(url_for("workshops.detail", workshop_id=workshop.id))
    try:
        services.transition(workshop, action)
        db.session.commit()
        flash(success, "success")
    except WorkshopStateError as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    return redirect(url_for("workshops.detail", workshop_id=workshop_id))


@bp.route("/workshops/<int:workshop_id>/schedule", methods=["POST"])
@staff_required
def schedule(workshop_id: int):
    """Confirm a draft, if no hard conflict appeared since it was saved."""
    return _change_status(workshop_id, "schedule", _("The workshop is scheduled."))


@bp.route("/workshops/<int:workshop_id>/held", methods=["POST"])
@staff_required
def mark_held(workshop_id: int):
    """Record that the workshop took place."""
    return _change_status(workshop_id, "mark_held", _("The workshop is marked as held."))


@bp.route("/workshops/<int:workshop_id>/close", methods=["POST"])
@staff_required
def close(workshop_id: int):
    """Close a held workshop: attendance is then changed only by staff, and audited."""
    return _change_status(workshop_id, "close", _("The workshop is closed."))


@bp.route("/workshops/<int:workshop_id>/cancel", methods=["GET", "POST"])
@staff_required
def cancel(workshop_id: int):
    """Cancel a draft or scheduled workshop, with a reason."""
    workshop = get_workshop_or_404(workshop_id, current_user, need="edit")
    form = CancelForm()
    if form.validate_on_submit():
        try:
            services.transition(workshop, "cancel", form.reason.data)
            db.session.commit()
            flash(_("The workshop was cancelled."), "success")
        except WorkshopStateError as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        return redirect(url_for("workshops.detail", workshop_id=workshop_id))
    return render_template("workshops/cancel.html", form=form, workshop=workshop)


@bp.route("/workshops/my-schedule")
@role_required(Role.SPEAKER)
def speaker_schedule():
    """Show a speaker their own workshops: venue, time, group size, contact. No students."""
    speaker = current_user.speaker
    upcoming = services.speaker_workshops(speaker, upcoming=True) if speaker else []
    past = services.speaker_workshops(speaker, upcoming=False, limit=50) if speaker else []
    contacts = services.venue_contacts(w.venue_id for w in upcoming + past)
    feed = services.current_feed(current_user)
    return render_template("workshops/speaker_schedule.html", speaker=speaker,
                           upcoming=upcoming, past=past, contacts=contacts, feed=feed,
                           feed_url=services.feed_url(feed), feed_form=EmptyForm())


# Registered last: these modules add their routes to `bp`.
from . import attendance_views, feed_views, roster_views  # noqa: E402,F401
