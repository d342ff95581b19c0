"""Mentoring pages: the staff board, mentors and screening, mentees and consent, matches,
session logs, safeguarding alerts; and the mentor's own page."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..audit.services import record
from ..pages import render_audited
from ..auth.decorators import role_required, staff_required
from ..auth.models import Role, User
from ..extensions import db
from ..forms import EmptyForm
from ..i18n import format_date
from ..schools.models import School, VenueKind
from ..timeutil import today_lima, utcnow
from ..workshops.models import RosterEntry, Student, Workshop
from . import board as board_rules
from . import forms, services
from .matching import suggest_mentors
from .models import (
    BackgroundCheck,
    GuardianConsent,
    Match,
    MatchStatus,
    Mentee,
    MentoringSession,
    MentorInterview,
    MentorProfile,
    MentorReference,
    SafeguardingAlert,
    ScreeningDecision,
    TrainingSession,
)
from .status import (
    OPEN_MATCH_STATUSES,
    latest_check,
    mentor_status,
    screening_gaps,
    screening_loads,
)

bp = Blueprint("mentoring", __name__, url_prefix="/mentoring")

# What a mentor's page flags: a match quiet this long needs a session soon.
MENTOR_QUIET_DAYS = 14
STUDENT_SEARCH_LIMIT = 20
TODAY_BY_DEFAULT = ("agreement_signed_on", "first_meeting_on", "start_date", "closed_on",
                    "held_on")

# Screening steps recorded on a mentor's file: form, record class, page title.
SCREENING_STEPS = {
    "interview": (forms.InterviewForm, MentorInterview, _l("Record an interview")),
    "reference": (forms.ReferenceForm, MentorReference, _l("Record a reference")),
    "background-check": (forms.BackgroundCheckForm, BackgroundCheck,
                         _l("Record a background check")),
    "training": (forms.TrainingForm, TrainingSession, _l("Record a training session")),
    "decision": (forms.DecisionForm, ScreeningDecision, _l("Record the screening decision")),
}


# --- Fetch helpers: 404 when missing, 403 when not yours -----------------------------------

def get_mentor_or_404(mentor_id: int, *options) -> MentorProfile:
    """Fetch a mentor's file (staff routes only)."""
    mentor = db.session.scalar(
        sa.select(MentorProfile).where(MentorProfile.id == mentor_id)
        .options(joinedload(MentorProfile.user), *options)
    )
    if mentor is None:
        abort(404)
    return mentor


def get_mentee_or_404(mentee_id: int, *options) -> Mentee:
    """Fetch a mentee (staff routes only)."""
    mentee = db.session.scalar(sa.select(Mentee).where(Mentee.id == mentee_id).options(*options))
    if mentee is None:
        abort(404)
    return mentee


def get_match_or_404(match_id: int, for_user: User) -> Match:
    """Fetch a match the user may see: staff any, a mentor only their own (else 403)."""
    match = db.session.scalar(
        sa.select(Match).where(Match.id == match_id).options(
            joinedload(Match.mentor).joinedload(MentorProfile.user),
            joinedload(Match.mentee).joinedload(Mentee.school),
        )
    )
    if match is None:
        abort(404)
    if not match.can_view(for_user):
        abort(403)
    return match


def get_session_or_404(session_id: int, for_user: User) -> MentoringSession:
    """Fetch a session log the user may read: staff any, a mentor their own matches' logs."""
    session = db.session.scalar(
        sa.select(MentoringSession).where(MentoringSession.id == session_id).options(
            joinedload(MentoringSession.match).joinedload(Match.mentor)
            .joinedload(MentorProfile.user),
            joinedload(MentoringSession.match).joinedload(Match.mentee),
        )
    )
    if session is None:
        abort(404)
    if not session.can_view(for_user):
        abort(403)
    return session


def _require_own_match(match: Match) -> None:
    if match.mentor.user_id != current_user.id:
        abort(403)


def _show_error(form, error: services.MentoringError) -> None:
    """Undo whatever the refused action touched; show its message by its field, or on top."""
    db.session.rollback()
    field = form._fields.get(error.field) if error.field and form is not None else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


def _form_page(form, title, cancel_url, **context):
    return render_template("mentoring/form.html", form=form, title=title,
                           cancel_url=cancel_url, **context)


# --- The board and the mentor's own page ---------------------------------------------------

