"""Schools and community venues, their contacts and their blackout dates."""
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


class VenueKind(LabelledEnum):
    """A school or another place where a workshop can be held."""

    SCHOOL = "school", _l("School")
    COMMUNITY_CENTRE = "community_centre", _l("Community centre")


class School(db.Model):
    """A school or community centre: a venue for workshops and the home of students."""

    __tablename__ = "schools"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(160), index=True)
    kind: so.Mapped[VenueKind] = so.mapped_column(enum_type(VenueKind), default=VenueKind.SCHOOL)
    # One of districts.DISTRICTS; kept as text so the list can grow without a migration.
    district: so.Mapped[str] = so.mapped_column(sa.String(60), index=True)
    address: so.Mapped[str] = so.mapped_column(sa.String(200))
    # The Ministry of Education's "código modular", where the venue is a school.
    official_code: so.Mapped[str | None] = so.mapped_column(sa.String(20), unique=True)
    phone: so.Mapped[str | None] = so.mapped_column(sa.String(30))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    archived_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    # School contacts' accounts; declared here (above accounts) with its reverse, `User.school`.
    contacts: so.WriteOnlyMapped[User] = so.relationship(
        foreign_keys=[User.school_id], backref="school")
    blackout_dates: so.Mapped[list[BlackoutDate]] = so.relationship(
        back_populates="school", cascade="all, delete-orphan", order_by="BlackoutDate.starts_on"
    )

    def __repr__(self) -> str:
        return f"<School {self.id}>"

    @property
    def is_archived(self) -> bool:
        """Archived venues stay in history but take no new workshops."""
        return self.archived_at is not None

    def can_view(self, user: User) -> bool:
        """Staff see every venue; a school contact sees only their own."""
        return user.is_staff or (user.school_id == self.id)

    @classmethod
    def visible_to(cls, user: User) -> sa.ColumnElement[bool]:
        """`can_view` as a condition on a select of venues, for lists."""
        return sa.true() if user.is_staff else cls.id == (user.school_id or -1)


class BlackoutDate(db.Model):
    """Days a school cannot host workshops: holidays, exams, events."""

    __tablename__ = "blackout_dates"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    school_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("schools.id"), index=True)
    starts_on: so.Mapped[date]
    ends_on: so.Mapped[date]
    reason: so.Mapped[str] = so.mapped_column(sa.String(120))

    school: so.Mapped[School] = so.relationship(back_populates="blackout_dates")

    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="ordered"),)
