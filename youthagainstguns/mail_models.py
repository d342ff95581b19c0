"""The outbox: every mail is stored here first, then sent by a job, so none is lost."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from .dbtypes import UTCDateTime, enum_type
from .enums import LabelledEnum
from .extensions import db
from .timeutil import utcnow


class MailKind(LabelledEnum):
    """Why a mail was sent. Kinds for issue 9's later mails are listed so that adding their
    senders needs no migration."""

    ACCOUNT_CREATED = "account_created", _l("Account created")
    PASSWORD_LINK = "password_link", _l("New password link (staff)")
    PASSWORD_RESET = "password_reset", _l("Forgotten password")
    SAFEGUARDING_CONCERN = "safeguarding_concern", _l("Safeguarding concern")
    CONSENT_WITHDRAWN = "consent_withdrawn", _l("Consent withdrawn")
    DAILY_DIGEST = "daily_digest", _l("Daily digest")
    WORKSHOP_REMINDER = "workshop_reminder", _l("Workshop reminder")
    CERTIFICATES_READY = "certificates_ready", _l("Certificates ready")

    @property
    def optional(self) -> bool:
        """Tell whether a person may turn this kind off (account and safeguarding mail: no)."""
        return self in OPTIONAL_KINDS


OPTIONAL_KINDS = frozenset({
    MailKind.DAILY_DIGEST, MailKind.WORKSHOP_REMINDER, MailKind.CERTIFICATES_READY,
    MailKind.CONSENT_WITHDRAWN,
})


class MailStatus(LabelledEnum):
    """Where a message stands: queued → sending → sent, or back to queued, or failed."""

    QUEUED = "queued", _l("Queued"), "warn"
    SENDING = "sending", _l("Sending"), "warn"
    SENT = "sent", _l("Sent"), "ok"
    FAILED = "failed", _l("Failed"), "bad"


class MailStateError(RuntimeError):
    """A message was asked to move in a way its status does not allow."""


class OutboxMessage(db.Model):
    """One mail to one recipient; its body is kept only until it is sent."""

    __tablename__ = "outbox_messages"
    __table_args__ = (sa.Index("ix_outbox_messages_status_created_at", "status", "created_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[MailKind] = so.mapped_column(enum_type(MailKind))
    recipient: so.Mapped[str] = so.mapped_column(sa.String(254))
    # The account the mail is for, when it is for one (a school contact's address may not be).
    user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    locale: so.Mapped[str] = so.mapped_column(sa.String(5))
    subject: so.Mapped[str] = so.mapped_column(sa.String(255))
    # Erased once sent: bodies may hold one-time links, which must not linger in the database.
    body_text: so.Mapped[str | None] = so.mapped_column(sa.Text)
    body_html: so.Mapped[str | None] = so.mapped_column(sa.Text)
    status: so.Mapped[MailStatus] = so.mapped_column(
        enum_type(MailStatus), default=MailStatus.QUEUED)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    # The last delivery error as the SMTP server or the network gave it, for staff.
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_attempt_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    # Stored with the message so that every retry carries them; erased with the body.
    attachments: so.Mapped[list[OutboxAttachment]] = so.relationship(
        back_populates="message", cascade="all, delete-orphan", passive_deletes=True,
        order_by="OutboxAttachment.id")

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"

    def mark_sent(self) -> None:
        """Record delivery and erase the body."""
        self._require(MailStatus.SENDING)
        self.status = MailStatus.SENT
        self.sent_at = utcnow()
        self.last_error = None
        self.body_text = self.body_html = None
        self.attachments.clear()

    def record_failure(self, error: str, *, final: bool) -> None:
        """Record a failed attempt: queued for the next retry, or failed for good."""
        self._require(MailStatus.SENDING)
        self.status = MailStatus.FAILED if final else MailStatus.QUEUED
        self.last_error = error[:500]

    def requeue(self) -> None:
        """Put a failed message back in the queue (staff's "retry")."""
        self._require(MailStatus.FAILED)
        self.status = MailStatus.QUEUED

    def _require(self, status: MailStatus) -> None:
        if self.status != status:
            raise MailStateError(f"message {self.id} is {self.status}, not {status}")


class OutboxAttachment(db.Model):
    """A file sent with one outbox message (e.g. a workshop's .ics event)."""

    __tablename__ = "outbox_attachments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    message_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True)
    filename: so.Mapped[str] = so.mapped_column(sa.String(120))
    content_type: so.Mapped[str] = so.mapped_column(sa.String(100))
    content: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)

    message: so.Mapped[OutboxMessage] = so.relationship(back_populates="attachments")
