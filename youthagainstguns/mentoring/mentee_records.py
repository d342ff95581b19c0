"""Mentees' records: the mentee, the workshop participant they were, their guardians' consent.

Services change and flush and write the audit trail; the caller commits once. Dates that
decide an outcome ("today", "now") are parameters so that tests can move the clock.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from ..audit.services import record
from ..auth import notifications
from ..auth.models import User
from ..extensions import db
from ..listing import Sort, SortOffer, matching
from ..mail_models import MailKind
from ..schools.models import School
from ..text import normalise, search_text
from ..urls import absolute_url
from ..workshops.models import RosterEntry, Student, Workshop
from .enums import AlertKind, MatchStatus
from .errors import MentoringError
from .models import GuardianConsent, Match, Mentee, SafeguardingAlert
from .services import assign_fields, refuse_future

MENTEE_FIELDS = ("first_name", "last_names", "date_of_birth", "school_id", "district",
                 "interests", "preferences", "guardian_name", "guardian_relation",
                 "guardian_phone", "referred_on")
CONSENT_FIELDS = ("given_by", "relation", "given_on", "method", "covers_participation",
                  "covers_data_sharing", "covers_photos")
STUDENT_SEARCH_LIMIT = 20


def _contains(text: str, *columns) -> sa.ColumnElement[bool]:
    """SQL condition: one of `columns` contains `text`, whatever the case; % and _ are literal."""
    return sa.or_(*(column.icontains(text, autoescape=True) for column in columns))


# --- Mentees -------------------------------------------------------------------------------

MENTEE_SORTS = SortOffer(
    {"name": (Mentee.last_names, Mentee.first_name),
     "school": (sa.select(School.name).where(School.id == Mentee.school_id).scalar_subquery(),),
     "district": (Mentee.district,), "waiting": (Mentee.referred_on,)},
    default="name", tiebreak=Mentee.id, missing_last=frozenset({"school"}))


def mentees_query(q: str = "", archived: bool = False, sort: Sort | None = None) -> sa.Select:
    """Select the current (or archived) mentees with every word of `q` in their names, by name
    unless `sort` says otherwise, with their consents and matches."""
    query = (sa.select(Mentee)
             .options(joinedload(Mentee.school), selectinload(Mentee.consents),
                      selectinload(Mentee.matches))
             .where(Mentee.archived_at.is_not(None) if archived else Mentee.archived_at.is_(None))
             .order_by(*(sort or MENTEE_SORTS.chosen({})).order_by()))
    return matching(query, q, Mentee.first_name, Mentee.last_names)


def workshop_history(mentee: Mentee) -> list[RosterEntry]:
    """Return the workshops the mentee's linked participant was on the roster of, latest first."""
    if not mentee.student_id:
        return []
    return list(db.session.scalars(
        sa.select(RosterEntry).join(RosterEntry.workshop)
        .where(RosterEntry.student_id == mentee.student_id)
        .options(joinedload(RosterEntry.workshop).joinedload(Workshop.venue))
        .order_by(Workshop.starts_at.desc())
    ))


def create_mentee(data: dict, by: User) -> Mentee:
    """Record a new mentee; their wait for a mentor starts at `referred_on`."""
    mentee = Mentee()
    assign_fields(mentee, data, MENTEE_FIELDS)
    db.session.add(mentee)
    db.session.flush()
    record("mentee.create", mentee, actor=by)
    return mentee


def update_mentee(mentee: Mentee, data: dict, version: str | int | None, by: User) -> None:
    """Save an edit made on version `version`; refuse it if someone saved in between."""
    if str(version) != str(mentee.version_id):
        raise MentoringError(_("Someone else changed this record while you were editing. "
                               "Reload the page and make your change again."))
    assign_fields(mentee, data, MENTEE_FIELDS)
    db.session.flush()
    record("mentee.update", mentee, actor=by)