@bp.route("/")
@staff_required
def board():
    """Show the coordinators' monitoring board."""
    today = today_lima()
    rules = board_rules.board(today)
    hours = format_decimal(rules["minutes"] / 60, format="#,##0.0")
    return render_template("mentoring/board.html", today=today, hours=hours, **rules)


def _last_sessions(match_ids: list[int]) -> dict[int, object]:
    if not match_ids:
        return {}
    rows = db.session.execute(
        sa.select(MentoringSession.match_id, sa.func.max(MentoringSession.held_on))
        .where(MentoringSession.match_id.in_(match_ids)).group_by(MentoringSession.match_id)
    )
    return dict(rows.all())


def _due_items(mentor: MentorProfile, last_sessions: dict, today) -> list[str]:
    """Say what a mentor should do next, in their words."""
    items = []
    for match in mentor.matches:
        name = match.mentee.first_name
        if match.status == MatchStatus.PROPOSED and match.agreement_signed_on is None:
            items.append(_("Sign the mentoring agreement for %(name)s with the coordinator.",
                           name=name))
        if match.status == MatchStatus.ACTIVE:
            last = last_sessions.get(match.id) or match.start_date
            if (today - last).days >= MENTOR_QUIET_DAYS:
                items.append(_("No session with %(name)s logged for %(days)d days.",
                               name=name, days=(today - last).days))
    check = latest_check(mentor)
    if check and today < check.expires_on <= today + timedelta(days=30):
        items.append(_("Renew your background check before %(date)s.",
                       date=format_date(check.expires_on)))
    return items


@bp.route("/mine")
@role_required(Role.MENTOR)
def mine():
    """Show a mentor their file, their matches and what is due."""
    today = today_lima()
    mentor = db.session.scalar(
        sa.select(MentorProfile).where(MentorProfile.user_id == current_user.id).options(
            *screening_loads(matches=False),
            selectinload(MentorProfile.matches).joinedload(Match.mentee)
            .joinedload(Mentee.school),
        )
    )
    if mentor is None:
        return render_template("mentoring/mine.html", mentor=None)
    last_sessions = _last_sessions([m.id for m in mentor.matches])
    return render_template(
        "mentoring/mine.html", mentor=mentor, today=today, status=mentor_status(mentor, today),
        gaps=screening_gaps(mentor, today), due=_due_items(mentor, last_sessions, today),
        last_sessions=last_sessions,
        current=[m for m in mentor.matches if m.status in OPEN_MATCH_STATUSES],
        past=[m for m in mentor.matches if m.status == MatchStatus.CLOSED],
    )


# --- Mentors -------------------------------------------------------------------------------

