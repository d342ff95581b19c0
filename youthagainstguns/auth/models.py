"""Accounts, roles, one-time password links and the login-failure ledger."""
from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin

from ..audit.models import AuditEvent
from ..dbtypes import UTCDateTime, enum_type
from ..enums import LabelledEnum
from ..extensions import db
from ..mail_models import MailKind
from ..timeutil import utcnow


class Role(LabelledEnum):
    """What kind of person an account belongs to; one role per account."""

    ADMIN = "admin", _l("Administrator")
    COORDINATOR = "coordinator", _l("Coordinator")
    MENTOR = "mentor", _l("Mentor")
    SCHOOL = "school", _l("School contact")
    SPEAKER = "speaker", _l("Speaker")

STAFF_ROLES = (Role.ADMIN, Role.COORDINATOR)


def new_session_token() -> str:
    """Return a fresh random token that ties browser sessions to one login epoch."""
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    """A person who logs in. Students and mentees are records, never accounts."""

    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    full_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    role: so.Mapped[Role] = so.mapped_column(enum_type(Role))
    # None until the user sets one through their one-time link.
    password_hash: so.Mapped[str | None] = so.mapped_column(sa.String(256))
    # Part of the id stored in the session cookie; replacing it ends every existing session.
    session_token: so.Mapped[str] = so.mapped_column(sa.String(64), default=new_session_token)
    active: so.Mapped[bool] = so.mapped_column(default=True)
    locale: so.Mapped[str | None] = so.mapped_column(sa.String(5))
    school_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("schools.id"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_login_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Secrets given out before this (calendar feed links) end with the old password.
    password_changed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Two-step login (TOTP). The base32 secret is kept in clear: the server must compute the
    # same codes as the phone, so it needs the secret itself, not a hash; encrypting it with a
    # key from the same configuration would only move the secret next to the key. None means
    # no second step (staff are sent to enrol before anything else).
    totp_secret: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    two_step_enabled_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # The 30-second step of the last accepted code: a code is accepted once, never replayed.
    totp_last_step: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    # `speaker` (a speaker's own account) is declared by speakers, which sits above accounts.

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """Return the session identity: id plus the current session token."""
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        """Invalidate every session cookie issued so far for this user."""
        self.session_token = new_session_token()

    def has_role(self, *roles: Role) -> bool:
        """Tell whether the account holds one of the given roles."""
        return self.role in roles

    @property
    def is_staff(self) -> bool:
        """Admins and coordinators see all operational data."""
        return self.role in STAFF_ROLES

    @property
    def two_step_enabled(self) -> bool:
        """Tell whether logging in asks for a code after the password."""
        return self.totp_secret is not None

    @property
    def two_step_required(self) -> bool:
        """Staff see children's data in bulk and speakers' legal names: they need two steps."""
        return self.is_staff

    def can_manage(self, other: User) -> bool:
        """Admins manage every account; coordinators every account but admins'."""
        if self.role == Role.ADMIN:
            return True
        return self.role == Role.COORDINATOR and other.role != Role.ADMIN

    def assignable_roles(self) -> list[Role]:
        """Return the roles this user may give to a new account."""
        if self.role == Role.ADMIN:
            return list(Role)
        if self.role == Role.COORDINATOR:
            return [r for r in Role if r != Role.ADMIN]
        return []


# The audit trail sits below accounts, so its link to the acting user is declared here.
AuditEvent.actor = so.relationship(User)


class PasswordLink(db.Model):
    """A one-time, expiring link that lets a user set their password. Only its hash is kept."""

    __tablename__ = "password_links"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    user: so.Mapped[User] = so.relationship(foreign_keys=[user_id])

    def is_usable(self, now: datetime) -> bool:
        """A link works once, and only before it expires."""
        return self.used_at is None and now < self.expires_at


class RecoveryCode(db.Model):
    """A single-use code that stands in for the phone at the second step. Only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the code: codes are random (50 bits), so a slow hash would add nothing.
    code_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)


class FailureKind(LabelledEnum):
    """What a row of the failure ledger counts."""

    # S105: an enum value naming a kind of failure.
    PASSWORD = "password"  # noqa: S105
    TWO_STEP = "two_step"  # a wrong code after the right password
    RESET = "reset"  # a "forgot my password" request, counted against its address only


class LoginFailure(db.Model):
    """A failed login, kept in the database so throttling holds across worker processes.

    Rows older than the throttling window mean nothing and are purged (auth.purge_ledgers).
    """

    __tablename__ = "login_failures"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # Lower-cased as typed; may name no account, which is why it is not a foreign key.
    email: so.Mapped[str] = so.mapped_column(sa.String(254), index=True)
    address: so.Mapped[str] = so.mapped_column(sa.String(45), index=True)
    kind: so.Mapped[FailureKind] = so.mapped_column(
        enum_type(FailureKind), default=FailureKind.PASSWORD)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)


class MailOptOut(db.Model):
    """A kind of optional mail a user chose not to receive (a row means "do not send")."""

    __tablename__ = "mail_opt_outs"

    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # Only kinds that are MailKind.optional; safeguarding and account mail cannot be refused.
    kind: so.Mapped[MailKind] = so.mapped_column(enum_type(MailKind), primary_key=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
