"""A workshop's surveys (staff): attach a questionnaire before or after, show its public link
and QR code with the window it is open in, detach it while unanswered."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import staff_required
from ..auth.two_step import qr_svg
from ..extensions import db
from ..forms import EmptyForm
from ..urls import absolute_url
from ..workshops.models import Workshop
from ..workshops.services import get_workshop_or_404
from . import services
from .blueprint import bp
from .forms import AttachForm
from .models import Questionnaire, SurveyError, SurveyPhase


def _attach_form(surveys: dict, **kwargs) -> AttachForm:
    """Return the form offering the phases still free and the questionnaires on offer."""
    return AttachForm(phases=[phase for phase in SurveyPhase if phase not in surveys],
                      questionnaires=services.attachable_questionnaires(), **kwargs)


def _page(workshop: Workshop, surveys: dict, form: AttachForm | None = None):
    links = {phase: absolute_url("surveys.answer", survey_token=survey.token)
             for phase, survey in surveys.items()}
    return render_template(
        "surveys/workshop.html", workshop=workshop, phases=list(SurveyPhase), surveys=surveys,
        links=links, qr_codes={phase: qr_svg(link) for phase, link in links.items()},
        counts=services.response_counts(workshop), button_form=EmptyForm(),
        form=form or _attach_form(surveys, formdata=None))


@bp.route("/workshops/<int:workshop_id>/surveys", methods=["GET", "POST"])
@staff_required
def workshop(workshop_id: int):
    """Show the workshop's surveys; attach a questionnaire before or after it."""
    found = get_workshop_or_404(workshop_id, for_user=current_user, need="edit")
    surveys = services.workshop_surveys(found)
    form = _attach_form(surveys)
    if not form.validate_on_submit():
        return _page(found, surveys, form if form.is_submitted() else None)
    questionnaire = db.session.get(Questionnaire, form.questionnaire_id.data)
    try:
        services.attach(found, SurveyPhase(form.phase.data), questionnaire, current_user)
        db.session.commit()
        flash(_("The survey was attached. Its link opens at the time shown."), "success")
    except SurveyError as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    return redirect(url_for(".workshop", workshop_id=found.id))


@bp.route("/surveys/<int:survey_id>/detach", methods=["POST"])
@staff_required
def detach(survey_id: int):
    """Detach a survey nobody has answered; its link stops working."""
    survey = services.get_survey_or_404(survey_id, for_user=current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    workshop_id = survey.workshop_id
    try:
        services.detach(survey, current_user)
        db.session.commit()
        flash(_("The survey was detached."), "success")
    except SurveyError as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    return redirect(url_for(".workshop", workshop_id=workshop_id))
