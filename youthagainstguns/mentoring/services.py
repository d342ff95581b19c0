"""Mentoring actions: screening records, mentees and consent, pairing, the match lifecycle,
session logs, safeguarding alerts and staff check-ins.

Services change and flush and write the audit trail; the caller commits once. Dates that
decide an outcome ("today", "now") are parameters so that tests can move the clock.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..auth.models import Role, User
from ..auth.services import create_password_link, create_user
from ..extensions import db
from ..i18n import format_date
from ..timeutil import to_lima
from .models import (
    AlertKind,
    ClosureReason,
    ClosureType,
    GuardianConsent,
    Match,
    MatchStatus,
    Mentee,
    MentoringSession,
    MentorProfile,
    SafeguardingAlert,
    SessionKind,
    StaffCheckIn,
)
from .status import OPEN_MATCH_STATUSES, MentorStatus, latest_check, mentor_status, screening_gaps

# A mentor may correct their own log for this many calendar days (Lima) after writing it.
EDIT_WINDOW_DAYS = 7
MIN_SESSION_MINUTES, MAX_SESSION_MINUTES = 5, 600

PROFILE_FIELDS = ("application_date", "phone", "district", "interests", "preferences",
                  "max_mentees", "inactive_since")
MENTEE_FIELDS = ("first_name", "last_names", "date_of_birth", "school_id", "district",
                 "interests", "preferences", "guardian_name", "guardian_relation",
                 "guardian_phone", "referred_on")
CONSENT_FIELDS = ("given_by", "relation", "given_on", "method", "covers_participation",
                  "covers_data_sharing", "covers_photos")

# Which statuses each lifecycle step may start from, and what to say when it may not.
TRANSITIONS = {
    "activate": ((MatchStatus.PROPOSED,), _l("Only a proposed match can be activated.")),
    "pause": ((MatchStatus.ACTIVE,), _l("Only an active match can be paused.")),
    "resume": ((MatchStatus.PAUSED,), _l("Only a paused match can be resumed.")),
    "close": (OPEN_MATCH_STATUSES, _l("This match is already closed.")),
}


class MentoringError(ValueError):
    """A refused action, with a message for people and, if it belongs to one, a form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Refusal:
    """One reason a pairing is refused: a stable code and a sentence."""

    code: str
    text: str


class PairingRefused(MentoringError):
    """Pairing refused, with every reason that applies."""

    def __init__(self, refusals: list[Refusal]):
        super().__init__(" ".join(r.text for r in refusals))
        self.refusals = refusals

    @property
    def codes(self) -> list[str]:
        """Return the refusal codes, for tests and logs."""
        return [r.code for r in self.refusals]


def _assign(obj, data: dict, fields: tuple[str, ...]) -> None:
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])


# --- Mentors -------------------------------------------------------------------------------

def create_mentor(*, email: str, full_name: str, profile: dict,
                  by: User) -> tuple[MentorProfile, str]:
    """Create a mentor account and its profile; return the profile and a password-link token."""
    user = create_user(email=email, full_name=full_name, role=Role.MENTOR, created_by=by)
    mentor = attach_profile(user, profile, by)
    return mentor, create_password_link(user, by)


def attach_profile(user: User, profile: dict, by: User) -> MentorProfile:
    """Open a mentor file for an existing mentor account."""
    if user.role != Role.MENTOR:
        raise MentoringError(_("Only an account with the mentor role can have a mentor file."))
    mentor = MentorProfile(user=user)
    _assign(mentor, profile, PROFILE_FIELDS)
    db.session.add(mentor)
    db.session.flush()
    record("mentor.create", mentor, f"user={user.id}", actor=by)
    return mentor


def update_profile(mentor: MentorProfile, profile: dict, by: User) -> None:
    """Change a mentor's file; capacity cannot drop below the places already taken."""
    taken = sum(1 for m in mentor.matches if m.status in OPEN_MATCH_STATUSES)
    if profile.get("max_mentees", mentor.max_mentees) < taken:
        raise MentoringError(
            _("This mentor already has %(n)d open matches; close one first.", n=taken),
            "max_mentees",
        )
    _assign(mentor, profile, PROFILE_FIELDS)
    record("mentor.update", mentor, actor=by)