def search_students(school_id: int, q: str) -> list[Student]:
    """Find a school's workshop participants whose names hold every word of `q`."""
    query = sa.select(Student).where(Student.school_id == school_id)
    for word in search_text(q).split():
        query = query.where(_contains(word, Student.first_name, Student.last_names))
    return list(db.session.scalars(
        query.order_by(Student.last_names, Student.first_name).limit(STUDENT_SEARCH_LIMIT)
    ))


def names_differ(mentee: Mentee, student: Student) -> bool:
    """Tell whether the participant's name is not the mentee's (case, accents and spacing
    aside): linking them then needs a second look."""
    return normalise(f"{mentee.first_name} {mentee.last_names}") != normalise(
        f"{student.first_name} {student.last_names}")


def link_student(mentee: Mentee, student_id: int | None, by: User) -> None:
    """Link (or unlink) the workshop participant this mentee was referred from."""
    taken = student_id and db.session.scalar(
        db.select(Mentee.id).where(Mentee.student_id == student_id, Mentee.id != mentee.id)
    )
    if taken:
        raise MentoringError(_("This student is already linked to another mentee."))
    mentee.student_id = student_id
    db.session.flush()
    record("mentee.link_student", mentee, f"student={student_id or '-'}", actor=by)


def refer_again(mentee: Mentee, on: date, by: User) -> None:
    """Put a mentee who had left back on the waiting list from `on`."""
    mentee.archived_at = None
    mentee.referred_on = on
    db.session.flush()
    record("mentee.refer_again", mentee, actor=by)


# --- Consent -------------------------------------------------------------------------------

def record_consent(mentee: Mentee, data: dict, by: User, today: date) -> GuardianConsent:
    """Record a guardian's consent as given, dated no later than today."""
    refuse_future(data["given_on"], today, "given_on")
    consent = GuardianConsent(mentee=mentee, recorded_by_id=by.id)
    assign_fields(consent, data, CONSENT_FIELDS)
    db.session.add(consent)
    db.session.flush()
    covers = [k for k in ("participation", "data_sharing", "photos")
              if getattr(consent, f"covers_{k}")]
    record("consent.create", mentee, f"consent={consent.id} covers={','.join(covers) or '-'}",
           actor=by)
    return consent


def withdrawal_refusal(consent: GuardianConsent) -> str | None:
    """Say why a consent cannot be withdrawn (it already was); None if it can."""
    return _("This consent was already withdrawn.") if consent.is_withdrawn else None


def withdraw_consent(consent: GuardianConsent, *, on: date, reason: str, by: User,
                     today: date, now: datetime) -> list[Match]:
    """Withdraw a consent; if participation is no longer covered, pause active matches and
    alert coordinators. Return the matches paused."""
    if refusal := withdrawal_refusal(consent):
        raise MentoringError(refusal)
    refuse_future(on, today, "withdrawn_on")
    if on < consent.given_on:
        raise MentoringError(_("The withdrawal cannot be before the consent was given."),
                             "withdrawn_on")
    consent.withdrawn_on, consent.withdrawn_reason = on, reason
    consent.withdrawn_recorded_by_id = by.id
    mentee = consent.mentee
    record("consent.withdraw", mentee, f"consent={consent.id}", actor=by)
    if not consent.covers_participation or mentee.has_participation_consent(on):
        return []
    paused = []
    for match in mentee.matches:
        if match.status == MatchStatus.ACTIVE:
            match.pause(str(_("Guardian withdrew participation consent.")))
            record("match.pause", match, "consent withdrawn", actor=by)
            paused.append(match)
    db.session.add(SafeguardingAlert(
        kind=AlertKind.CONSENT_WITHDRAWN, mentee=mentee, match=paused[0] if paused else None,
        raised_by_id=by.id, raised_at=now, details=reason,
    ))
    db.session.flush()
    # Record and match numbers and a link only: no mentee's or guardian's name, no reason.
    notifications.notify(
        notifications.staff(), MailKind.CONSENT_WITHDRAWN, "consent_withdrawn",
        mentee_id=mentee.id, match_ids=[match.id for match in paused],
        link=absolute_url("mentoring.mentee_detail", mentee_id=mentee.id))
    return paused
