"""Workshops, their speakers, students on rosters, attendance and calendar feeds."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..auth.models import Role
from ..dbtypes import UTCDateTime, enum_type
from ..enums import LabelledEnum
from ..extensions import db
from ..timeutil import lima_day_bounds, to_lima, utcnow

if TYPE_CHECKING:
    from ..auth.models import User
    from ..schools.models import School
    from ..speakers.models import Speaker


class WorkshopStatus(LabelledEnum):
    """draft → scheduled → held → closed, or cancelled from draft or scheduled."""

    DRAFT = "draft", _l("Draft")
    SCHEDULED = "scheduled", _l("Scheduled"), "ok"
    HELD = "held", _l("Held"), "ok"
    CLOSED = "closed", _l("Closed")
    CANCELLED = "cancelled", _l("Cancelled"), "bad"


class AttendanceStatus(LabelledEnum):
    """What happened to one student at one workshop."""

    PRESENT = "present", _l("Present")
    LATE = "late", _l("Late")
    EXCUSED = "excused", _l("Excused")
    ABSENT = "absent", _l("Absent")

    @property
    def attended(self) -> bool:
        """Present and late students were there and earn a certificate."""
        return self in ATTENDED_STATUSES


# Present and late students count as reached and earn a certificate.
ATTENDED_STATUSES = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)
# Workshops that took place: the ones reports, certificates and program figures count.
REPORTED = (WorkshopStatus.HELD, WorkshopStatus.CLOSED)


class WorkshopStateError(ValueError):
    """An illegal status change; its messages are meant for the person who asked for it."""

    def __init__(self, *messages: str):
        super().__init__(" ".join(messages))
        self.messages = messages


# Action name → (statuses it may start from, status it leads to).
TRANSITIONS = {
    "schedule": ((WorkshopStatus.DRAFT,), WorkshopStatus.SCHEDULED),
    "mark_held": ((WorkshopStatus.SCHEDULED,), WorkshopStatus.HELD),
    "close": ((WorkshopStatus.HELD,), WorkshopStatus.CLOSED),
    "cancel": ((WorkshopStatus.DRAFT, WorkshopStatus.SCHEDULED), WorkshopStatus.CANCELLED),
}
# A school contact may start taking attendance this long before the workshop starts.
ATTENDANCE_LEAD = timedelta(hours=1)

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
        enum_type(WorkshopStatus), default=WorkshopStatus.DRAFT
    )
    # Free text such as "3.º y 4.º de secundaria".
    target_grades: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    cancel_reason: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # The start time the 24-hour reminder was mailed for (set with a conditional UPDATE by
    # workshops/reminders.py); a reschedule makes it differ from starts_at, and re-arms it.
    reminder_sent_for: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # The school confirmed that the class's guardians were informed of the survey; without it
    # the workshop's survey links cannot be opened.
    guardians_informed: so.Mapped[bool] = so.mapped_column(default=False)
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
        # The list filtered by district (its venues) and status counts and pages from this
        # index alone, instead of visiting every workshop of that status.
        sa.Index("ix_workshops_venue_id_status_starts_at", "venue_id", "status", "starts_at"),
        # The list's order (latest first, id breaking ties): PostgreSQL pages deep into it
        # with an index-only scan instead of sorting every workshop (SQLite's starts_at index
        # already ends with the rowid).
        sa.Index("ix_workshops_starts_at_id", "starts_at", "id"),
        # Workshops held per month (program totals) are counted from this index alone.
        sa.Index("ix_workshops_status_starts_at", "status", "starts_at"),
    )

    def __repr__(self) -> str:
        return f"<Workshop {self.id} {self.status}>"

    @property
    def is_editable(self) -> bool:
        """Only workshops not yet held can be rescheduled or changed."""
        return self.status in (WorkshopStatus.DRAFT, WorkshopStatus.SCHEDULED)

    @property
    def roster_open(self) -> bool:
        """Students can join the roster until the workshop is closed or cancelled."""
        return self.status in (WorkshopStatus.DRAFT, WorkshopStatus.SCHEDULED, WorkshopStatus.HELD)

    @property
    def seats_left(self) -> int:
        """Return how many more students fit."""
        return max(self.capacity - self.seats_taken, 0)

    def attendance_window(self) -> tuple[datetime, datetime]:
        """Return when a school contact may take attendance: from 1 h before the start to the
        end of the Lima day on which the workshop ends."""
        return self.starts_at - ATTENDANCE_LEAD, lima_day_bounds(to_lima(self.ends_at).date())[1]

    def is_happening(self, now: datetime | None = None) -> bool:
        """Tell whether `now` falls in the attendance window."""
        opens, closes = self.attendance_window()
        return opens <= (now or utcnow()) < closes

    def can_view(self, user: User) -> bool:
        """Staff see every workshop; a school contact only those at their own school."""
        return user.is_staff or (user.role == Role.SCHOOL and user.school_id == self.venue_id)

    def can_view_documents(self, user: User) -> bool:
        """Tell whether `user` may see this workshop's reports and certificate packs."""
        if user.is_staff or self.can_view(user):
            return True  # what the rule below says, without a query
        return bool(db.session.scalar(sa.select(sa.exists().where(
            Workshop.id == self.id, documents_visible_to(user)))))

    def can_manage_roster(self, user: User) -> bool:
        """Staff and the venue's own school contacts may change the roster."""
        return self.can_view(user)

    def roster_open_for(self, user: User) -> bool:
        """Staff change the roster until closing; a school contact until the workshop is held."""
        if user.is_staff:
            return self.roster_open
        return self.status in (WorkshopStatus.DRAFT, WorkshopStatus.SCHEDULED)

    def can_take_attendance(self, user: User, now: datetime | None = None) -> bool:
        """Staff always; the venue's school contact only while it happens and never once closed."""
        if user.is_staff:
            return True
        return (self.can_view(user)
                and self.status in (WorkshopStatus.SCHEDULED, WorkshopStatus.HELD)
                and self.is_happening(now))

    def can_edit(self, user: User) -> bool:
        """Only staff schedule, edit and move workshops through their statuses."""
        return user.is_staff

    def schedule(self) -> None:
        """Confirm a draft."""
        self._move("schedule", _("Only a draft workshop can be scheduled."))

    def mark_held(self, now: datetime | None = None) -> None:
        """Record that the workshop took place; not before it starts."""
        if self.status == WorkshopStatus.SCHEDULED and (now or utcnow()) < self.starts_at:
            raise WorkshopStateError(_("A workshop cannot be marked as held before it starts."))
        self._move("mark_held", _("Only a scheduled workshop can be marked as held."))

    def close(self) -> None:
        """Freeze a held workshop: from now on only staff change attendance, audited."""
        self._move("close", _("Only a held workshop can be closed."))

    def cancel(self, reason: str) -> None:
        """Cancel a draft or scheduled workshop, keeping the reason."""
        if not (reason or "").strip():
            raise WorkshopStateError(_("Give a reason for cancelling."))
        self._move("cancel", _("Only a draft or scheduled workshop can be cancelled."))
        self.cancel_reason = reason.strip()

    def _move(self, action: str, refusal: str) -> None:
        sources, target = TRANSITIONS[action]
        if self.status not in sources:
            raise WorkshopStateError(refusal)
        self.status = target


