"""Certificates of attendance and of participation as a speaker."""
from __future__ import annotations

import base64
import enum
import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..dbtypes import UTCDateTime, enum_type
from ..extensions import db
from ..timeutil import utcnow

if TYPE_CHECKING:
    from ..speakers.models import Speaker
    from ..workshops.models import Student, Workshop


class CertificateKind(enum.StrEnum):
    """Who a certificate is for."""

    STUDENT = "student"
    SPEAKER = "speaker"


def new_verification_code() -> str:
    """Return an unguessable code: 160 random bits in upper-case base32, grouped for reading."""
    text = base64.b32encode(secrets.token_bytes(20)).decode("ascii")
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


class Certificate(db.Model):
    """A verifiable certificate; revocation keeps the record and says why."""

    __tablename__ = "certificates"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(
        sa.String(40), unique=True, default=new_verification_code
    )
    kind: so.Mapped[CertificateKind] = so.mapped_column(enum_type(CertificateKind))
    workshop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("workshops.id"), index=True)
    student_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("students.id"), index=True)
    speaker_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("speakers.id"), index=True)
    language: so.Mapped[str] = so.mapped_column(sa.String(5), default="es")
    issued_on: so.Mapped[date]
    issued_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    revoke_reason: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    revoked_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    workshop: so.Mapped[Workshop] = so.relationship()
    student: so.Mapped[Student | None] = so.relationship()
    speaker: so.Mapped[Speaker | None] = so.relationship()

    __table_args__ = (
        # One certificate per person per workshop: re-issuing finds the existing one.
        sa.UniqueConstraint("workshop_id", "student_id"),
        sa.UniqueConstraint("workshop_id", "speaker_id"),
        sa.CheckConstraint(
            "(student_id IS NULL) <> (speaker_id IS NULL)", name="one_holder"
        ),
        # The program's figures count certificates issued in a period without reading them all.
        sa.Index("ix_certificates_kind_issued_on", "kind", "issued_on"),
    )

    def __repr__(self) -> str:
        return f"<Certificate {self.id}>"

    @property
    def is_revoked(self) -> bool:
        """A revoked certificate verifies as revoked, never as valid."""
        return self.revoked_at is not None

    def can_download(self, user) -> bool:
        """Staff any; a school contact their own students'; a speaker their own."""
        if user.is_staff:
            return True
        if self.student is not None:
            return user.school_id is not None and self.student.school_id == user.school_id
        return user.speaker is not None and self.speaker_id == user.speaker.id

    def can_revoke(self, user) -> bool:
        """Only staff revoke certificates."""
        return user.is_staff
