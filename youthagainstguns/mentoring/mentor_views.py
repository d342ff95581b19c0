"""Mentors' files and screening, for staff; and the mentor's own page."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..audit.services import record
from ..auth.decorators import role_required, staff_required
from ..auth.models import Role
from ..extensions import db
from ..pages import render_audited
from ..text import search_text
from ..timeutil import today_lima
from ..urls import absolute_url
from . import forms, screening, services
from .blueprint import apply_form, bp, form_page, show_error
from .board import last_session_dates, mentor_due_items
from .enums import OPEN_MATCH_STATUSES, MatchStatus
from .errors import MentoringError
from .models import (
    BackgroundCheck,
    MentorInterview,
    MentorReference,
    ScreeningDecision,
    TrainingSession,
)
from .status import mentor_status, screening_gaps

# Screening steps recorded on a mentor's file: form, record class, page title.
SCREENING_STEPS = {
    "interview": (forms.InterviewForm, MentorInterview, _l("Record an interview")),
    "reference": (forms.ReferenceForm, MentorReference, _l("Record a reference")),
    "background-check": (forms.BackgroundCheckForm, BackgroundCheck,
                         _l("Record a background check")),
    "training": (forms.TrainingForm, TrainingSession, _l("Record a training session")),
    "decision": (forms.DecisionForm, ScreeningDecision, _l("Record the screening decision")),
}


@bp.route("/mine")
@role_required(Role.MENTOR)
def mine():
    """Show a mentor their file, their matches and what is due."""
    today = today_lima()
    mentor = screening.mentor_file_of(current_user)
    if mentor is None:
        return render_template("mentoring/mine.html", mentor=None)
    last_sessions = last_session_dates([m.id for m in mentor.matches])
    return render_template(
        "mentoring/mine.html", mentor=mentor, today=today, status=mentor_status(mentor, today),
        gaps=screening_gaps(mentor, today), due=mentor_due_items(mentor, last_sessions, today),
        last_sessions=last_sessions,
        current=[m for m in mentor.matches if m.status in OPEN_MATCH_STATUSES],
        past=[m for m in mentor.matches
              if m.status == MatchStatus.CLOSED and services.mentor_may_read(m, today)],
    )


@bp.route("/mentors")
@staff_required
def mentors():
    """List mentors with their derived status; search by name, sort."""
    q = search_text(request.args.get("q"))
    sort = screening.MENTOR_SORTS.chosen(request.args)
    page = db.paginate(screening.mentors_query(q, sort),
                       per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("mentoring/mentors.html", page=page, q=q, sort=sort,
                           today=today_lima(), mentor_status=mentor_status)


@bp.route("/mentors/new", methods=["GET", "POST"])
@staff_required
def mentor_new():
    """Create a mentor account and file together, or open a file for an existing account."""
    form = forms.NewMentorForm()
    form.user_id.choices = [(0, _("— Create a new account —")),
                            *screening.accounts_without_file()]
    if form.validate_on_submit():
        try:
            mentor, token = screening.open_mentor_file(
                user_id=form.user_id.data, email=form.email.data, full_name=form.full_name.data,
                profile=form.profile_data(), by=current_user)
        except MentoringError as error:
            show_error(form, error)
        else:
            db.session.commit()
            if token is None:
                flash(_("The mentor file was opened."), "success")
                return redirect(url_for(".mentor_detail", mentor_id=mentor.id))
            link = absolute_url("auth.set_password", token=token)
            return render_template("mentoring/mentor_created.html", mentor=mentor, link=link)
    return form_page(form, _("New mentor"), url_for(".mentors"),
                     lead=_("After saving you get a one-time link for the mentor to choose "
                            "their password."))


@bp.route("/mentors/<int:mentor_id>")
@staff_required
def mentor_detail(mentor_id: int):
    """Show a mentor's file: status, what is missing, screening records and matches."""
    mentor = services.get_mentor_or_404(mentor_id, for_user=current_user)
    today = today_lima()
    record("mentor.view", mentor)
    return render_audited(
        "mentoring/mentor_detail.html", mentor=mentor, today=today,
        status=mentor_status(mentor, today), gaps=screening_gaps(mentor, today),
        steps=SCREENING_STEPS,
    )


@bp.route("/mentors/<int:mentor_id>/edit", methods=["GET", "POST"])
@staff_required
def mentor_edit(mentor_id: int):
    """Edit a mentor's file, including stepping them back (inactive)."""
    mentor = services.get_mentor_or_404(mentor_id, for_user=current_user, need="edit")
    form = forms.MentorProfileForm(obj=mentor)
    detail_url = url_for(".mentor_detail", mentor_id=mentor.id)
    done = apply_form(
        form, lambda: screening.update_profile(mentor, form.profile_data(), current_user),
        _("The mentor file was saved."), detail_url)
    return done or form_page(form, _("Mentor file: %(name)s", name=mentor.user.full_name),
                             detail_url)


@bp.route("/mentors/<int:mentor_id>/screening/<step>", methods=["GET", "POST"])
@staff_required
def screening_record(mentor_id: int, step: str):
    """Record one screening step: interview, reference, check, training or decision."""
    if step not in SCREENING_STEPS:
        abort(404)
    mentor = services.get_mentor_or_404(mentor_id, for_user=current_user, need="screen")
    form_class, model_class, title = SCREENING_STEPS[step]
    form = form_class()

    def act():
        item = model_class()
        form.fill(item)
        screening.add_screening_record(mentor, item, step.replace("-", "_"), current_user)

    detail_url = url_for(".mentor_detail", mentor_id=mentor.id)
    done = apply_form(form, act, _("Saved."), detail_url)
    return done or form_page(form, title, detail_url, lead=mentor.user.full_name)