@bp.route("/mentors")
@staff_required
def mentors():
    """List mentors with their derived status."""
    q = request.args.get("q", "").strip()
    query = (sa.select(MentorProfile).join(MentorProfile.user)
             .options(joinedload(MentorProfile.user), *screening_loads())
             .order_by(User.full_name, MentorProfile.id))
    if q:
        query = query.where(User.full_name.ilike(f"%{q}%"))
    page = db.paginate(query, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("mentoring/mentors.html", page=page, q=q, today=today_lima(),
                           mentor_status=mentor_status)


def _mentor_accounts_without_file() -> list[tuple[int, str]]:
    has_file = sa.select(MentorProfile.id).where(MentorProfile.user_id == User.id).exists()
    rows = db.session.execute(
        sa.select(User.id, User.full_name, User.email)
        .where(User.role == Role.MENTOR, User.active.is_(True), ~has_file)
        .order_by(User.full_name)
    )
    return [(r.id, f"{r.full_name} ({r.email})") for r in rows]


@bp.route("/mentors/new", methods=["GET", "POST"])
@staff_required
def mentor_new():
    """Create a mentor account and file together, or open a file for an existing account."""
    form = forms.NewMentorForm()
    form.user_id.choices = [(0, _("— Create a new account —")),
                            *_mentor_accounts_without_file()]
    if form.validate_on_submit():
        try:
            if form.user_id.data:
                user = db.session.get(User, form.user_id.data)
                mentor, token = services.attach_profile(user, form.profile_data(),
                                                        current_user), None
            else:
                email = form.email.data.strip().lower()
                if db.session.scalar(sa.select(User.id).where(User.email == email)):
                    raise services.MentoringError(
                        _("An account with this email already exists."), "email")
                mentor, token = services.create_mentor(
                    email=email, full_name=form.full_name.data, profile=form.profile_data(),
                    by=current_user)
        except services.MentoringError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            if token is None:
                flash(_("The mentor file was opened."), "success")
                return redirect(url_for(".mentor_detail", mentor_id=mentor.id))
            link = url_for("auth.set_password", token=token, _external=True)
            return render_template("mentoring/mentor_created.html", mentor=mentor, link=link)
    return _form_page(form, _("New mentor"), url_for(".mentors"),
                      lead=_("After saving you get a one-time link for the mentor to choose "
                             "their password."))


@bp.route("/mentors/<int:mentor_id>")
@staff_required
def mentor_detail(mentor_id: int):
    """Show a mentor's file: status, what is missing, screening records and matches."""
    mentor = get_mentor_or_404(
        mentor_id, *screening_loads(matches=False),
        selectinload(MentorProfile.matches).joinedload(Match.mentee),
        selectinload(MentorProfile.interviews).joinedload(MentorInterview.interviewer),
        selectinload(MentorProfile.decisions).joinedload(ScreeningDecision.decided_by),
    )
    today = today_lima()
    return render_template(
        "mentoring/mentor_detail.html", mentor=mentor, today=today,
        status=mentor_status(mentor, today), gaps=screening_gaps(mentor, today),
        steps=SCREENING_STEPS,
    )


@bp.route("/mentors/<int:mentor_id>/edit", methods=["GET", "POST"])
@staff_required
def mentor_edit(mentor_id: int):
    """Edit a mentor's file, including stepping them back (inactive)."""
    mentor = get_mentor_or_404(mentor_id, selectinload(MentorProfile.matches))
    form = forms.MentorProfileForm(obj=mentor)
    if form.validate_on_submit():
        try:
            services.update_profile(mentor, form.profile_data(), current_user)
        except services.MentoringError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The mentor file was saved."), "success")
            return redirect(url_for(".mentor_detail", mentor_id=mentor.id))
    return _form_page(form, _("Mentor file: %(name)s", name=mentor.user.full_name),
                      url_for(".mentor_detail", mentor_id=mentor_id))


@bp.route("/mentors/<int:mentor_id>/screening/<step>", methods=["GET", "POST"])
@staff_required
def screening_record(mentor_id: int, step: str):
    """Record one screening step: interview, reference, check, training or decision."""
    if step not in SCREENING_STEPS:
        abort(404)
    mentor = get_mentor_or_404(mentor_id)
    form_class, model_class, title = SCREENING_STEPS[step]
    form = form_class()
    if form.validate_on_submit():
        item = model_class()
        form.fill(item)
        services.add_screening_record(mentor, item, step.replace("-", "_"), current_user)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".mentor_detail", mentor_id=mentor.id))
    return _form_page(form, title, url_for(".mentor_detail", mentor_id=mentor_id),
                      lead=mentor.user.full_name)


# --- Mentees -------------------------------------------------------------------------------

@bp.route("/mentees")
@staff_required
def mentees():
    """List mentees with consent and match status."""
    q = request.args.get("q", "").strip()
    archived = request.args.get("archived") == "1"
    query = (sa.select(Mentee)
             .options(joinedload(Mentee.school), selectinload(Mentee.consents),
                      selectinload(Mentee.matches))
             .where(Mentee.archived_at.is_not(None) if archived else Mentee.archived_at.is_(None))
             .order_by(Mentee.last_names, Mentee.first_name, Mentee.id))
    if q:
        like = f"%{q}%"
        query = query.where(sa.or_(Mentee.first_name.ilike(like), Mentee.last_names.ilike(like)))
    page = db.paginate(query, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    record("mentee.list", None, f"page={page.page} n={len(page.items)}", object_type="Mentee")
    return render_audited("mentoring/mentees.html", page=page, q=q, archived=archived,
                           today=today_lima(), open_statuses=OPEN_MATCH_STATUSES)


def _school_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        sa.select(School.id, School.name)
        .where(School.archived_at.is_(None), School.kind == VenueKind.SCHOOL)
        .order_by(School.name)
    )
    return [(0, "—"), *((r.id, r.name) for r in rows)]