def add_screening_record(mentor: MentorProfile, item, step: str, by: User) -> None:
    """Add an interview, reference, check, training or decision to a mentor's file."""
    item.mentor = mentor
    # Who interviewed or decided is the coordinator recording it.
    for attribute in ("interviewer_id", "decided_by_id"):
        if hasattr(item, attribute):
            setattr(item, attribute, by.id)
    db.session.add(item)
    db.session.flush()
    record(f"mentor.{step}", mentor, f"{type(item).__name__}={item.id}", actor=by)


# --- Mentees and consent -------------------------------------------------------------------

def create_mentee(data: dict, by: User) -> Mentee:
    """Record a new mentee; their wait for a mentor starts at `referred_on`."""
    mentee = Mentee()
    _assign(mentee, data, MENTEE_FIELDS)
    db.session.add(mentee)
    db.session.flush()
    record("mentee.create", mentee, actor=by)
    return mentee


def update_mentee(mentee: Mentee, data: dict, version: str | int | None, by: User) -> None:
    """Save an edit made on version `version`; refuse it if someone saved in between."""
    if str(version) != str(mentee.version_id):
        raise MentoringError(_("Someone else changed this record while you were editing. "
                               "Reload the page and make your change again."))
    _assign(mentee, data, MENTEE_FIELDS)
    db.session.flush()
    record("mentee.update", mentee, actor=by)


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


def record_consent(mentee: Mentee, data: dict, by: User, today: date) -> GuardianConsent:
    """Record a guardian's consent as given, dated no later than today."""
    if data["given_on"] > today:
        raise MentoringError(_("The date cannot be in the future."), "given_on")
    consent = GuardianConsent(mentee=mentee, recorded_by_id=by.id)
    _assign(consent, data, CONSENT_FIELDS)
    db.session.add(consent)
    db.session.flush()
    covers = [k for k in ("participation", "data_sharing", "photos")
              if getattr(consent, f"covers_{k}")]
    record("consent.create", mentee, f"consent={consent.id} covers={','.join(covers) or '-'}",
           actor=by)
    return consent


def withdraw_consent(consent: GuardianConsent, *, on: date, reason: str, by: User,
                     today: date, now: datetime) -> list[Match]:
    """Withdraw a consent; if participation is no longer covered, pause active matches and
    alert coordinators. Return the matches paused."""
    if consent.is_withdrawn:
        raise MentoringError(_("This consent was already withdrawn."))
    if on > today:
        raise MentoringError(_("The date cannot be in the future."), "withdrawn_on")
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
            match.status = MatchStatus.PAUSED
            match.paused_reason = str(_("Guardian withdrew participation consent."))
            record("match.pause", match, "consent withdrawn", actor=by)
            paused.append(match)
    db.session.add(SafeguardingAlert(
        kind=AlertKind.CONSENT_WITHDRAWN, mentee=mentee, match=paused[0] if paused else None,
        raised_by_id=by.id, raised_at=now, details=reason,
    ))
    db.session.flush()
    return paused


# --- Pairing and the match lifecycle -------------------------------------------------------

def pairing_refusals(mentor: MentorProfile, mentee: Mentee, on: date,
                     ignoring: Match | None = None) -> list[Refusal]:
    """Return every reason why this mentor may not be paired with this mentee on `on`.

    `ignoring` is the match being activated, which already holds its own place.
    """
    refusals = []
    status = mentor_status(mentor, on)
    if status == MentorStatus.INACTIVE:
        refusals.append(Refusal("mentor_inactive", _("The mentor is inactive.")))
    elif status == MentorStatus.EXPIRED:
        refusals.append(Refusal("check_expired", _(
            "The mentor's background check expired on %(date)s.",
            date=format_date(latest_check(mentor).expires_on))))
    else:
        gaps = screening_gaps(mentor, on)
        if gaps:
            refusals.append(Refusal("screening", _(
                "The mentor has not completed screening. Missing: %(list)s.",
                list="; ".join(g.text for g in gaps))))
    others = [m for m in mentor.matches if m.status in OPEN_MATCH_STATUSES and m is not ignoring]
    if len(others) >= mentor.max_mentees:
        refusals.append(Refusal("at_capacity", _(
            "The mentor already has %(n)d of %(max)d mentees.",
            n=len(others), max=mentor.max_mentees)))
    if not mentee.has_participation_consent(on):
        withdrawn = any(c.covers_participation and c.is_withdrawn for c in mentee.consents)
        refusals.append(Refusal("consent_withdrawn", _(
            "The guardian withdrew consent for participation.")) if withdrawn else Refusal(
            "no_consent", _("There is no guardian consent for participation.")))
    if any(m.status in OPEN_MATCH_STATUSES and m is not ignoring for m in mentee.matches):
        refusals.append(Refusal("mentee_matched", _(
            "The mentee already has a proposed, active or paused match.")))
    return refusals


