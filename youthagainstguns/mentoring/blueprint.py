"""The mentoring blueprint, and the page helpers its view modules share."""
from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template
from werkzeug.wrappers import Response

from ..extensions import db
from .errors import MentoringError

bp = Blueprint("mentoring", __name__, url_prefix="/mentoring")


def show_error(form, error: MentoringError) -> None:
    """Undo whatever the refused action touched; show its message by its field, or on top."""
    db.session.rollback()
    field = form._fields.get(error.field) if error.field and form is not None else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


def apply_form(form, act: Callable[[], object], success: str, next_url: str) -> Response | None:
    """When `form` comes back valid, run `act()`, commit, flash `success` and redirect to
    `next_url`. Return None when the page is to be shown (again): not submitted, invalid, or
    refused (the refusal is undone and shown)."""
    if not form.validate_on_submit():
        return None
    try:
        act()
    except MentoringError as error:
        show_error(form, error)
        return None
    db.session.commit()
    flash(success, "success")
    return redirect(next_url)


def form_page(form, title: str, cancel_url: str, **context) -> str:
    """Render the area's one form page: a title, an optional lead and refusals, the form."""
    return render_template("mentoring/form.html", form=form, title=title,
                           cancel_url=cancel_url, **context)
