"""The questionnaire library (staff): list, create, edit items, archive."""
from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import staff_required
from ..extensions import db
from ..forms import EmptyForm
from . import services
from .blueprint import bp
from .forms import ItemForm, QuestionnaireForm
from .models import Questionnaire, QuestionnaireVersion, SurveyError

# Where a move button sends an item.
OFFSETS = {"up": -1, "down": 1}


@bp.route("/questionnaires")
@staff_required
def index():
    """List the questionnaires with their current version and number of questions."""
    page = services.questionnaires_page(per_page=current_app.config["ITEMS_PER_PAGE"])
    summaries = services.version_summaries([q.id for q in page.items])
    return render_template("surveys/index.html", page=page, summaries=summaries)


@bp.route("/questionnaires/new", methods=["GET", "POST"])
@staff_required
def new():
    """Start a questionnaire: its name; the questions are added on its page."""
    form = QuestionnaireForm()
    if form.validate_on_submit():
        questionnaire = services.create_questionnaire(form.name.data, current_user)
        db.session.commit()
        flash(_("The questionnaire was created. Add its questions."), "success")
        return redirect(url_for(".edit", questionnaire_id=questionnaire.id))
    return render_template("surveys/new.html", form=form)


def _edit_page(questionnaire: Questionnaire, form=None, item_form=None):
    return render_template(
        "surveys/edit.html", questionnaire=questionnaire,
        version=questionnaire.current_version, form=form or QuestionnaireForm(obj=questionnaire),
        item_form=item_form or ItemForm(formdata=None), button_form=EmptyForm(),
        answered=questionnaire.current_version.has_answers())


@bp.route("/questionnaires/<int:questionnaire_id>", methods=["GET", "POST"])
@staff_required
def edit(questionnaire_id: int):
    """Show a questionnaire's questions with their actions; rename it."""
    questionnaire = services.get_questionnaire_or_404(questionnaire_id, for_user=current_user)
    form = QuestionnaireForm(obj=questionnaire)
    if form.validate_on_submit():
        services.rename_questionnaire(questionnaire, form.name.data, current_user)
        db.session.commit()
        flash(_("The questionnaire was renamed."), "success")
        return redirect(url_for(".edit", questionnaire_id=questionnaire.id))
    return _edit_page(questionnaire, form=form)


def _change_items(questionnaire: Questionnaire, what: str,
                  change: Callable[[QuestionnaireVersion], None]):
    """Apply an edit to the questions, say how it went, and go back to the questionnaire."""
    before = questionnaire.current_version.number
    try:
        version = services.edit_items(questionnaire, what, change, current_user)
        db.session.commit()
    except SurveyError as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    else:
        if version.number != before:
            flash(_("Version %(old)d has answers, so it was kept as it was: your change made "
                    "version %(new)d.", old=before, new=version.number), "info")
        else:
            flash(_("The questions were saved."), "success")
    return redirect(url_for(".edit", questionnaire_id=questionnaire.id))


@bp.route("/questionnaires/<int:questionnaire_id>/items", methods=["POST"])
@staff_required
def add_item(questionnaire_id: int):
    """Add a question at the end."""
    questionnaire = services.get_questionnaire_or_404(questionnaire_id, for_user=current_user)
    item_form = ItemForm()
    if not item_form.validate_on_submit():
        return _edit_page(questionnaire, item_form=item_form)
    kind, text_es, text_en = item_form.values()
    return _change_items(questionnaire, "question added",
                         lambda version: version.add_item(kind, text_es, text_en))


@bp.route("/questionnaires/<int:questionnaire_id>/items/<int:position>",
          methods=["GET", "POST"])
@staff_required
def edit_item(questionnaire_id: int, position: int):
    """Change a question's kind or wording."""
    questionnaire = services.get_questionnaire_or_404(questionnaire_id, for_user=current_user)
    version = questionnaire.current_version
    if not 1 <= position <= len(version.items):
        abort(404)
    item = version.item_at(position)
    form = ItemForm(obj=item)
    if form.validate_on_submit():
        kind, text_es, text_en = form.values()
        return _change_items(questionnaire, f"question {position} changed",
                             lambda draft: draft.change_item(position, kind, text_es, text_en))
    return render_template("surveys/item.html", questionnaire=questionnaire, item=item,
                           form=form, answered=version.has_answers())


@bp.route("/questionnaires/<int:questionnaire_id>/items/<int:position>/remove",
          methods=["POST"])
@staff_required
def remove_item(questionnaire_id: int, position: int):
    """Remove a question."""
    questionnaire = services.get_questionnaire_or_404(questionnaire_id, for_user=current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return _change_items(questionnaire, f"question {position} removed",
                         lambda version: version.remove_item(position))


@bp.route("/questionnaires/<int:questionnaire_id>/items/<int:position>/<any(up, down):direction>",
          methods=["POST"])
@staff_required
def move_item(questionnaire_id: int, position: int, direction: str):
    """Move a question one place up or down."""
    questionnaire = services.get_questionnaire_or_404(questionnaire_id, for_user=current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return _change_items(questionnaire, f"question {position} moved {direction}",
                         lambda version: version.move_item(position, OFFSETS[direction]))


def _set_archived(questionnaire_id: int, archived: bool, done: str):
    questionnaire = services.get_questionnaire_or_404(questionnaire_id, for_user=current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.set_archived(questionnaire, archived, current_user)
        db.session.commit()
        flash(done, "success")
    except SurveyError as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    return redirect(url_for(".edit", questionnaire_id=questionnaire.id))


@bp.route("/questionnaires/<int:questionnaire_id>/archive", methods=["POST"])
@staff_required
def archive(questionnaire_id: int):
    """Stop offering a questionnaire for new surveys; its answers stay."""
    return _set_archived(questionnaire_id, True, _("The questionnaire was archived."))


@bp.route("/questionnaires/<int:questionnaire_id>/restore", methods=["POST"])
@staff_required
def restore(questionnaire_id: int):
    """Offer an archived questionnaire again."""
    return _set_archived(questionnaire_id, False, _("The questionnaire is offered again."))
