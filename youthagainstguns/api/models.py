"""Personal API tokens: a partner's program calls the API as the account a token belongs to."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from ..auth.models import User
from ..enums import LabelledEnum
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow


class Scope(LabelledEnum):
    """What a token may do; reading is a scope of its own so a write-only token is possible."""

    READ = "read", _l("Read")
    ATTENDANCE_WRITE = "attendance-write", _l("Take attendance")


class ApiToken(db.Model):
    """A secret that stands for one account on API requests; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80))  # what it is for, e.g. "app de la UGEL"
    # Scope values, space separated ("read attendance-write").
    scopes: so.Mapped[str] = so.mapped_column(sa.String(80))
    # sha256 of the whole secret as shown ("yag_…"), hex: the secret itself is never stored.
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    user: so.Mapped[User] = so.relationship(foreign_keys=[user_id])
    created_by: so.Mapped[User | None] = so.relationship(foreign_keys=[created_by_id])

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} user={self.user_id}>"

    @property
    def scope_set(self) -> frozenset[Scope]:
        """Return the token's scopes."""
        return frozenset(Scope(value) for value in self.scopes.split())

    @property
    def is_revoked(self) -> bool:
        """Tell whether the token was revoked."""
        return self.revoked_at is not None

