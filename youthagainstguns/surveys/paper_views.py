"""Surveys on paper (staff): print numbered sheets of a workshop's survey, then type each
sheet in, saved like an online answer but marked as from paper."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import staff_required
from ..extensions import db
from ..forms import EmptyForm
from ..pages import button_action
from ..pdf import pdf_response
from ..text import download_name
from ..workshops.models import Workshop
from . import paper, services
from .blueprint import bp
from .forms import PAPER_COPIES_MAX, SHEET_NUMBER_MAX, PaperEntryForm, answer_form
from .models import WorkshopSurvey


@bp.route("/surveys/<int:survey_id>/paper.pdf")
@staff_required
def paper_pdf(survey_id: int):
    """Print the survey as numbered sheets to tick, one per student (`copies`), in Spanish
    unless `lang=en`."""
    survey = services.get_survey_or_404(survey_id, for_user=current_user)
    if refusal := services.paper_refusal(survey):
        # Students are surveyed on paper under the same rule as online: not before then.
        flash(refusal, "error")
        return redirect(url_for(".workshop", workshop_id=survey.workshop_id))
    language = request.args.get("lang")
    if language not in current_app.config["LANGUAGES"]:
        language = "es"
    copies = request.args.get("copies", type=int) or paper.default_copies(survey.workshop)
    body = paper.render_sheets(survey, language, copies)
    name = download_name("taller", survey.workshop_id, "encuesta", survey.phase.value, "papel",
                         ext="pdf")
    return pdf_response(body, name)


@bp.app_template_global()
def paper_print_offer(workshop: Workshop) -> tuple[int, int]:
    """Return the sheets the workshop's surveys page offers to print: (by default, at most)."""
    return paper.default_copies(workshop), PAPER_COPIES_MAX


@bp.route("/surveys/<int:survey_id>/paper-entry", methods=["GET", "POST"])
@staff_required
def paper_entry(survey_id: int):
    """Type in one paper sheet: the same answers and checks as online, any day after."""
    survey = services.get_survey_or_404(survey_id, for_user=current_user)
    if refusal := services.paper_refusal(survey):
        return _page(survey, None, refusal=refusal), 409
    if request.method == "POST":
        survey.version.lock()  # no edit of its wording while this sheet is checked and saved
    form = answer_form(survey.version, get_locale().language, paper=True,
                       sheet=_next_sheet(survey))
    if not form.validate_on_submit():
        return _page(survey, form), 422 if form.is_submitted() else 200
    response = services.save_paper_response(survey, form.code, form.answers(), current_user)
    db.session.commit()
    entered = services.paper_response_count(survey)
    flash(ngettext("Sheet %(sheet)d saved: %(num)d sheet entered so far.",
                   "Sheet %(sheet)d saved: %(num)d sheets entered so far.", entered,
                   sheet=form.sheet.data), "success")
    # `saved` offers to take this sheet back on the next page, should it have gone wrong.
    return redirect(url_for(".paper_entry", survey_id=survey.id,
                            sheet=min(form.sheet.data + 1, SHEET_NUMBER_MAX),
                            saved=response.id, saved_sheet=form.sheet.data))


@bp.route("/surveys/<int:survey_id>/paper-entry/<int:response_id>/remove", methods=["POST"])
@staff_required
def remove_paper_entry(survey_id: int, response_id: int):
    """Take back a sheet just typed in by mistake, to type it in again under its number."""
    survey = services.get_survey_or_404(survey_id, for_user=current_user)
    response = services.paper_response(survey, response_id)
    if response is None:
        abort(404)
    sheet = request.args.get("sheet", type=int)
    return button_action(
        lambda: services.remove_paper_response(survey, response, current_user),
        _("The sheet was taken back: type it in again."),
        url_for(".paper_entry", survey_id=survey.id, **({"sheet": sheet} if sheet else {})))


def _next_sheet(survey: WorkshopSurvey) -> int:
    """Return the sheet number the page proposes: the one after the sheet just saved, else
    the one after as many as were typed in (sheets are usually typed in their order)."""
    sheet = request.args.get("sheet", type=int)
    if sheet and 1 <= sheet <= SHEET_NUMBER_MAX:
        return sheet
    return min(services.paper_response_count(survey) + 1, SHEET_NUMBER_MAX)


def _first_field(form: PaperEntryForm) -> str:
    """Return the id of the field to type in first: the first one marked wrong, else the
    code's first (the sheet number is proposed)."""
    code = [form.mother_initial, form.birth_day, form.phone_digit]
    fields = [form.sheet, *code, *(form.item_field(item) for item in form.items)]
    wrong = [field for field in fields if field.errors]
    if not wrong and form.code_errors:
        wrong = code
    return (wrong or code)[0].id


def _just_saved(survey: WorkshopSurvey) -> tuple[int, int] | None:
    """Return (response id, sheet number) of the sheet the previous page saved, while it can
    still be taken back (a paper response of this survey), else None."""
    saved, sheet = request.args.get("saved", type=int), request.args.get("saved_sheet", type=int)
    if saved and sheet and services.paper_response(survey, saved) is not None:
        return saved, sheet
    return None


def _page(survey: WorkshopSurvey, form: PaperEntryForm | None, **context) -> str:
    return render_template(
        "surveys/paper_entry.html", survey=survey, workshop=survey.workshop, form=form,
        focus=form and _first_field(form), entered=services.paper_response_count(survey),
        reference=survey.version.wording_stamp()[:6], just_saved=_just_saved(survey),
        undo_form=EmptyForm(), **context)