# What an anonymised person's name columns hold (so that every list, sheet and CSV that reads
# them shows no name); pages show ANONYMISED_LABEL through `full_name` instead.
ANONYMISED_FIRST_NAME, ANONYMISED_LAST_NAMES = "—", "Participante anonimizado"
ANONYMISED_LABEL = _l("Anonymised participant")


class AlreadyAnonymisedError(ValueError):
    """A record was anonymised already; nothing is left to remove."""

    def __init__(self):
        # Lazy: raised by the monthly job too, where there is no request to translate for.
        super().__init__(_l("This record was already anonymised."))


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
    # Set when the names and code were removed (on request or after the retention period);
    # attendance and certificates stay, so counts and verification still hold.
    anonymised_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    school: so.Mapped[School] = so.relationship()

    def __repr__(self) -> str:
        return f"<Student {self.id}>"

    @property
    def is_anonymised(self) -> bool:
        """An anonymised student keeps attendance and certificates, but no name."""
        return self.anonymised_at is not None

    @property
    def full_name(self) -> str:
        """Return first name and last names as written on a certificate."""
        if self.is_anonymised:
            return str(ANONYMISED_LABEL)
        return f"{self.first_name} {self.last_names}"

    def anonymise(self, now: datetime | None = None) -> None:
        """Remove the names and school code for good; refuse a second time."""
        if self.is_anonymised:
            raise AlreadyAnonymisedError
        self.first_name, self.last_names = ANONYMISED_FIRST_NAME, ANONYMISED_LAST_NAMES
        self.student_code = None
        self.anonymised_at = now or utcnow()


