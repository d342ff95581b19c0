"""Mentors' screening and training, mentees and guardian consent, matches and their sessions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from ..dbtypes import UTCDateTime, enum_type
from ..extensions import db
from ..timeutil import today_lima, utcnow
from ..workshops.models import (
    ANONYMISED_FIRST_NAME,
    ANONYMISED_LABEL,
    ANONYMISED_LAST_NAMES,
    AlreadyAnonymisedError,
)
from .enums import (
    ALLOWED_IN,
    OPEN_MATCH_STATUSES,
    TRANSITIONS,
    AlertKind,
    CheckResult,
    ClosureReason,
    ClosureType,
    ConsentMethod,
    GoalProgress,
    InterviewOutcome,
    MatchStatus,
    ReferenceOutcome,
    SessionKind,
)
from .errors import MatchStateError, MentoringError

if TYPE_CHECKING:
    from ..auth.models import User
    from ..schools.models import School
    from ..workshops.models import Student

MIN_SESSION_MINUTES, MAX_SESSION_MINUTES = 5, 600


class MentorProfile(db.Model):
    """A volunteer mentor's file. Their status is derived from the screening records."""

    __tablename__ = "mentor_profiles"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), unique=True)
    application_date: so.Mapped[date]
    phone: so.Mapped[str | None] = so.mapped_column(sa.String(30))
    district: so.Mapped[str] = so.mapped_column(sa.String(60))
    # Comma-separated interests, compared with mentees' for suggestions.
    interests: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    # What the mentor asked for: age range, gender, languages; shown with suggestions.
    preferences: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    max_mentees: so.Mapped[int] = so.mapped_column(default=1)
    # Set by a coordinator when the mentor steps back; overrides every other status.
    inactive_since: so.Mapped[date | None]
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    user: so.Mapped[User] = so.relationship()
    interviews: so.Mapped[list[MentorInterview]] = so.relationship(
        back_populates="mentor", cascade="all, delete-orphan", order_by="MentorInterview.held_on")
    references: so.Mapped[list[MentorReference]] = so.relationship(
        back_populates="mentor", cascade="all, delete-orphan")
    background_checks: so.Mapped[list[BackgroundCheck]] = so.relationship(
        back_populates="mentor", cascade="all, delete-orphan",
        order_by="BackgroundCheck.checked_on")
    trainings: so.Mapped[list[TrainingSession]] = so.relationship(
        back_populates="mentor", cascade="all, delete-orphan", order_by="TrainingSession.held_on")
    decisions: so.Mapped[list[ScreeningDecision]] = so.relationship(
        back_populates="mentor", cascade="all, delete-orphan",
        order_by="ScreeningDecision.decided_on")
    matches: so.Mapped[list[Match]] = so.relationship(back_populates="mentor")

    __table_args__ = (sa.CheckConstraint("max_mentees BETWEEN 1 AND 5", name="max_mentees"),)

    def __repr__(self) -> str:
        return f"<MentorProfile {self.id}>"

    def can_manage(self, user: User) -> bool:
        """Only staff open and change mentors' files (a mentor reads their own on their page)."""
        return user.is_staff

    def is_inactive_on(self, on: date) -> bool:
        """Tell whether a coordinator had stood the mentor down by `on`."""
        return self.inactive_since is not None and self.inactive_since <= on


class MentorInterview(db.Model):
    __tablename__ = "mentor_interviews"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    mentor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("mentor_profiles.id"), index=True)
    held_on: so.Mapped[date]
    interviewer_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    outcome: so.Mapped[InterviewOutcome] = so.mapped_column(enum_type(InterviewOutcome))
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    mentor: so.Mapped[MentorProfile] = so.relationship(back_populates="interviews")
    interviewer: so.Mapped[User | None] = so.relationship()


class MentorReference(db.Model):
    __tablename__ = "mentor_references"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    mentor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("mentor_profiles.id"), index=True)
    referee_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    relation: so.Mapped[str] = so.mapped_column(sa.String(80))
    contacted_on: so.Mapped[date]
    outcome: so.Mapped[ReferenceOutcome] = so.mapped_column(enum_type(ReferenceOutcome))
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    mentor: so.Mapped[MentorProfile] = so.relationship(back_populates="references")