@bp.route("/mentees/new", methods=["GET", "POST"])
@staff_required
def mentee_new():
    """Record a new mentee."""
    form = forms.MenteeForm()
    form.school_id.choices = _school_choices()
    if request.method == "GET":
        form.referred_on.data = today_lima()
    if form.validate_on_submit():
        mentee = services.create_mentee(form.mentee_data(), current_user)
        db.session.commit()
        flash(_("The mentee was recorded. Record the guardian's consent next."), "success")
        return redirect(url_for(".mentee_detail", mentee_id=mentee.id))
    return _form_page(form, _("New mentee"), url_for(".mentees"))


@bp.route("/mentees/<int:mentee_id>")
@staff_required
def mentee_detail(mentee_id: int):
    """Show a mentee's record, consent, matches and workshop history (audited)."""
    mentee = get_mentee_or_404(
        mentee_id, joinedload(Mentee.school), joinedload(Mentee.student),
        selectinload(Mentee.consents),
        selectinload(Mentee.matches).joinedload(Match.mentor).joinedload(MentorProfile.user),
    )
    history = []
    if mentee.student_id:
        history = db.session.scalars(
            sa.select(RosterEntry).join(RosterEntry.workshop)
            .where(RosterEntry.student_id == mentee.student_id)
            .options(joinedload(RosterEntry.workshop).joinedload(Workshop.venue))
            .order_by(Workshop.starts_at.desc())
        ).all()
    record("mentee.view", mentee)
    today = today_lima()
    return render_audited(
        "mentoring/mentee_detail.html", mentee=mentee, history=history, today=today,
        has_consent=mentee.has_participation_consent(today),
        open_match=next((m for m in mentee.matches if m.status in OPEN_MATCH_STATUSES), None),
    )


@bp.route("/mentees/<int:mentee_id>/edit", methods=["GET", "POST"])
@staff_required
def mentee_edit(mentee_id: int):
    """Edit a mentee; an edit based on an old version is refused, not merged."""
    mentee = get_mentee_or_404(mentee_id)
    form = forms.MenteeForm(obj=mentee)
    form.school_id.choices = _school_choices()
    if request.method == "GET":
        form.school_id.data = mentee.school_id or 0
        form.version_id.data = mentee.version_id
        record("mentee.view", mentee, "edit form")
        db.session.commit()
    if form.validate_on_submit():
        try:
            services.update_mentee(mentee, form.mentee_data(), form.version_id.data,
                                   current_user)
            db.session.commit()
        except services.MentoringError as error:
            _show_error(None, error)
            return redirect(url_for(".mentee_edit", mentee_id=mentee_id))
        except StaleDataError:
            db.session.rollback()
            flash(_("Someone else changed this record while you were editing. "
                    "Reload the page and make your change again."), "error")
            return redirect(url_for(".mentee_edit", mentee_id=mentee_id))
        flash(_("The mentee was saved."), "success")
        return redirect(url_for(".mentee_detail", mentee_id=mentee.id))
    return _form_page(form, _("Edit mentee"), url_for(".mentee_detail", mentee_id=mentee_id))


@bp.route("/mentees/<int:mentee_id>/student", methods=["GET", "POST"])
@staff_required
def link_student(mentee_id: int):
    """Find the workshop participant this mentee is, by name within a school, and link them."""
    mentee = get_mentee_or_404(mentee_id)
    if request.method == "POST":
        if EmptyForm().validate_on_submit():
            student_id = request.form.get("student_id", type=int) or None
            if student_id and db.session.get(Student, student_id) is None:
                abort(400)
            try:
                services.link_student(mentee, student_id, current_user)
            except services.MentoringError as error:
                _show_error(None, error)
            else:
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(url_for(".mentee_detail", mentee_id=mentee.id))
        return redirect(url_for(".link_student", mentee_id=mentee.id))
    form = forms.StudentSearchForm(request.args, school_id=mentee.school_id or 0)
    form.school_id.choices = _school_choices()
    students = []
    if form.school_id.data and form.q.data:
        words = form.q.data.split()
        query = sa.select(Student).where(Student.school_id == form.school_id.data)
        for word in words:
            like = f"%{word}%"
            query = query.where(sa.or_(Student.first_name.ilike(like),
                                       Student.last_names.ilike(like)))
        students = db.session.scalars(
            query.order_by(Student.last_names, Student.first_name).limit(STUDENT_SEARCH_LIMIT)
        ).all()
        record("student.search", None, f"school={form.school_id.data} n={len(students)}",
               object_type="Student")
    return render_audited("mentoring/link_student.html", mentee=mentee, form=form,
                           students=students)


