"""The audit log, for staff."""
import sqlalchemy as sa
from flask import Blueprint, current_app, render_template, request
from sqlalchemy.orm import joinedload

from ..auth.decorators import staff_required
from ..extensions import db
from .models import AuditEvent

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.route("/")
@staff_required
def index():
    """List audit events, newest first, filterable by action prefix."""
    query = sa.select(AuditEvent).options(joinedload(AuditEvent.actor)).order_by(
        AuditEvent.at.desc(), AuditEvent.id.desc()
    )
    action = request.args.get("action", "").strip()
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    page = db.paginate(query, per_page=current_app.config["ITEMS_PER_PAGE"] * 2, error_out=False)
    return render_template("audit/index.html", page=page, action=action)