class BackgroundCheck(db.Model):
    """A criminal background check ("certificado de antecedentes"); it expires."""

    __tablename__ = "background_checks"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    mentor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("mentor_profiles.id"), index=True)
    checked_on: so.Mapped[date]
    result: so.Mapped[CheckResult] = so.mapped_column(enum_type(CheckResult))
    expires_on: so.Mapped[date] = so.mapped_column(index=True)

    mentor: so.Mapped[MentorProfile] = so.relationship(back_populates="background_checks")

    __table_args__ = (
        sa.CheckConstraint("expires_on > checked_on", name="expires_after_check"),
        # A mentor's latest check in one index step (the board's expiring checks).
        sa.Index("ix_background_checks_mentor_id_checked_on", "mentor_id", "checked_on", "id"),
    )


class TrainingSession(db.Model):
    __tablename__ = "mentor_trainings"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    mentor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("mentor_profiles.id"), index=True)
    held_on: so.Mapped[date]
    hours: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(4, 1))
    topics: so.Mapped[str] = so.mapped_column(sa.String(300))

    mentor: so.Mapped[MentorProfile] = so.relationship(back_populates="trainings")


class ScreeningDecision(db.Model):
    """The coordinator's approval or refusal at the end of screening; the latest one counts."""

    __tablename__ = "screening_decisions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    mentor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("mentor_profiles.id"), index=True)
    decided_on: so.Mapped[date]
    approved: so.Mapped[bool]
    reason: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    mentor: so.Mapped[MentorProfile] = so.relationship(back_populates="decisions")
    decided_by: so.Mapped[User | None] = so.relationship()


class Mentee(db.Model):
    """A young person in the mentoring program. Sensitive: every view is audited."""

    __tablename__ = "mentees"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    first_name: so.Mapped[str] = so.mapped_column(sa.String(80))
    last_names: so.Mapped[str] = so.mapped_column(sa.String(120))
    # None only once the record is anonymised.
    date_of_birth: so.Mapped[date | None]
    school_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("schools.id"), index=True)
    district: so.Mapped[str] = so.mapped_column(sa.String(60))
    interests: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    preferences: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    guardian_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    guardian_relation: so.Mapped[str] = so.mapped_column(sa.String(60))
    guardian_phone: so.Mapped[str] = so.mapped_column(sa.String(30))
    # The workshop participant this mentee was referred from, if any.
    student_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("students.id"), unique=True)
    # Start of the wait for a mentor; the board flags waits over 14 days.
    referred_on: so.Mapped[date]
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    archived_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Set when names, birth date, guardian and notes were removed (on request or after the
    # retention period); dates, durations and closure reasons stay for the program's figures.
    anonymised_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    version_id: so.Mapped[int] = so.mapped_column(default=1)

    school: so.Mapped[School | None] = so.relationship()
    student: so.Mapped[Student | None] = so.relationship()
    consents: so.Mapped[list[GuardianConsent]] = so.relationship(
        back_populates="mentee", cascade="all, delete-orphan", order_by="GuardianConsent.given_on"
    )
    matches: so.Mapped[list[Match]] = so.relationship(back_populates="mentee")

    __mapper_args__ = {"version_id_col": version_id}
    # Mentees on the books, longest referred first (the board's waiting list, a page at a time).
    __table_args__ = (sa.Index("ix_mentees_unarchived_referred_on", "referred_on", "id",
                               sqlite_where=sa.text("archived_at IS NULL"),
                               postgresql_where=sa.text("archived_at IS NULL")),)

    def __repr__(self) -> str:
        return f"<Mentee {self.id}>"

    def can_manage(self, user: User) -> bool:
        """Mentee records are staff-only, even for their mentor (who sees a summary)."""
        return user.is_staff

    def can_edit(self, user: User) -> bool:
        """Staff change (and pair) a mentee's record until it is anonymised: after that there
        is nothing left to correct, and no name may be typed back in."""
        return self.can_manage(user) and not self.is_anonymised

    @property
    def is_anonymised(self) -> bool:
        """An anonymised mentee keeps dates and counts, but no name, guardian or notes."""
        return self.anonymised_at is not None

    @property
    def full_name(self) -> str:
        """Return first name and last names."""
        if self.is_anonymised:
            return str(ANONYMISED_LABEL)
        return f"{self.first_name} {self.last_names}"

    def anonymise(self, now: datetime | None = None) -> None:
        """Remove the mentee's own personal fields and leave the programme; refuse a second
        time, or while a match is open (close it first). The records under the mentee
        (consents, matches, sessions) are the caller's to clear."""
        if self.is_anonymised:
            raise AlreadyAnonymisedError
        if any(match.status in OPEN_MATCH_STATUSES for match in self.matches):
            raise MentoringError(_l("Close the mentee's open match before anonymising."))
        now = now or utcnow()
        self.first_name, self.last_names = ANONYMISED_FIRST_NAME, ANONYMISED_LAST_NAMES
        self.date_of_birth = None
        self.guardian_name = self.guardian_relation = self.guardian_phone = ""
        self.interests = self.preferences = ""
        # The link to the workshop participant would name them through the roster.
        self.student_id = None
        self.archived_at = self.archived_at or now
        self.anonymised_at = now

    def has_participation_consent(self, on: date) -> bool:
        """Tell whether a guardian's participation consent, not withdrawn, holds on `on`."""
        return any(c.covers_participation_on(on) for c in self.consents)

    def age_on(self, on: date) -> int | None:
        """Return the mentee's age in whole years on a date (None once anonymised)."""
        born = self.date_of_birth
        if born is None:
            return None
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class GuardianConsent(db.Model):
    """A guardian's dated consent: who, how, what it covers; withdrawal keeps the record."""

    __tablename__ = "guardian_consents"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    mentee_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("mentees.id"), index=True)
    given_by: so.Mapped[str] = so.mapped_column(sa.String(120))
    relation: so.Mapped[str] = so.mapped_column(sa.String(60))
    given_on: so.Mapped[date]
    method: so.Mapped[ConsentMethod] = so.mapped_column(enum_type(ConsentMethod))
    # What the guardian agreed to; participation is required for any match.
    covers_participation: so.Mapped[bool] = so.mapped_column(default=False)
    covers_data_sharing: so.Mapped[bool] = so.mapped_column(default=False)
    covers_photos: so.Mapped[bool] = so.mapped_column(default=False)
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    withdrawn_on: so.Mapped[date | None]
    withdrawn_reason: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    withdrawn_recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    mentee: so.Mapped[Mentee] = so.relationship(back_populates="consents")

    # Whether a mentee's participation consent is in force, answered from the index alone.
    __table_args__ = (sa.Index("ix_guardian_consents_participation", "mentee_id",
                               "covers_participation", "given_on", "withdrawn_on"),)

    @property
    def is_withdrawn(self) -> bool:
        """A withdrawn consent no longer covers anything."""
        return self.withdrawn_on is not None

    def covers_participation_on(self, on: date) -> bool:
        """Tell whether this record allowed participation on `on` (given, not yet withdrawn)."""
        return (self.covers_participation and self.given_on <= on
                and (self.withdrawn_on is None or self.withdrawn_on > on))


