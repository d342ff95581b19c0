"""Page helpers shared by every area's views."""
from collections.abc import Callable

from flask import abort, flash, redirect, render_template
from werkzeug.wrappers import Response

from .extensions import db
from .forms import EmptyForm


def render_audited(template: str, **context) -> str:
    """Render a page of sensitive data, then commit the audit line recorded for it.

    Committing first would expire the loaded records and reload them one by one; and as
    nothing reads them once the page is made, the commit leaves them unexpired (expiring a
    300-student roster costs more than its audit line).
    """
    html = render_template(template, **context)
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
    return html


def button_action(act: Callable[[], object], message: str, next_url: str) -> Response:
    """Run a one-button POST: 400 without a valid CSRF token, else act, commit, flash, redirect."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    act()
    db.session.commit()
    flash(message, "success")
    return redirect(next_url)
