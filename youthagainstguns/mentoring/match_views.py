"""Matches: suggestions and proposals, the match page, and the lifecycle forms staff use to
activate, pause, resume and close a match and record their check-ins."""
from flask import flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit.services import record
from ..auth.decorators import role_required, staff_required
from ..auth.models import Role
from ..extensions import db
from ..forms import EmptyForm, answer_options
from ..pages import render_audited
from ..timeutil import today_lima, utcnow
from . import forms, services
from .blueprint import apply_form, bp, form_page
from .errors import MentoringError, PairingRefused
from .matching import pairing_choices, suggest_mentors

# Most lifecycle steps are recorded on the day they happen.
TODAY_BY_DEFAULT = ("agreement_signed_on", "first_meeting_on", "start_date", "closed_on",
                    "held_on")


@bp.route("/mentees/<int:mentee_id>/suggestions")
@staff_required
def suggestions(mentee_id: int):
    """Show the mentors who could take this mentee, best first, with the reasons."""
    mentee = services.get_mentee_or_404(mentee_id, for_user=current_user, need="pair")
    today = today_lima()
    suggestions = suggest_mentors(mentee, today)
    record("mentee.suggestions", mentee, f"{len(suggestions)} mentors suggested")
    return render_audited(
        "mentoring/suggestions.html", mentee=mentee, suggestions=suggestions,
        has_consent=mentee.has_participation_consent(today),
    )


@bp.route("/mentees/<int:mentee_id>/matches/new", methods=["GET", "POST"])
@staff_required
def match_new(mentee_id: int):
    """Propose a mentor for a mentee; every reason against it is shown if refused."""
    mentee = services.get_mentee_or_404(mentee_id, for_user=current_user, need="pair")
    form = forms.ProposeMatchForm()
    if request.method == "GET":
        form.mentor_id.data = request.args.get("mentor_id", type=int)
    refusals = []
    if form.validate_on_submit():
        mentor = services.get_mentor_or_404(form.mentor_id.data, for_user=current_user,
                                            need="pair")
        try:
            match = services.propose_match(mentor, mentee, goals=(form.goals.data or "").strip(),
                                           on=today_lima(), by=current_user)
        except PairingRefused as refused:
            refusals = refused.refusals
        else:
            db.session.commit()
            flash(_("The match was proposed. Activate it once the agreement is signed."),
                  "success")
            return redirect(url_for(".match_detail", match_id=match.id))
    return form_page(form, _("Propose a mentor for %(name)s", name=mentee.full_name),
                     url_for(".mentee_detail", mentee_id=mentee_id), refusals=refusals,
                     choices=pairing_choices(today_lima()),
                     field_notes={"mentor_id": "mentoring/_unavailable_mentors.html"})


@bp.route("/options/<source>")
@staff_required  # only staff pair mentors, and who is ready says who is free
def options(source: str):
    """Answer the first ready mentors whose name matches `q` as JSON: {"options": [...]}."""
    return jsonify(options=answer_options(forms.OPTION_SOURCES, source, request.args.get("q")))


@bp.route("/matches/<int:match_id>")
@role_required(Role.ADMIN, Role.COORDINATOR, Role.MENTOR)
def match_detail(match_id: int):
    """Show a match: staff see everything; its mentor their mentee's name, age and school
    while it is open, and after closure only their notes and the name as it was then."""
    match = services.get_match_or_404(match_id, for_user=current_user)
    sessions = services.match_sessions(match)
    record("match.view", match)
    now, today = utcnow(), today_lima()
    return render_audited(
        "mentoring/match_detail.html", match=match, sessions=sessions, today=today,
        mentee=match.mentee_for(current_user, today),
        editable={s.id for s in sessions if services.can_edit_session(s, current_user, now)},
        **_check_ins(match),
    )


def _check_ins(match) -> dict:
    """The staff check-ins and each goal's latest rating, for staff only (mentors see none)."""
    if not current_user.is_staff:
        return {"check_ins": [], "goal_standings": []}
    check_ins = services.match_check_ins(match)
    return {"check_ins": check_ins,
            "goal_standings": services.goal_standings(match, check_ins)}


def _lifecycle_form(match_id: int, action: str, form_class: type[forms.MatchForm], title: str,
                    act):
    """Show the form for `action` on a match (`form_class.for_match`) and apply
    `act(match, form)` when it is valid; a match whose status does not allow the action goes
    back to its page with why."""
    match = services.get_match_or_404(match_id, for_user=current_user, need="manage")
    detail_url = url_for(".match_detail", match_id=match.id)
    if refusal := match.refusal(action):
        flash(refusal, "error")
        return redirect(detail_url)
    form = form_class.for_match(match)
    if request.method == "GET":
        for name in TODAY_BY_DEFAULT:
            if name in form:
                form[name].data = today_lima()
    done = apply_form(form, lambda: act(match, form), _("Saved."), detail_url)
    return done or form_page(
        form, title, detail_url, refusals=getattr(form, "refusals", []),
        lead=_("%(mentor)s with %(mentee)s", mentor=match.mentor.user.full_name,
               mentee=match.mentee.full_name))


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
        except PairingRefused as refused:
            form.refusals = refused.refusals
            raise MentoringError(_("The match cannot be activated.")) from refused

    return _lifecycle_form(match_id, "activate", forms.ActivateMatchForm, _("Activate match"), act)


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

    return _lifecycle_form(match_id, "close", forms.CloseMatchForm, _("Close match"), act)


@bp.route("/matches/<int:match_id>/pause", methods=["GET", "POST"])
@staff_required
def match_pause(match_id: int):
    """Pause an active match, saying why."""

    def act(match, form):
        services.pause_match(match, reason=form.reason.data.strip(), by=current_user)

    return _lifecycle_form(match_id, "pause", forms.PauseMatchForm, _("Pause match"), act)


@bp.route("/matches/<int:match_id>/resume", methods=["POST"])
@staff_required
def match_resume(match_id: int):
    """Resume a paused match."""
    match = services.get_match_or_404(match_id, for_user=current_user, need="manage")
    detail_url = url_for(".match_detail", match_id=match.id)
    done = apply_form(
        EmptyForm(), lambda: services.resume_match(match, today=today_lima(), by=current_user),
        _("The match was resumed."), detail_url)
    return done or redirect(detail_url)


@bp.route("/matches/<int:match_id>/check-ins/new", methods=["GET", "POST"])
@staff_required
def check_in_new(match_id: int):
    """Record a coordinator's check-in with a match, rating each of its goals."""

    def act(match, form):
        services.record_check_in(match, held_on=form.held_on.data, method=form.method.data,
                                 notes=(form.notes.data or "").strip(), today=today_lima(),
                                 by=current_user, ratings=form.ratings())

    return _lifecycle_form(match_id, "check_in", forms.CheckInForm,
                           _("Record a staff check-in"), act)
