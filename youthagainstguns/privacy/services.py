"""Data-subject rights: find the person, anonymise on request or after the retention period.

Anonymising keeps every row that a figure counts (attendance, certificates, matches, session
dates and durations, closure reasons) and empties what names or describes the person: names,
birth date, guardian, contact, interests and every free-text note. Functions flush; the view or
command commits.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import abort, current_app
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..auth.models import User
from ..extensions import db
from ..listing import matching, search_words
from ..mentoring.enums import OPEN_MATCH_STATUSES
from ..mentoring.models import GuardianConsent, Match, Mentee, SafeguardingAlert
from ..mentoring.services import get_mentee_or_404
from ..referrals.models import Referral, SharingConsent
from ..timeutil import lima_day_bounds, today_lima, utcnow
from ..workshops.models import (
    ATTENDED_STATUSES,
    RosterEntry,
    Student,
    Workshop,
    WorkshopStatus,
)
from .export import Person

KINDS = ("mentees", "students")
SEARCH_LIMIT = 50


class Reason(enum.StrEnum):
    """Why a record was anonymised; kept in the audit trail."""

    GUARDIAN = "guardian-request"
    PERSON = "own-request"
    RETENTION = "retention"

    @property
    def label(self) -> str:
        """Return the reason in the user's language."""
        return str(REASON_LABELS[self])


REASON_LABELS = {
    Reason.GUARDIAN: _l("The guardian asked for deletion"),
    Reason.PERSON: _l("The young person asked for deletion"),
    Reason.RETENTION: _l("The retention period has passed"),
}

# Free text under a mentee that could name or describe them: emptied (None stays None).
SCRUBBED = {
    GuardianConsent: ("given_by", "relation", "withdrawn_reason"),
    Match: ("goals", "paused_reason", "exit_notes", "mentee_name_at_closure"),
    SafeguardingAlert: ("details", "follow_up_notes"),
    # Kind, partner, status and dates stay for the referral outcomes' figures.
    Referral: ("reason",),
    SharingConsent: ("given_by", "relation", "withdrawn_reason"),
}
SCRUBBED_PER_MATCH = {"sessions": ("activity", "notes"), "check_ins": ("notes",)}


def get_person_or_404(kind: str, subject_id: int, *, for_user: User) -> Person:
    """Fetch a mentee or a student with the record linked to it; 404 if missing, 403 unless
    `for_user` is staff (the only people who handle data-subject requests)."""
    if kind == "mentees":
        mentee = get_mentee_or_404(subject_id, for_user=for_user)
        return Person(mentee=mentee, student=mentee.student)
    if kind != "students":
        abort(404)
    student = db.get_or_404(Student, subject_id)
    if not for_user.is_staff:
        abort(403)
    mentee = db.session.scalar(sa.select(Mentee).where(Mentee.student_id == student.id))
    return Person(mentee=mentee, student=student)


def search(q: str) -> tuple[list[Mentee], list[Student]]:
    """Return mentees and students whose names contain every word of `q` (not anonymised)."""
    if not search_words(q):
        return [], []

    def found(model):
        query = matching(sa.select(model).where(model.anonymised_at.is_(None)), q,
                         model.first_name, model.last_names)
        return list(db.session.scalars(
            query.order_by(model.last_names, model.first_name, model.id).limit(SEARCH_LIMIT)))

    return found(Mentee), found(Student)


def _scrub(item, names: tuple[str, ...]) -> None:
    for name in names:
        if getattr(item, name) is not None:
            setattr(item, name, "")


def anonymise_mentee(mentee: Mentee, reason: Reason, *, by: User | None = None,
                     now: datetime | None = None) -> None:
    """Anonymise a mentee and empty the free text of their consents, matches, sessions,
    check-ins, alerts, referrals and their follow-ups; audited. Raises if already anonymised
    or a match is open."""
    mentee.anonymise(now)
    for consent in mentee.consents:
        _scrub(consent, SCRUBBED[GuardianConsent])
    for match in mentee.matches:
        _scrub(match, SCRUBBED[Match])
        for relation, names in SCRUBBED_PER_MATCH.items():
            for item in getattr(match, relation):
                _scrub(item, names)
        for check_in in match.check_ins:  # each rating keeps a copy of a goal's wording
            for rating in check_in.goal_ratings:
                _scrub(rating, ("goal",))
    for alert in db.session.scalars(sa.select(SafeguardingAlert).where(
            SafeguardingAlert.mentee_id == mentee.id)):
        _scrub(alert, SCRUBBED[SafeguardingAlert])
    for referral in db.session.scalars(sa.select(Referral).where(
            Referral.mentee_id == mentee.id)):
        _scrub(referral, SCRUBBED[Referral])
        for follow_up in referral.follow_ups:
            _scrub(follow_up, ("notes",))
    for consent in db.session.scalars(sa.select(SharingConsent).where(
            SharingConsent.mentee_id == mentee.id)):
        _scrub(consent, SCRUBBED[SharingConsent])
    record("privacy.anonymise", mentee, f"mentee {mentee.id} anonymised: {reason.value}",
           actor=by)