class Match(db.Model):
    """A mentor paired with a mentee, from proposal to a closure whose reason is recorded."""

    __tablename__ = "matches"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    mentor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("mentor_profiles.id"), index=True)
    mentee_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("mentees.id"), index=True)
    status: so.Mapped[MatchStatus] = so.mapped_column(
        enum_type(MatchStatus), default=MatchStatus.PROPOSED, index=True
    )
    proposed_on: so.Mapped[date]
    proposed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    goals: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    start_date: so.Mapped[date | None]
    expected_end: so.Mapped[date | None]
    agreement_signed_on: so.Mapped[date | None]
    first_meeting_on: so.Mapped[date | None]
    paused_reason: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    closed_on: so.Mapped[date | None]
    closure_type: so.Mapped[ClosureType | None] = so.mapped_column(enum_type(ClosureType))
    closure_reason: so.Mapped[ClosureReason | None] = so.mapped_column(enum_type(ClosureReason))
    exit_notes: so.Mapped[str | None] = so.mapped_column(sa.Text)
    # Whether the mentee should be offered a new mentor after closure.
    rematch: so.Mapped[bool | None]
    # The mentee's first name when the match closed: all its mentor is shown of them afterwards,
    # so that later changes to the mentee's record never reach a former mentor.
    mentee_name_at_closure: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    closed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    version_id: so.Mapped[int] = so.mapped_column(default=1)

    mentor: so.Mapped[MentorProfile] = so.relationship(back_populates="matches")
    mentee: so.Mapped[Mentee] = so.relationship(back_populates="matches")
    sessions: so.Mapped[list[MentoringSession]] = so.relationship(
        back_populates="match", cascade="all, delete-orphan",
        order_by="MentoringSession.held_on.desc()",
    )
    check_ins: so.Mapped[list[StaffCheckIn]] = so.relationship(
        back_populates="match", cascade="all, delete-orphan", order_by="StaffCheckIn.held_on"
    )

    __mapper_args__ = {"version_id_col": version_id}
    # The mentees with an open match, the mentors with an active one, and whether a given
    # mentor has one, each from the index alone (however many matches have closed).
    __table_args__ = (sa.Index("ix_matches_status_mentee_id", "status", "mentee_id"),
                      sa.Index("ix_matches_status_mentor_id", "status", "mentor_id"))

    def __repr__(self) -> str:
        return f"<Match {self.id} {self.status}>"

    def goal_list(self) -> list[str]:
        """Return the match's goals: the non-empty lines of `goals`, trimmed, in order.

        A goal's place in this list is its `position` in the check-ins' ratings.
        """
        return [line.strip() for line in (self.goals or "").splitlines() if line.strip()]

    def is_mentor(self, user: User) -> bool:
        """Tell whether `user` is this match's mentor."""
        return self.mentor.user_id == user.id

    def can_view(self, user: User) -> bool:
        """Staff see every match; a mentor sees only their own."""
        return user.is_staff or self.is_mentor(user)

    def can_manage(self, user: User) -> bool:
        """Only staff move a match through its lifecycle and record check-ins."""
        return user.is_staff

    def can_log_session(self, user: User, on: date | None = None) -> bool:
        """Only the match's own mentor logs sessions, only while it is active and they are not
        inactive."""
        return (self.is_mentor(user) and self.status == MatchStatus.ACTIVE
                and not self.mentor.is_inactive_on(on or today_lima()))

    def mentor_may_read(self, on: date, closure_days: int) -> bool:
        """Tell whether the mentor may still read the match on `on`: while it is open, and for
        `closure_days` days after it closed."""
        return (self.status != MatchStatus.CLOSED
                or on <= self.closed_on + timedelta(days=closure_days))

    def mentee_for(self, user: User, on: date) -> MenteeSummary:
        """Return what `user` is shown of the mentee on `on`: staff, and the mentor of an open
        match, the name, age and school read now; a closed match's mentor the first name as
        it was at closure, and nothing else."""
        if self.status == MatchStatus.CLOSED and not user.is_staff:
            return MenteeSummary(self.mentee_name_at_closure or "—")
        mentee = self.mentee
        return MenteeSummary(mentee.full_name, mentee.age_on(on),
                             mentee.school.name if mentee.school else None)

    def refusal(self, action: str) -> str | None:
        """Say why the match's status does not allow `action` (see ALLOWED_IN); None if it does."""
        statuses, refusal = ALLOWED_IN[action]
        return None if self.status in statuses else str(refusal)

    def allows(self, action: str) -> bool:
        """Tell whether the match's status allows `action`, to offer only the forms it allows."""
        return self.refusal(action) is None

    def check_move(self, action: str) -> None:
        """Raise MatchStateError unless the match's status allows `action`."""
        if refusal := self.refusal(action):
            raise MatchStateError(refusal)

    def activate(self, *, agreement_signed_on: date, first_meeting_on: date, start_date: date,
                 expected_end: date) -> None:
        """Start a proposed match: agreement signed, first meeting held, term set."""
        self._move("activate")
        self.agreement_signed_on, self.first_meeting_on = agreement_signed_on, first_meeting_on
        self.start_date, self.expected_end = start_date, expected_end

    def pause(self, reason: str) -> None:
        """Pause an active match, keeping why."""
        self._move("pause")
        self.paused_reason = reason

    def resume(self) -> None:
        """Resume a paused match."""
        self._move("resume")
        self.paused_reason = None

    def close(self, *, closed_on: date, closure_type: ClosureType, reason: ClosureReason,
              exit_notes: str, rematch: bool, by: User) -> None:
        """Close an open match with its reason and whether the mentee gets a new mentor."""
        self._move("close")
        self.mentee_name_at_closure = self.mentee.first_name
        self.closed_on, self.closure_type, self.closure_reason = closed_on, closure_type, reason
        self.exit_notes, self.rematch, self.closed_by_id = exit_notes, rematch, by.id

    def _move(self, action: str) -> None:
        self.check_move(action)
        self.status = TRANSITIONS[action][1]


