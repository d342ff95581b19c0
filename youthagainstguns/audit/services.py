"""Write the audit trail. Callers pass ids and neutral words, never a child's name."""
from flask import has_request_context, request
from flask_login import current_user

from ..extensions import db
from .models import AuditEvent


def record(action: str, obj=None, summary: str = "", *, object_type: str | None = None,
           object_id: int | None = None, actor=None) -> AuditEvent:
    """Add an audit event for `action` on `obj` (or on object_type/object_id) and flush it."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    event = AuditEvent(
        action=action,
        object_type=object_type or (type(obj).__name__ if obj is not None else "-"),
        object_id=object_id if object_id is not None else getattr(obj, "id", None),
        summary=summary[:500],
        actor_id=getattr(actor, "id", None),
        address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    db.session.flush()
    return event