def propose_match(mentor: MentorProfile, mentee: Mentee, *, goals: str, on: date,
                  by: User) -> Match:
    """Propose a pairing, or raise PairingRefused with every reason against it."""
    refusals = pairing_refusals(mentor, mentee, on)
    if refusals:
        raise PairingRefused(refusals)
    match = Match(mentor=mentor, mentee=mentee, goals=goals, proposed_on=on,
                  proposed_by_id=by.id, status=MatchStatus.PROPOSED)
    db.session.add(match)
    db.session.flush()
    record("match.propose", match, f"mentor={mentor.id} mentee={mentee.id}", actor=by)
    return match


def _guard(match: Match, action: str) -> None:
    allowed, message = TRANSITIONS[action]
    if match.status not in allowed:
        raise MentoringError(str(message))


def activate_match(match: Match, *, agreement_signed_on: date, first_meeting_on: date,
                   start_date: date, expected_end: date, today: date, by: User) -> None:
    """Start a proposed match once the agreement is signed; pairing rules are checked again."""
    _guard(match, "activate")
    for name, value in (("agreement_signed_on", agreement_signed_on),
                        ("first_meeting_on", first_meeting_on)):
        if value > today:
            raise MentoringError(_("The date cannot be in the future."), name)
    if expected_end <= start_date:
        raise MentoringError(_("The expected end must be after the start."), "expected_end")
    refusals = pairing_refusals(match.mentor, match.mentee, today, ignoring=match)
    if refusals:
        raise PairingRefused(refusals)
    match.agreement_signed_on, match.first_meeting_on = agreement_signed_on, first_meeting_on
    match.start_date, match.expected_end = start_date, expected_end
    match.status = MatchStatus.ACTIVE
    record("match.activate", match, actor=by)


def pause_match(match: Match, *, reason: str, by: User) -> None:
    """Pause an active match, saying why."""
    _guard(match, "pause")
    match.status, match.paused_reason = MatchStatus.PAUSED, reason
    record("match.pause", match, actor=by)


def resume_match(match: Match, *, today: date, by: User) -> None:
    """Resume a paused match; participation consent must hold again."""
    _guard(match, "resume")
    if not match.mentee.has_participation_consent(today):
        raise MentoringError(_("The match cannot resume without guardian consent for "
                               "participation."))
    match.status, match.paused_reason = MatchStatus.ACTIVE, None
    record("match.resume", match, actor=by)


def close_match(match: Match, *, closed_on: date, closure_type: ClosureType,
                reason: ClosureReason, exit_notes: str, rematch: bool, today: date,
                now: datetime, by: User) -> None:
    """Close a match with its reason; a rematch puts the mentee back on the waiting list."""
    _guard(match, "close")
    if closed_on > today:
        raise MentoringError(_("The date cannot be in the future."), "closed_on")
    if closed_on < (match.start_date or match.proposed_on):
        raise MentoringError(_("A match cannot close before it started."), "closed_on")
    match.status, match.closed_on = MatchStatus.CLOSED, closed_on
    match.closure_type, match.closure_reason = closure_type, reason
    match.exit_notes, match.rematch, match.closed_by_id = exit_notes, rematch, by.id
    if rematch:
        match.mentee.referred_on = closed_on
    else:
        # The young person leaves the programme: off the waiting list until referred again.
        match.mentee.archived_at = now
    record("match.close", match, f"{closure_type.value} {reason.value} rematch={rematch}",
           actor=by)


# --- Sessions and safeguarding -------------------------------------------------------------

