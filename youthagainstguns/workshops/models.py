"""Workshops, their speakers, students on rosters, attendance and calendar feeds."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from ..dbtypes import UTCDateTime, enum_type
from ..extensions import db
from ..timeutil import utcnow

if TYPE_CHECKING:
    from ..auth.models import User
    from ..schools.models import School
    from ..speakers.models import Speaker


class WorkshopStatus(enum.StrEnum):
    """draft → scheduled → held → closed, or cancelled from draft or scheduled."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    HELD = "held"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """Return the status name in the user's language."""
        return str(WORKSHOP_STATUS_LABELS[self])


WORKSHOP_STATUS_LABELS = {
    WorkshopStatus.DRAFT: _l("Draft"),
    WorkshopStatus.SCHEDULED: _l("Scheduled"),
    WorkshopStatus.HELD: _l("Held"),
    WorkshopStatus.CLOSED: _l("Closed"),
    WorkshopStatus.CANCELLED: _l("Cancelled"),
}


class AttendanceStatus(enum.StrEnum):
    """What happened to one student at one workshop."""

    PRESENT = "present"
    LATE = "late"
    EXCUSED = "excused"
    ABSENT = "absent"

    @property
    def label(self) -> str:
        """Return the status name in the user's language."""
        return str(ATTENDANCE_LABELS[self])

    @property
    def attended(self) -> bool:
        """Present and late students were there and earn a certificate."""
        return self in (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


ATTENDANCE_LABELS = {
    AttendanceStatus.PRESENT: _l("Present"),
    AttendanceStatus.LATE: _l("Late"),
    AttendanceStatus.EXCUSED: _l("Excused"),
    AttendanceStatus.ABSENT: _l("Absent"),
}

workshop_speakers = sa.Table(
    "workshop_speakers",
    db.metadata,
    sa.Column("workshop_id", sa.ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("speaker_id", sa.ForeignKey("speakers.id"), primary_key=True, index=True),
)


class Workshop(db.Model):
    """One session of a speaker (or several) in front of a group at a venue."""

    __tablename__ = "workshops"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    topic: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    venue_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("schools.id"), index=True)
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, index=True)
    ends_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, index=True)
    capacity: so.Mapped[int]
    # Roster size kept by conditional UPDATEs so that concurrent sign-ups never overbook.
    seats_taken: so.Mapped[int] = so.mapped_column(default=0)
    status: so.Mapped[WorkshopStatus] = so.mapped_column(
        enum_type(WorkshopStatus), default=WorkshopStatus.DRAFT, index=True
    )
    # Free text such as "3.º y 4.º de secundaria".
    target_grades: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    cancel_reason: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    version_id: so.Mapped[int] = so.mapped_column(default=1)

    venue: so.Mapped[School] = so.relationship()
    speakers: so.Mapped[list[Speaker]] = so.relationship(
        secondary=workshop_speakers, order_by="Speaker.alias"
    )
    roster: so.Mapped[list[RosterEntry]] = so.relationship(
        back_populates="workshop", cascade="all, delete-orphan", order_by="RosterEntry.position"
    )
    acknowledgements: so.Mapped[list[ConflictAcknowledgement]] = so.relationship(
        back_populates="workshop", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version_id}
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("seats_taken <= capacity", name="not_overbooked"),
    )

    def __repr__(self) -> str:
        return f"<Workshop {self.id} {self.status}>"


class Student(db.Model):
    """A young person on a school roster. Minimal data: no national ID, no contact."""

    __tablename__ = "students"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    school_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("schools.id"), index=True)
    first_name: so.Mapped[str] = so.mapped_column(sa.String(80))
    last_names: so.Mapped[str] = so.mapped_column(sa.String(120))
    grade: so.Mapped[str] = so.mapped_column(sa.String(30), default="")
    section: so.Mapped[str] = so.mapped_column(sa.String(10), default="")
    # The school's own code for the student, if it gives one.
    student_code: so.Mapped[str | None] = so.mapped_column(sa.String(30))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    school: so.Mapped[School] = so.relationship()

    def __repr__(self) -> str:
        return f"<Student {self.id}>"

    @property
    def full_name(self) -> str:
        """Return first name and last names as written on a certificate."""
        return f"{self.first_name} {self.last_names}"


class RosterEntry(db.Model):
    """A student expected at (or walked in to) a workshop, with their attendance once taken."""

    __tablename__ = "roster_entries"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    workshop_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    student_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("students.id"), index=True)
    # Roster order: the order of the uploaded list, used for sheets and certificate packs.
    position: so.Mapped[int] = so.mapped_column(default=0)
    walk_in: so.Mapped[bool] = so.mapped_column(default=False)
    # None until attendance is taken.
    status: so.Mapped[AttendanceStatus | None] = so.mapped_column(enum_type(AttendanceStatus))
    marked_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    marked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    workshop: so.Mapped[Workshop] = so.relationship(back_populates="roster")
    student: so.Mapped[Student] = so.relationship()
    marked_by: so.Mapped[User | None] = so.relationship()

    __table_args__ = (sa.UniqueConstraint("workshop_id", "student_id"),)


class ConflictAcknowledgement(db.Model):
    """A soft scheduling conflict a coordinator saw and accepted, with the reason kept."""

    __tablename__ = "conflict_acknowledgements"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    workshop_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    detail: so.Mapped[str] = so.mapped_column(sa.String(300))
    reason: so.Mapped[str] = so.mapped_column(sa.String(300))
    by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    workshop: so.Mapped[Workshop] = so.relationship(back_populates="acknowledgements")


class CalendarFeed(db.Model):
    """A secret, revocable iCalendar URL; what it lists follows from its owner's role."""

    __tablename__ = "calendar_feeds"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    token: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    user: so.Mapped[User] = so.relationship()