@dataclass(frozen=True)
class MenteeSummary:
    """What a match page shows of its mentee; age and school are None when not to be shown."""

    name: str
    age: int | None = None
    school: str | None = None


class MentoringSession(db.Model):
    """One meeting of a mentor and mentee, logged by the mentor."""

    __tablename__ = "mentoring_sessions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    match_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("matches.id"), index=True)
    held_on: so.Mapped[date] = so.mapped_column(index=True)
    duration_minutes: so.Mapped[int]
    kind: so.Mapped[SessionKind] = so.mapped_column(enum_type(SessionKind))
    activity: so.Mapped[str] = so.mapped_column(sa.String(200))
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    safeguarding_concern: so.Mapped[bool] = so.mapped_column(default=False)
    logged_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    # Indexed: the board lists the latest logs first.
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    match: so.Mapped[Match] = so.relationship(back_populates="sessions")

    __table_args__ = (
        sa.CheckConstraint(f"duration_minutes BETWEEN {MIN_SESSION_MINUTES} AND "
                           f"{MAX_SESSION_MINUTES}", name="duration_range"),
        # A match's latest session in one index step (the board's quiet matches, a mentor's
        # page), however many sessions the match has logged.
        sa.Index("ix_mentoring_sessions_match_id_held_on", "match_id", "held_on"),
    )

    def can_view(self, user: User) -> bool:
        """Staff read every log; a mentor reads the logs of their own matches."""
        return self.match.can_view(user)


