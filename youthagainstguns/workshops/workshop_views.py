"""Workshop pages that show: the list, the calendar, one workshop, a speaker's own schedule."""
from __future__ import annotations

from datetime import date, timedelta

from flask import current_app, render_template, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from ..audit.services import record
from ..auth.decorators import role_required, staff_required
from ..auth.models import Role
from ..forms import FIRST_DAY, LAST_DAY, EmptyForm
from ..pages import render_audited
from ..timeutil import month_bounds, month_start, today_lima
from . import feeds, services
from .blueprint import VIEWERS, bp
from .forms import WorkshopFilterForm
from .models import AttendanceStatus
from .services import get_workshop_or_404

# Students per page of the roster on the workshop page: a whole class or two. The full list
# is on the attendance page, the sign-in sheet and the CSV; a page of 2,000 (the largest
# capacity) would cost as much as the rest of the site's pages together.
ROSTER_PAGE = 100


@bp.route("/workshops/")
@role_required(*VIEWERS)
def index():
    """List workshops with search, filters and a sort; a school contact sees only their own
    school's."""
    form = WorkshopFilterForm(request.args, staff=current_user.is_staff)
    form.validate()
    sort = services.WORKSHOP_SORTS.chosen(request.args)
    page = services.workshops_page(current_user, form.filters(),
                                   per_page=current_app.config["ITEMS_PER_PAGE"], sort=sort)
    return render_template("workshops/index.html", page=page, form=form, sort=sort)


def _calendar_days(view: str, anchor: date) -> tuple[list[date], date, date]:
    """Return the days shown (whole weeks, Monday first) and the previous and next anchors."""
    if view == "week":
        start = anchor - timedelta(days=anchor.weekday())
        return [start + timedelta(days=i) for i in range(7)], anchor - timedelta(7), \
            anchor + timedelta(7)
    first, following = month_bounds(anchor)
    last = following - timedelta(days=1)
    start = first - timedelta(days=first.weekday())
    end = last + timedelta(days=6 - last.weekday())
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    return days, month_start(anchor, 1), following


# Workshops shown in one day's cell; the rest are counted and linked to the day's list, so a
# busy month costs no more than a quiet one.
DAY_CAP = {"month": 3, "week": 12}


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
    if not FIRST_DAY <= anchor <= LAST_DAY:  # the month's edges would overflow
        anchor = today_lima()
    days, previous, following = _calendar_days(view, anchor)
    filters = form.filters()
    filters.date_from, filters.date_to = days[0], days[-1]
    args = {k: v for k, v in request.args.items() if k not in ("date", "view")}
    title = format_date(anchor, "LLLL yyyy") if view == "month" else _(
        "week of %(date)s", date=format_date(days[0], "d MMMM yyyy"))
    return render_template(
        "workshops/calendar.html", form=form, view=view, anchor=anchor, days=days,
        by_day=services.workshops_by_day(current_user, filters, cap=DAY_CAP[view]),
        previous=previous,
        following=following, args=args, today=today_lima(), title=title,
        weekday_names=[format_date(d, "EEE") for d in days[:7]],
        day_labels=[format_date(d, "full") for d in days])


@bp.route("/workshops/<int:workshop_id>")
@role_required(*VIEWERS)
def detail(workshop_id: int):
    """Show a workshop: facts, speakers, roster, attendance, conflicts accepted, actions."""
    workshop = get_workshop_or_404(workshop_id, for_user=current_user)
    summary, visible = services.roster_counts(workshop, current_user)
    entries = services.roster_page(workshop, current_user, ROSTER_PAGE, visible)
    if entries.items:
        record("roster.view", workshop,
               f"{len(entries.items)} students (page {entries.page} of {entries.pages})")
    speaker_endpoint = "speakers.detail" if "speakers.detail" in current_app.view_functions \
        else None
    # Labels made once, not per roster row.
    labels = {status: status.label for status in AttendanceStatus}
    return render_audited(
        "workshops/detail.html", workshop=workshop, entries=entries, summary=summary,
        on_roster=sum(summary.values()), hidden=sum(summary.values()) - visible,
        labels=labels, speaker_endpoint=speaker_endpoint,
        can_attend=workshop.can_take_attendance(current_user),
        roster_open=workshop.roster_open_for(current_user))


@bp.route("/workshops/my-schedule")
@role_required(Role.SPEAKER)
def speaker_schedule():
    """Show a speaker their own workshops: venue, time, group size, contact. No students."""
    speaker = current_user.speaker
    upcoming = services.speaker_workshops(speaker, upcoming=True) if speaker else []
    past = services.speaker_workshops(speaker, upcoming=False, limit=50) if speaker else []
    contacts = services.venue_contacts(w.venue_id for w in upcoming + past)
    feed = feeds.current_feed(current_user)
    return render_template("workshops/speaker_schedule.html", speaker=speaker,
                           upcoming=upcoming, past=past, contacts=contacts, feed=feed,
                           feed_form=EmptyForm())