@bp.route("/mentees/<int:mentee_id>/refer-again", methods=["POST"])
@staff_required
def refer_again(mentee_id: int):
    """Put a mentee who left back on the waiting list from today."""
    mentee = get_mentee_or_404(mentee_id)
    if EmptyForm().validate_on_submit():
        services.refer_again(mentee, today_lima(), current_user)
        db.session.commit()
        flash(_("The mentee is back on the waiting list."), "success")
    return redirect(url_for(".mentee_detail", mentee_id=mentee.id))


@bp.route("/mentees/<int:mentee_id>/consents/new", methods=["GET", "POST"])
@staff_required
def consent_new(mentee_id: int):
    """Record a guardian's consent."""
    mentee = get_mentee_or_404(mentee_id)
    form = forms.ConsentForm()
    if request.method == "GET":
        form.given_by.data, form.relation.data = mentee.guardian_name, mentee.guardian_relation
        form.given_on.data = today_lima()
    if form.validate_on_submit():
        data = {f.name: f.data for f in form if f.name not in ("csrf_token", "submit")}
        try:
            services.record_consent(mentee, data, current_user, today_lima())
        except services.MentoringError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The consent was recorded."), "success")
            return redirect(url_for(".mentee_detail", mentee_id=mentee.id))
    return _form_page(form, _("Record guardian consent"),
                      url_for(".mentee_detail", mentee_id=mentee_id), lead=mentee.full_name)


@bp.route("/consents/<int:consent_id>/withdraw", methods=["GET", "POST"])
@staff_required
def consent_withdraw(consent_id: int):
    """Withdraw a consent; losing participation consent pauses the match and alerts staff."""
    consent = db.get_or_404(GuardianConsent, consent_id)
    form = forms.WithdrawConsentForm()
    if request.method == "GET":
        form.withdrawn_on.data = today_lima()
    if form.validate_on_submit():
        try:
            paused = services.withdraw_consent(
                consent, on=form.withdrawn_on.data, reason=form.reason.data.strip(),
                by=current_user, today=today_lima(), now=utcnow())
        except services.MentoringError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The consent was withdrawn.") + (" " + _(
                "The active match was paused and the coordinators alerted.") if paused else ""),
                "success")
            return redirect(url_for(".mentee_detail", mentee_id=consent.mentee_id))
    return _form_page(form, _("Withdraw consent"),
                      url_for(".mentee_detail", mentee_id=consent.mentee_id),
                      lead=_("Consent given by %(who)s on %(date)s",
                             who=consent.given_by, date=format_date(consent.given_on)))


# --- Matching ------------------------------------------------------------------------------

@bp.route("/mentees/<int:mentee_id>/suggestions")
@staff_required
def suggestions(mentee_id: int):
    """Show the mentors who could take this mentee, best first, with the reasons."""
    mentee = get_mentee_or_404(mentee_id, selectinload(Mentee.consents),
                               selectinload(Mentee.matches))
    today = today_lima()
    return render_template(
        "mentoring/suggestions.html", mentee=mentee, suggestions=suggest_mentors(mentee, today),
        has_consent=mentee.has_participation_consent(today),
    )


@bp.route("/mentees/<int:mentee_id>/matches/new", methods=["GET", "POST"])
@staff_required
def match_new(mentee_id: int):
    """Propose a mentor for a mentee; every reason against it is shown if refused."""
    mentee = get_mentee_or_404(mentee_id, selectinload(Mentee.consents),
                               selectinload(Mentee.matches))
    form = forms.ProposeMatchForm()
    rows = db.session.execute(
        sa.select(MentorProfile.id, User.full_name).join(MentorProfile.user)
        .order_by(User.full_name, MentorProfile.id)
    )
    form.mentor_id.choices = [(r.id, r.full_name) for r in rows]
    if request.method == "GET":
        form.mentor_id.data = request.args.get("mentor_id", type=int)
    refusals = []
    if form.validate_on_submit():
        mentor = get_mentor_or_404(form.mentor_id.data, *screening_loads())
        try:
            match = services.propose_match(mentor, mentee, goals=form.goals.data.strip(),
                                           on=today_lima(), by=current_user)
        except services.PairingRefused as refused:
            refusals = refused.refusals
        else:
            db.session.commit()
            flash(_("The match was proposed. Activate it once the agreement is signed."),
                  "success")
            return redirect(url_for(".match_detail", match_id=match.id))
    return _form_page(form, _("Propose a mentor for %(name)s", name=mentee.full_name),
                      url_for(".mentee_detail", mentee_id=mentee_id), refusals=refusals)