class SafeguardingAlert(db.Model):
    """Raised at once for a concern or withdrawn consent; open until a coordinator follows up."""

    __tablename__ = "safeguarding_alerts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[AlertKind] = so.mapped_column(enum_type(AlertKind))
    match_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("matches.id"), index=True)
    mentee_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("mentees.id"), index=True)
    session_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("mentoring_sessions.id"))
    raised_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    raised_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    details: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    followed_up_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, index=True)
    followed_up_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    follow_up_notes: so.Mapped[str | None] = so.mapped_column(sa.Text)

    match: so.Mapped[Match | None] = so.relationship()
    mentee: so.Mapped[Mentee] = so.relationship()
    raised_by: so.Mapped[User | None] = so.relationship(foreign_keys=[raised_by_id])

    # The open alerts, oldest first, without reading the ones followed up (the board's top).
    __table_args__ = (sa.Index("ix_safeguarding_alerts_open_raised_at", "raised_at", "id",
                               sqlite_where=sa.text("followed_up_at IS NULL"),
                               postgresql_where=sa.text("followed_up_at IS NULL")),)


class StaffCheckIn(db.Model):
    """A coordinator's contact with a match: twice in the first month, then monthly."""

    __tablename__ = "staff_check_ins"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    match_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("matches.id"), index=True)
    held_on: so.Mapped[date]
    by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    method: so.Mapped[SessionKind] = so.mapped_column(enum_type(SessionKind))
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    match: so.Mapped[Match] = so.relationship(back_populates="check_ins")
    by: so.Mapped[User | None] = so.relationship()
    goal_ratings: so.Mapped[list[CheckInGoalRating]] = so.relationship(
        back_populates="check_in", cascade="all, delete-orphan",
        order_by="CheckInGoalRating.position",
    )

    # A match's check-ins since its start, counted in the index (the board's overdue list).
    __table_args__ = (sa.Index("ix_staff_check_ins_match_id_held_on", "match_id", "held_on"),)


class CheckInGoalRating(db.Model):
    """How far one of the match's goals had come at a staff check-in."""

    __tablename__ = "check_in_goal_ratings"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    check_in_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff_check_ins.id"))
    # The goal's place in Match.goal_list() when it was rated (0 = first line).
    position: so.Mapped[int]
    # The goal's wording as rated: the match's goals may be edited after the check-in.
    goal: so.Mapped[str] = so.mapped_column(sa.Text)
    progress: so.Mapped[GoalProgress] = so.mapped_column(enum_type(GoalProgress))

    check_in: so.Mapped[StaffCheckIn] = so.relationship(back_populates="goal_ratings")

    # One rating per goal per check-in; the unique index also finds a check-in's ratings.
    __table_args__ = (sa.UniqueConstraint("check_in_id", "position"),)
