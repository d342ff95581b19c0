"""Credible messengers: a public alias, a restricted legal identity, vetting and conditions."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from ..auth.models import User
from ..dbtypes import UTCDateTime, enum_type
from ..enums import LabelledEnum
from ..extensions import db
from ..timeutil import utcnow


class VettingDecision(LabelledEnum):
    """Outcome of a speaker's vetting review."""

    PENDING = "pending", _l("Pending")
    APPROVED = "approved", _l("Approved")
    REJECTED = "rejected", _l("Rejected")


class Speaker(db.Model):
    """A former gang member who gives workshops. Only the alias ever leaves the staff."""

    __tablename__ = "speakers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # The only name schools, students and certificates ever see.
    alias: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    # Restricted: coordinators and admins only. Exposure may put the speaker at risk.
    legal_name: so.Mapped[str] = so.mapped_column(sa.String(160))
    phone: so.Mapped[str | None] = so.mapped_column(sa.String(30))
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    bio: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    topics: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    languages: so.Mapped[str] = so.mapped_column(sa.String(120), default="Español")
    active: so.Mapped[bool] = so.mapped_column(default=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), unique=True)
    vetting_decision: so.Mapped[VettingDecision] = so.mapped_column(
        enum_type(VettingDecision), default=VettingDecision.PENDING
    )
    vetting_date: so.Mapped[date | None]
    vetting_reviewer_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    # Vetting lapses after this day; a lapsed speaker cannot be scheduled.
    vetting_renewal_on: so.Mapped[date | None]
    # Vetting conditions: safety rules that scheduling must respect.
    requires_teacher_present: so.Mapped[bool] = so.mapped_column(default=False)
    group_settings_only: so.Mapped[bool] = so.mapped_column(default=False)
    conditions_notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    archived_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    # The speaker's own account, if any; declared here (above accounts) with its reverse,
    # `User.speaker`.
    user: so.Mapped[User | None] = so.relationship(
        foreign_keys=[user_id], backref=so.backref("speaker", uselist=False))
    vetting_reviewer: so.Mapped[User | None] = so.relationship(foreign_keys=[vetting_reviewer_id])
    excluded_districts: so.Mapped[list[SpeakerExcludedDistrict]] = so.relationship(
        back_populates="speaker", cascade="all, delete-orphan"
    )
    unavailability: so.Mapped[list[SpeakerUnavailability]] = so.relationship(
        back_populates="speaker", cascade="all, delete-orphan",
        order_by="SpeakerUnavailability.starts_at",
    )

    def __repr__(self) -> str:
        return f"<Speaker {self.id}>"

    def vetting_valid_on(self, day: date) -> bool:
        """Tell whether vetting is approved and not lapsed on the given day."""
        return (
            self.vetting_decision == VettingDecision.APPROVED
            and self.vetting_renewal_on is not None
            and day <= self.vetting_renewal_on
        )

    @property
    def excluded_district_names(self) -> list[str]:
        """Return the districts this speaker must not be scheduled in."""
        return sorted(d.district for d in self.excluded_districts)

    def can_view_identity(self, user: User) -> bool:
        """Only staff may see the legal name and contact details."""
        return user.is_staff


class SpeakerExcludedDistrict(db.Model):
    """A district where a speaker must not work, for their own safety (vetting condition)."""

    __tablename__ = "speaker_excluded_districts"

    speaker_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("speakers.id"), primary_key=True)
    district: so.Mapped[str] = so.mapped_column(sa.String(60), primary_key=True)

    speaker: so.Mapped[Speaker] = so.relationship(back_populates="excluded_districts")


class SpeakerUnavailability(db.Model):
    """A period in which a speaker has said they cannot give workshops."""

    __tablename__ = "speaker_unavailability"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    speaker_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("speakers.id"), index=True)
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    ends_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    reason: so.Mapped[str] = so.mapped_column(sa.String(120), default="")

    speaker: so.Mapped[Speaker] = so.relationship(back_populates="unavailability")
