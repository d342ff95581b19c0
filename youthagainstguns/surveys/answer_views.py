"""The public answering page: no account, no name, phone-first, no JavaScript."""
from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import force_locale

from ..extensions import db
from ..timeutil import today_lima, utcnow
from . import services
from .blueprint import bp
from .forms import answer_form
from .models import WorkshopSurvey

# Status of the page shown instead of the form: a link that will open (or cannot open yet)
# is fine to come back to; one whose window is over is gone for good.
STATE_STATUS = {"not_yet": 200, "unavailable": 200, "closed": 410}


@bp.route("/e/<survey_token>", methods=["GET", "POST"])
def answer(survey_token: str):
    """Show the survey while its window is open and save one student's answers."""
    survey = services.get_survey_by_token_or_404(survey_token)
    language = services.answer_language()
    with force_locale(language):
        return _answer(survey, language)


def _answer(survey: WorkshopSurvey, language: str):
    state = survey.state(utcnow())
    if state != "open":
        return _render("surveys/answer_closed.html", survey, language, state=state,
                       window=survey.window()), STATE_STATUS[state]
    if request.method == "POST":
        if not services.answer_allowed(request.remote_addr or "-", survey.token):
            # The answers stay in the form, for sending again in a few minutes.
            return _render("surveys/answer.html", survey, language,
                           form=answer_form(survey.version, language), busy=True), 429
        survey.version.lock()  # no edit of its wording while these answers are checked and saved
    form = answer_form(survey.version, language)
    if form.validate_on_submit():
        services.save_response(survey, form.code, form.answers(), answered_on=today_lima())
        db.session.commit()
        return redirect(url_for(".thanks", survey_token=survey.token, **_lang_arg()))
    return _render("surveys/answer.html", survey, language, form=form)


@bp.route("/e/<survey_token>/thanks")
def thanks(survey_token: str):
    """Thank the student once their answers are saved."""
    survey = services.get_survey_by_token_or_404(survey_token)
    language = services.answer_language()
    with force_locale(language):
        return _render("surveys/answer_thanks.html", survey, language)


def _lang_arg() -> dict:
    """Keep a language chosen with the switch link on the next page."""
    chosen = request.args.get("lang")
    return {"lang": chosen} if chosen in current_app.config["LANGUAGES"] else {}


def _render(template: str, survey: WorkshopSurvey, language: str, **context) -> str:
    """Render a public page with only what it may show: the workshop's title and day."""
    other = "en" if language == "es" else "es"
    return render_template(
        template, title=survey.workshop.title, day=survey.workshop.starts_at,
        language=language, other_language=other,
        switch_url=url_for(request.endpoint, survey_token=survey.token, lang=other),
        action=url_for(".answer", survey_token=survey.token, **_lang_arg()), **context)