def _validate_session(match: Match, held_on: date, duration: int, now: datetime) -> None:
    if held_on > to_lima(now).date():
        raise MentoringError(_("The date cannot be in the future."), "held_on")
    if match.start_date and held_on < match.start_date:
        raise MentoringError(_("The date cannot be before the match started (%(date)s).",
                               date=format_date(match.start_date)), "held_on")
    if not MIN_SESSION_MINUTES <= duration <= MAX_SESSION_MINUTES:
        raise MentoringError(_("The duration must be between %(min)d and %(max)d minutes.",
                               min=MIN_SESSION_MINUTES, max=MAX_SESSION_MINUTES),
                             "duration_minutes")


def _raise_concern(session: MentoringSession, details: str, by: User, now: datetime) -> None:
    db.session.add(SafeguardingAlert(
        kind=AlertKind.CONCERN, match=session.match, mentee_id=session.match.mentee_id,
        session_id=session.id, raised_by_id=by.id, raised_at=now, details=details,
    ))
    record("alert.raise", session.match, f"session={session.id}", actor=by)


def log_session(match: Match, by: User, *, held_on: date, duration_minutes: int,
                kind: SessionKind, activity: str, notes: str, concern: bool,
                concern_details: str, now: datetime) -> MentoringSession:
    """Log a meeting of the mentor's own active match; a concern alerts coordinators at once."""
    if not match.can_log_session(by):
        raise MentoringError(_("Sessions can be logged only for your own active matches."))
    _validate_session(match, held_on, duration_minutes, now)
    session = MentoringSession(
        match=match, held_on=held_on, duration_minutes=duration_minutes, kind=kind,
        activity=activity, notes=notes, safeguarding_concern=concern, logged_by_id=by.id,
        created_at=now,
    )
    db.session.add(session)
    db.session.flush()
    record("session.create", session, f"match={match.id}", actor=by)
    if concern:
        _raise_concern(session, concern_details, by, now)
    db.session.flush()
    return session


def can_edit_session(session: MentoringSession, user: User, now: datetime) -> bool:
    """The mentor who owns the match may edit a log up to 7 days after writing it."""
    age = (to_lima(now).date() - to_lima(session.created_at).date()).days
    return session.match.mentor.user_id == user.id and age <= EDIT_WINDOW_DAYS


def edit_session(session: MentoringSession, by: User, *, held_on: date, duration_minutes: int,
                 kind: SessionKind, activity: str, notes: str, concern: bool,
                 concern_details: str, now: datetime) -> None:
    """Correct a log within the edit window; a concern, once raised, cannot be taken back."""
    if not can_edit_session(session, by, now):
        raise MentoringError(_("This log can no longer be edited: logs can be changed for "
                               "%(days)d days after they are written.", days=EDIT_WINDOW_DAYS))
    _validate_session(session.match, held_on, duration_minutes, now)
    newly_concerned = concern and not session.safeguarding_concern
    session.held_on, session.duration_minutes, session.kind = held_on, duration_minutes, kind
    session.activity, session.notes = activity, notes
    session.safeguarding_concern = session.safeguarding_concern or concern
    session.updated_at = now
    record("session.update", session, f"match={session.match_id}", actor=by)
    if newly_concerned:
        _raise_concern(session, concern_details, by, now)
    db.session.flush()


def follow_up_alert(alert: SafeguardingAlert, *, notes: str, by: User, now: datetime) -> None:
    """Record what a coordinator did about an alert, which closes it."""
    if alert.followed_up_at is not None:
        raise MentoringError(_("This alert already has a follow-up."))
    if not notes.strip():
        raise MentoringError(_("Write what was done."), "notes")
    alert.followed_up_at, alert.followed_up_by_id = now, by.id
    alert.follow_up_notes = notes.strip()
    record("alert.follow_up", alert, f"mentee={alert.mentee_id}", actor=by)


def record_check_in(match: Match, *, held_on: date, method: SessionKind, notes: str,
                    today: date, by: User) -> StaffCheckIn:
    """Record a coordinator's contact with a match."""
    if match.status == MatchStatus.CLOSED:
        raise MentoringError(_("This match is already closed."))
    if held_on > today:
        raise MentoringError(_("The date cannot be in the future."), "held_on")
    check_in = StaffCheckIn(match=match, held_on=held_on, method=method, notes=notes,
                            by_id=by.id)
    db.session.add(check_in)
    db.session.flush()
    record("match.check_in", match, f"check_in={check_in.id}", actor=by)
    return check_in