@bp.route("/matches/<int:match_id>")
@role_required(Role.ADMIN, Role.COORDINATOR, Role.MENTOR)
def match_detail(match_id: int):
    """Show a match: staff see everything; its mentor sees their mentee's name, age, school."""
    match = get_match_or_404(match_id, current_user)
    sessions = db.session.scalars(
        sa.select(MentoringSession).where(MentoringSession.match_id == match.id)
        .order_by(MentoringSession.held_on.desc(), MentoringSession.id.desc())
    ).all()
    record("match.view", match)
    now = utcnow()
    return render_audited(
        "mentoring/match_detail.html", match=match, sessions=sessions, today=today_lima(),
        editable={s.id for s in sessions if services.can_edit_session(s, current_user, now)},
        check_ins=match.check_ins if current_user.is_staff else [],
    )


def _lifecycle_form(match_id: int, form_class, title: str, act):
    """Show a lifecycle form for a match and apply `act(match, form)` when it is valid."""
    match = get_match_or_404(match_id, current_user)
    form = form_class()
    if request.method == "GET":
        # Most of these are recorded on the day they happen.
        for name in TODAY_BY_DEFAULT:
            if name in form:
                form[name].data = today_lima()
    if form.validate_on_submit():
        try:
            act(match, form)
        except services.MentoringError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for(".match_detail", match_id=match.id))
    return _form_page(form, title, url_for(".match_detail", match_id=match_id),
                      lead=_("%(mentor)s with %(mentee)s", mentor=match.mentor.user.full_name,
                             mentee=match.mentee.full_name),
                      refusals=getattr(form, "refusals", []))


@bp.route("/matches/<int:match_id>/activate", methods=["GET", "POST"])
@staff_required
def match_activate(match_id: int):
    """Activate a proposed match: agreement signed, first meeting, start and expected end."""

    def act(match, form):
        try:
            services.activate_match(
                match, agreement_signed_on=form.agreement_signed_on.data,
                first_meeting_on=form.first_meeting_on.data, start_date=form.start_date.data,
                expected_end=form.expected_end.data, today=today_lima(), by=current_user)
        except services.PairingRefused as refused:
            form.refusals = refused.refusals
            raise services.MentoringError(_("The match cannot be activated.")) from refused

    return _lifecycle_form(match_id, forms.ActivateMatchForm, _("Activate match"), act)


@bp.route("/matches/<int:match_id>/close", methods=["GET", "POST"])
@staff_required
def match_close(match_id: int):
    """Close a match, recording why and whether the mentee gets a new mentor."""

    def act(match, form):
        services.close_match(
            match, closed_on=form.closed_on.data, closure_type=form.closure_type.data,
            reason=form.closure_reason.data, exit_notes=form.exit_notes.data.strip(),
            rematch=form.rematch.data == "yes", today=today_lima(), now=utcnow(),
            by=current_user)

    return _lifecycle_form(match_id, forms.CloseMatchForm, _("Close match"), act)


@bp.route("/matches/<int:match_id>/pause", methods=["GET", "POST"])
@staff_required
def match_pause(match_id: int):
    """Pause an active match, saying why."""

    def act(match, form):
        services.pause_match(match, reason=form.reason.data.strip(), by=current_user)

    return _lifecycle_form(match_id, forms.PauseMatchForm, _("Pause match"), act)


@bp.route("/matches/<int:match_id>/resume", methods=["POST"])
@staff_required
def match_resume(match_id: int):
    """Resume a paused match."""
    match = get_match_or_404(match_id, current_user)
    if EmptyForm().validate_on_submit():
        try:
            services.resume_match(match, today=today_lima(), by=current_user)
        except services.MentoringError as error:
            _show_error(None, error)
        else:
            db.session.commit()
            flash(_("The match was resumed."), "success")
    return redirect(url_for(".match_detail", match_id=match_id))


