"""Session logs: a mentor logs and corrects their own; staff and the mentor read them."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit.services import record
from ..auth.decorators import role_required
from ..auth.models import Role
from ..extensions import db
from ..pages import render_audited
from ..timeutil import today_lima, utcnow
from . import forms, services
from .blueprint import apply_form, bp, form_page, show_error
from .errors import MentoringError


@bp.route("/matches/<int:match_id>/sessions/new", methods=["GET", "POST"])
@role_required(Role.MENTOR)
def session_new(match_id: int):
    """Let a mentor log a session of their own active match."""
    match = services.get_match_or_404(match_id, for_user=current_user, need="log")
    if not match.can_log_session(current_user):
        flash(_("Your mentor file is inactive, so you cannot log sessions. Please contact the "
                "coordinator.") if match.mentor.is_inactive_on(today_lima())
              else _("Sessions can be logged only for active matches."), "error")
        return redirect(url_for(".match_detail", match_id=match.id))
    form = forms.SessionForm(match=match, now=utcnow())
    if request.method == "GET":
        form.held_on.data = today_lima()
    if form.validate_on_submit():
        try:
            services.log_session(match, current_user, now=utcnow(), **form.session_data())
        except MentoringError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The session was saved."), "success")
            if form.safeguarding_concern.data:
                flash(_("The coordinators were alerted to your concern."), "warning")
            return redirect(url_for(".match_detail", match_id=match_id))
    return form_page(form, _("Log a session"), url_for(".match_detail", match_id=match_id),
                     lead=_("with %(name)s", name=match.mentee.full_name))


@bp.route("/sessions/<int:session_id>")
@role_required(Role.ADMIN, Role.COORDINATOR, Role.MENTOR)
def session_detail(session_id: int):
    """Show one session log."""
    session = services.get_session_or_404(session_id, for_user=current_user)
    alerts = services.session_alerts(session)
    record("session.view", session)
    return render_audited(
        "mentoring/session_detail.html", session=session, alerts=alerts,
        mentee=session.match.mentee_for(current_user, today_lima()),
        can_edit=services.can_edit_session(session, current_user, utcnow()),
    )


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@role_required(Role.MENTOR)
def session_edit(session_id: int):
    """Let a mentor correct their own log within 7 days of writing it."""
    session = services.get_session_or_404(session_id, for_user=current_user, need="edit")
    if not services.can_edit_session(session, current_user, utcnow()):
        flash(services.edit_refusal(session), "error")
        return redirect(url_for(".session_detail", session_id=session.id))
    form = forms.SessionForm(obj=session, match=session.match, now=utcnow())
    detail_url = url_for(".session_detail", session_id=session.id)
    done = apply_form(
        form, lambda: services.edit_session(session, current_user, now=utcnow(),
                                            **form.session_data()),
        _("The session was saved."), detail_url)
    return done or form_page(form, _("Edit session"), detail_url,
                             lead=_("with %(name)s", name=session.match.mentee_for(
                                 current_user, today_lima()).name))
