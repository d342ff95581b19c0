"""The audit log, for staff."""
import sqlalchemy as sa
from flask import current_app, render_template, request
from sqlalchemy.orm import joinedload

from ..audit.models import AuditEvent
from ..auth.decorators import staff_required
from ..extensions import db
from .blueprint import bp


@bp.route("/audit/")
@staff_required
def audit_log():
    """List audit events, newest first, filterable by action prefix."""
    query = sa.select(AuditEvent).options(joinedload(AuditEvent.actor)).order_by(
        AuditEvent.at.desc(), AuditEvent.id.desc()
    )
    action = request.args.get("action", "").strip()
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    page = db.paginate(query, per_page=current_app.config["ITEMS_PER_PAGE"] * 2, error_out=False)
    return render_template("admin/audit_log.html", page=page, action=action)