@bp.route("/matches/<int:match_id>/check-ins/new", methods=["GET", "POST"])
@staff_required
def check_in_new(match_id: int):
    """Record a coordinator's check-in with a match."""

    def act(match, form):
        services.record_check_in(match, held_on=form.held_on.data, method=form.method.data,
                                 notes=(form.notes.data or "").strip(), today=today_lima(),
                                 by=current_user)

    return _lifecycle_form(match_id, forms.CheckInForm, _("Record a staff check-in"), act)


# --- Sessions and alerts -------------------------------------------------------------------

@bp.route("/matches/<int:match_id>/sessions/new", methods=["GET", "POST"])
@role_required(Role.MENTOR)
def session_new(match_id: int):
    """Let a mentor log a session of their own active match."""
    match = get_match_or_404(match_id, current_user)
    _require_own_match(match)
    if match.status != MatchStatus.ACTIVE:
        flash(_("Sessions can be logged only for active matches."), "error")
        return redirect(url_for(".match_detail", match_id=match.id))
    form = forms.SessionForm()
    if request.method == "GET":
        form.held_on.data = today_lima()
    if form.validate_on_submit():
        try:
            services.log_session(match, current_user, now=utcnow(), **form.session_data())
        except services.MentoringError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The session was saved."), "success")
            if form.safeguarding_concern.data:
                flash(_("The coordinators were alerted to your concern."), "warning")
            return redirect(url_for(".match_detail", match_id=match_id))
    return _form_page(form, _("Log a session"), url_for(".match_detail", match_id=match_id),
                      lead=_("with %(name)s", name=match.mentee.full_name))


@bp.route("/sessions/<int:session_id>")
@role_required(Role.ADMIN, Role.COORDINATOR, Role.MENTOR)
def session_detail(session_id: int):
    """Show one session log."""
    session = get_session_or_404(session_id, current_user)
    alerts = db.session.scalars(
        sa.select(SafeguardingAlert).where(SafeguardingAlert.session_id == session.id)
    ).all()
    record("session.view", session)
    return render_audited(
        "mentoring/session_detail.html", session=session, alerts=alerts,
        can_edit=services.can_edit_session(session, current_user, utcnow()),
    )


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@role_required(Role.MENTOR)
def session_edit(session_id: int):
    """Let a mentor correct their own log within 7 days of writing it."""
    session = get_session_or_404(session_id, current_user)
    _require_own_match(session.match)
    if not services.can_edit_session(session, current_user, utcnow()):
        flash(_("This log can no longer be edited: logs can be changed for %(days)d days "
                "after they are written.", days=services.EDIT_WINDOW_DAYS), "error")
        return redirect(url_for(".session_detail", session_id=session.id))
    form = forms.SessionForm(obj=session)
    if form.validate_on_submit():
        try:
            services.edit_session(session, current_user, now=utcnow(), **form.session_data())
        except services.MentoringError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The session was saved."), "success")
            return redirect(url_for(".session_detail", session_id=session.id))
    return _form_page(form, _("Edit session"), url_for(".session_detail", session_id=session_id),
                      lead=_("with %(name)s", name=session.match.mentee.full_name))


@bp.route("/alerts/<int:alert_id>", methods=["GET", "POST"])
@staff_required
def alert_detail(alert_id: int):
    """Show a safeguarding alert and record the coordinator's follow-up."""
    alert = db.session.scalar(
        sa.select(SafeguardingAlert).where(SafeguardingAlert.id == alert_id).options(
            joinedload(SafeguardingAlert.mentee), joinedload(SafeguardingAlert.raised_by),
            joinedload(SafeguardingAlert.match).joinedload(Match.mentor)
            .joinedload(MentorProfile.user),
        )
    )
    if alert is None:
        abort(404)
    form = forms.FollowUpForm()
    if form.validate_on_submit():
        try:
            services.follow_up_alert(alert, notes=form.notes.data, by=current_user, now=utcnow())
        except services.MentoringError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The follow-up was recorded; the alert is closed."), "success")
            return redirect(url_for(".board"))
    followed_by = db.session.get(User, alert.followed_up_by_id) if alert.followed_up_by_id else None
    record("alert.view", alert, f"mentee={alert.mentee_id}")
    return render_audited("mentoring/alert.html", alert=alert, form=form,
                           followed_by=followed_by)
