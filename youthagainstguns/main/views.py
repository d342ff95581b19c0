"""The start page, which opens the user's dashboard, and the readiness check."""
from flask import Blueprint, redirect, url_for
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
    """Open the user's dashboard, every role's landing page (the first item of its menu)."""
    return redirect(url_for("dashboards.home"))


@bp.route("/healthz")
def healthz():
    """Answer load balancers and `make run`'s readiness check."""
    return {"status": "ok"}
