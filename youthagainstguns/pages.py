"""Page helpers shared by every area's views."""
from flask import render_template

from .extensions import db


def render_audited(template: str, **context) -> str:
    """Render a page of sensitive data, then commit the audit line recorded for it.

    Committing first would expire the loaded records and reload them one by one.
    """
    html = render_template(template, **context)
    db.session.commit()
    return html
