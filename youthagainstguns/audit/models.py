"""The audit trail: who did what to which record, including views of sensitive data."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow


class AuditEvent(db.Model):
    """One recorded action. The summary names records by id, never a child's name."""

    __tablename__ = "audit_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    # Dotted verb such as "workshop.create", "mentee.view", "report.export".
    action: so.Mapped[str] = so.mapped_column(sa.String(60), index=True)
    object_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    object_id: so.Mapped[int | None]
    summary: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    address: so.Mapped[str | None] = so.mapped_column(sa.String(45))
    # `actor` (the User) is declared by auth, which sits above the audit trail.

    __table_args__ = (sa.Index("ix_audit_events_object", "object_type", "object_id"),)


@sa.event.listens_for(AuditEvent, "before_update")
@sa.event.listens_for(AuditEvent, "before_delete")
def _refuse_rewriting(mapper, connection, target) -> None:
    """Refuse to change or remove a recorded event: the trail is append-only."""
    raise PermissionError(f"audit event {target.id} is append-only")