def anonymise_student(student: Student, reason: Reason, *, by: User | None = None,
                      now: datetime | None = None) -> None:
    """Anonymise a workshop participant (attendance and certificates stay); audited."""
    student.anonymise(now)
    record("privacy.anonymise", student, f"student {student.id} anonymised: {reason.value}",
           actor=by)


def anonymise_person(person: Person, reason: Reason, by: User) -> None:
    """Anonymise both records of a person on request; raises before changing anything if
    either is already anonymised or the mentee's match is still open."""
    now = utcnow()
    if person.mentee is not None:
        anonymise_mentee(person.mentee, reason, by=by, now=now)
    # A linked participant already anonymised (e.g. by retention) is no reason to refuse.
    if person.student is not None and not (person.mentee and person.student.is_anonymised):
        anonymise_student(person.student, reason, by=by, now=now)


def retention_cutoff(today: date | None = None) -> datetime:
    """Return the moment before which a record's last activity makes it expired."""
    today = today or today_lima()
    years = current_app.config["RETENTION_YEARS"]
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - years, day=28)
    return lima_day_bounds(day)[0]


def expired_students(cutoff: datetime) -> list[int]:
    """Return the ids of students not anonymised whose last attended workshop (or, never
    having attended, their record) is older than `cutoff`, with no workshop still ahead."""
    recent_or_ahead = sa.exists().where(
        RosterEntry.student_id == Student.id, Workshop.id == RosterEntry.workshop_id,
        sa.or_(sa.and_(RosterEntry.status.in_(ATTENDED_STATUSES), Workshop.starts_at >= cutoff),
               Workshop.status.in_((WorkshopStatus.DRAFT, WorkshopStatus.SCHEDULED))))
    return list(db.session.scalars(
        sa.select(Student.id).where(Student.anonymised_at.is_(None),
                                    Student.created_at < cutoff, ~recent_or_ahead)
        .order_by(Student.id)))


def expired_mentees(cutoff: datetime) -> list[int]:
    """Return the ids of mentees not anonymised with no open match, whose last match closed
    (or who were referred, never matched, or left) before `cutoff`."""
    day = cutoff.date()
    open_or_recent = sa.exists().where(
        Match.mentee_id == Mentee.id,
        sa.or_(Match.status.in_(OPEN_MATCH_STATUSES), Match.closed_on >= day))
    return list(db.session.scalars(
        sa.select(Mentee.id).where(
            Mentee.anonymised_at.is_(None), Mentee.referred_on < day,
            sa.or_(Mentee.archived_at.is_(None), Mentee.archived_at < cutoff),
            ~open_or_recent)
        .order_by(Mentee.id)))


@dataclass
class ExpiredRecords:
    """What the retention run found (ids only, never names)."""

    student_ids: list[int] = field(default_factory=list)
    mentee_ids: list[int] = field(default_factory=list)


def find_expired(today: date | None = None) -> ExpiredRecords:
    """Return the ids of every record past the retention period."""
    cutoff = retention_cutoff(today)
    return ExpiredRecords(student_ids=expired_students(cutoff),
                          mentee_ids=expired_mentees(cutoff))


def anonymise_expired(today: date | None = None) -> ExpiredRecords:
    """Anonymise every record past the retention period, one by one; return their ids."""
    expired = find_expired(today)
    now = utcnow()
    for mentee_id in expired.mentee_ids:
        anonymise_mentee(db.session.get(Mentee, mentee_id), Reason.RETENTION, now=now)
    for student_id in expired.student_ids:
        anonymise_student(db.session.get(Student, student_id), Reason.RETENTION, now=now)
    return expired


def update_student(student: Student, values: dict, by: User) -> None:
    """Correct a student's names, grade, section and code; audited (ids only)."""
    for name, value in values.items():
        setattr(student, name, value)
    record("student.edit", student, f"student {student.id} corrected", actor=by)