class RosterEntry(db.Model):
    """A student expected at (or walked in to) a workshop, with their attendance once taken."""

    __tablename__ = "roster_entries"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    workshop_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    # Indexed with workshop_id below: "the workshops a school's pupils attend" reads the index
    # alone.
    student_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("students.id"))
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

    __table_args__ = (sa.UniqueConstraint("workshop_id", "student_id"),
                      sa.Index("ix_roster_entries_student_id_workshop_id",
                               "student_id", "workshop_id"))


# The mark of a roster line with no attendance taken yet, in RosterCount.mark.
UNMARKED = "unmarked"


class RosterCount(db.Model):
    """How many of a school's pupils a workshop's roster holds with each attendance mark (or
    UNMARKED), kept by workshops/summaries.py as rosters change: reports count from these few
    rows, and school contacts find the workshops elsewhere their pupils are on."""

    __tablename__ = "roster_counts"

    workshop_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True)
    school_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True)
    mark: so.Mapped[str] = so.mapped_column(sa.String(12), primary_key=True)
    pupils: so.Mapped[int]

    __table_args__ = (sa.Index("ix_roster_counts_school_id_workshop_id",
                               "school_id", "workshop_id"),)


class ConflictAcknowledgement(db.Model):
    """A soft scheduling conflict a coordinator saw and accepted, with the reason kept."""

    __tablename__ = "conflict_acknowledgements"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    workshop_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    # Identifies the conflict (kind plus the other records' ids) so that an edit does not ask
    # again about one already acknowledged.
    key: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    detail: so.Mapped[str] = so.mapped_column(sa.String(300))
    reason: so.Mapped[str] = so.mapped_column(sa.String(300))
    by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    workshop: so.Mapped[Workshop] = so.relationship(back_populates="acknowledgements")
    by: so.Mapped[User | None] = so.relationship()


class AttendanceBatch(db.Model):
    """A batch of attendance marks sent from a device (the offline page or the API), kept by
    its client-made id so that a batch sent again is applied once."""

    __tablename__ = "attendance_batches"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # Made by the client (a UUID from the offline page): unique, so a resent batch, even in a
    # race with itself, is found as a duplicate rather than applied twice.
    batch_id: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    workshop_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    received_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    applied: so.Mapped[int] = so.mapped_column(default=0)
    kept: so.Mapped[int] = so.mapped_column(default=0)


class CalendarFeed(db.Model):
    """A secret, revocable iCalendar URL; what it lists follows from its owner's role.

    Only the token's hash is kept, like a password link's: the URL is shown once, when made.
    """

    __tablename__ = "calendar_feeds"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    user: so.Mapped[User] = so.relationship()


def documents_visible_to(user: User) -> sa.ColumnElement[bool]:
    """Return the condition on Workshop for the workshops whose reports and certificate packs
    `user` may see: staff every one; a school contact those held at their school or attended
    by its students (e.g. at a community centre); anyone else none.

    The one statement of this rule: `Workshop.can_view_documents` and every list use it.
    """
    if user.is_staff:
        return sa.true()
    if user.role != Role.SCHOOL or user.school_id is None:
        return sa.false()
    return Workshop.id.in_(school_workshop_ids(user.school_id))


def school_workshop_ids(school_id: int) -> sa.CompoundSelect:
    """Select the ids of the workshops a school's pupils may be on: those it hosts and those
    whose rosters hold any of its pupils.

    One small uncorrelated set, computed once per statement; the second half comes from
    roster_counts, as finding it through the roster read all of a big school's 100,000 roster
    lines.
    """
    hosted = sa.select(Workshop.id).where(Workshop.venue_id == school_id)
    attended = sa.select(RosterCount.workshop_id).where(RosterCount.school_id == school_id)
    return sa.union(hosted, attended)


def took_place() -> sa.ColumnElement[bool]:
    """Return the condition "the workshop took place" (status in REPORTED), for lists shown
    newest first.

    Written as "status is none of the others": nearly every workshop took place, and this form
    lets SQLite walk the starts_at index newest first and stop at the page, where "status IN"
    made it fetch and sort every held workshop (18,000 at city scale) through the status index.
    """
    return Workshop.status.not_in([s for s in WorkshopStatus if s not in REPORTED])


def pupils_visible_to(user: User) -> sa.ColumnElement[bool]:
    """Return the condition on Student for the pupils `user` may see and mark on a workshop's
    pages: staff every one; a school contact their own school's, even at a workshop they host
    for another school; anyone else none.

    The one statement of this rule: roster page, CSV, sign-in sheet and attendance use it.
    """
    if user.is_staff:
        return sa.true()
    if user.role != Role.SCHOOL or user.school_id is None:
        return sa.false()
    return Student.school_id == user.school_id
