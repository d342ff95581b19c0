"""The home page, which sends each role to its own starting point."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from .nav import nav_for

bp = Blueprint("main", __name__)


@bp.app_context_processor
def inject_nav() -> dict:
    """Give every template the current user's navigation."""
    return {"nav_items": nav_for(current_user)}


@bp.route("/")
@login_required
def index():
    """Open the first section of the user's navigation, or a plain welcome page."""
    items = nav_for(current_user)
    if items:
        return redirect(url_for(items[0].endpoint))
    return render_template("main/index.html")


@bp.route("/healthz")
def healthz():
    """Answer load balancers and `make run`'s readiness check."""
    return {"status": "ok"}
