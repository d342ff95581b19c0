"""Mentoring actions: fetching a record for a user, pairing, the match lifecycle, session logs,
safeguarding alerts and staff check-ins. Mentors' files are in `screening`, mentees and their
guardians' consent in `mentee_records`.

Services change and flush and write the audit trail; the caller commits once. Dates that
decide an outcome ("today", "now") are parameters so that tests can move the clock.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import abort, current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from ..audit.services import record
from ..auth import notifications
from ..auth.models import User
from ..extensions import db
from ..i18n import format_date
from ..mail_models import MailKind
from ..timeutil import to_lima, today_lima
from ..urls import absolute_url
from .enums import (
    OPEN_MATCH_STATUSES,
    AlertKind,
    ClosureReason,
    ClosureType,
    GoalProgress,
    MatchStatus,
    SessionKind,
)
from .errors import MentoringError, PairingRefused, Refusal
from .models import (
    MAX_SESSION_MINUTES,
    MIN_SESSION_MINUTES,
    CheckInGoalRating,
    GuardianConsent,
    Match,
    Mentee,
    MentoringSession,
    MentorInterview,
    MentorProfile,
    SafeguardingAlert,
    ScreeningDecision,
    StaffCheckIn,
)
from .status import mentor_refusals, screening_loads

# A mentor may correct their own log for this many calendar days (Lima) after writing it.
EDIT_WINDOW_DAYS = 7


def assign_fields(item, data: dict, fields: tuple[str, ...]) -> None:
    """Copy onto `item` those of `fields` that `data` holds."""
    for name in fields:
        if name in data:
            setattr(item, name, data[name])


def refuse_future(day: date, today: date, field: str) -> None:
    """Refuse a date after `today`, next to the form field that holds it."""
    if day > today:
        raise MentoringError(_("The date cannot be in the future."), field)


# --- Fetching a record for a user: 404 when missing, 403 when not theirs -------------------

# need → (the rule `for_user` must pass, what the page asking for it reads, loaded with it).
Needs = dict[str, tuple[Callable[..., bool], Sequence]]
_MENTOR_USER = joinedload(MentorProfile.user)
MENTOR_NEEDS: Needs = {
    "view": (MentorProfile.can_manage, (
        _MENTOR_USER, *screening_loads(matches=False),
        selectinload(MentorProfile.matches).joinedload(Match.mentee),
        selectinload(MentorProfile.interviews).joinedload(MentorInterview.interviewer),
        selectinload(MentorProfile.decisions).joinedload(ScreeningDecision.decided_by))),
    "edit": (MentorProfile.can_manage, (_MENTOR_USER, selectinload(MentorProfile.matches))),
    "screen": (MentorProfile.can_manage, (_MENTOR_USER,)),
    "pair": (MentorProfile.can_manage, (_MENTOR_USER, *screening_loads())),
}
MENTEE_NEEDS: Needs = {
    "view": (Mentee.can_manage, (
        joinedload(Mentee.school), joinedload(Mentee.student), selectinload(Mentee.consents),
        selectinload(Mentee.matches).joinedload(Match.mentor).joinedload(MentorProfile.user))),
    "edit": (Mentee.can_edit, ()),
    "pair": (Mentee.can_edit, (selectinload(Mentee.consents), selectinload(Mentee.matches))),
}
# Consents belong to the mentee's record: whoever may edit it may record or withdraw them.
CONSENT_NEEDS: Needs = {
    "edit": (lambda consent, user: consent.mentee.can_edit(user),
             (joinedload(GuardianConsent.mentee),)),
}
ALERT_NEEDS: Needs = {
    "view": (lambda alert, user: alert.mentee.can_manage(user), (
        joinedload(SafeguardingAlert.mentee), joinedload(SafeguardingAlert.raised_by),
        joinedload(SafeguardingAlert.match).joinedload(Match.mentor)
        .joinedload(MentorProfile.user))),
}
_MATCH_PEOPLE = (joinedload(Match.mentor).joinedload(MentorProfile.user),
                 joinedload(Match.mentee).joinedload(Mentee.school))
MATCH_NEEDS: Needs = {
    "view": (Match.can_view, _MATCH_PEOPLE),
    # The match's own mentor; whether it is active, the page says with a message.
    "log": (Match.is_mentor, _MATCH_PEOPLE),
    "manage": (Match.can_manage, _MATCH_PEOPLE),
}
_SESSION_PEOPLE = (
    joinedload(MentoringSession.match).joinedload(Match.mentor).joinedload(MentorProfile.user),
    joinedload(MentoringSession.match).joinedload(Match.mentee),
)
SESSION_NEEDS: Needs = {
    "view": (MentoringSession.can_view, _SESSION_PEOPLE),
    # The match's own mentor; whether the edit window is still open, the page says.
    "edit": (lambda session, user: session.match.is_mentor(user), _SESSION_PEOPLE),
}


def mentor_may_read(match: Match, today: date | None = None) -> bool:
    """Tell whether the match's mentor may still open it: while it is open and for
    MATCH_CLOSURE_ACCESS_DAYS days after it closed."""
    return match.mentor_may_read(today or today_lima(),
                                 current_app.config["MATCH_CLOSURE_ACCESS_DAYS"])


def _gone_for(match: Match, user: User) -> bool:
    """Once the closure period is over, the match no longer exists for its mentor."""
    return match.is_mentor(user) and not mentor_may_read(match)


def _get_or_404(model, item_id: int, for_user: User, needs: Needs, need: str,
                match_of: Callable | None = None):
    allowed, options = needs[need]
    item = db.session.scalar(sa.select(model).where(model.id == item_id).options(*options))
    if item is None or (match_of is not None and _gone_for(match_of(item), for_user)):
        abort(404)
    if not allowed(item, for_user):
        abort(403)
    return item


def get_mentor_or_404(mentor_id: int, *, for_user: User, need: str = "view") -> MentorProfile:
    """Fetch a mentor's file, 404 if missing, 403 if `for_user` lacks the right `need`."""
    return _get_or_404(MentorProfile, mentor_id, for_user, MENTOR_NEEDS, need)


def get_mentee_or_404(mentee_id: int, *, for_user: User, need: str = "view") -> Mentee:
    """Fetch a mentee, 404 if missing, 403 if `for_user` lacks the right `need`."""
    return _get_or_404(Mentee, mentee_id, for_user, MENTEE_NEEDS, need)


def get_consent_or_404(consent_id: int, *, for_user: User, need: str = "edit") -> GuardianConsent:
    """Fetch a guardian's consent, 404 if missing, 403 if `for_user` lacks the right `need`."""
    return _get_or_404(GuardianConsent, consent_id, for_user, CONSENT_NEEDS, need)


def get_match_or_404(match_id: int, *, for_user: User, need: str = "view") -> Match:
    """Fetch a match, 404 if missing (or, for its mentor, closed longer than the closure
    period), 403 if `for_user` lacks the right `need`."""
    return _get_or_404(Match, match_id, for_user, MATCH_NEEDS, need, match_of=lambda m: m)


def get_session_or_404(session_id: int, *, for_user: User,
                       need: str = "view") -> MentoringSession:
    """Fetch a session log, 404 if missing (or, for the mentor, its match closed longer than
    the closure period), 403 if `for_user` lacks the right `need`."""
    return _get_or_404(MentoringSession, session_id, for_user, SESSION_NEEDS, need,
                       match_of=lambda s: s.match)


def get_alert_or_404(alert_id: int, *, for_user: User, need: str = "view") -> SafeguardingAlert:
    """Fetch a safeguarding alert, 404 if missing, 403 if `for_user` lacks the right `need`."""
    return _get_or_404(SafeguardingAlert, alert_id, for_user, ALERT_NEEDS, need)


# --- Pairing and the match lifecycle -------------------------------------------------------

def pairing_refusals(mentor: MentorProfile, mentee: Mentee, on: date,
                     ignoring: Match | None = None) -> list[Refusal]:
    """Return every reason why this mentor may not be paired with this mentee on `on`.

    `ignoring` is the match being activated, which already holds its own place.
    """
    refusals = mentor_refusals(mentor, on, ignoring)
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


def activate_match(match: Match, *, agreement_signed_on: date, first_meeting_on: date,
                   start_date: date, expected_end: date, today: date, by: User) -> None:
    """Start a proposed match once the agreement is signed; pairing rules are checked again."""
    match.check_move("activate")  # an illegal move is refused before its dates are judged
    refuse_future(agreement_signed_on, today, "agreement_signed_on")
    refuse_future(first_meeting_on, today, "first_meeting_on")
    if expected_end <= start_date:
        raise MentoringError(_("The expected end must be after the start."), "expected_end")
    refusals = pairing_refusals(match.mentor, match.mentee, today, ignoring=match)
    if refusals:
        raise PairingRefused(refusals)
    match.activate(agreement_signed_on=agreement_signed_on, first_meeting_on=first_meeting_on,
                   start_date=start_date, expected_end=expected_end)
    record("match.activate", match, actor=by)


def pause_match(match: Match, *, reason: str, by: User) -> None:
    """Pause an active match, saying why."""
    match.pause(reason)
    record("match.pause", match, actor=by)


def resume_match(match: Match, *, today: date, by: User) -> None:
    """Resume a paused match; participation consent must hold again."""
    match.check_move("resume")
    if not match.mentee.has_participation_consent(today):
        raise MentoringError(_("The match cannot resume without guardian consent for "
                               "participation."))
    match.resume()
    record("match.resume", match, actor=by)


def close_match(match: Match, *, closed_on: date, closure_type: ClosureType,
                reason: ClosureReason, exit_notes: str, rematch: bool, today: date,
                now: datetime, by: User) -> None:
    """Close a match with its reason; a rematch puts the mentee back on the waiting list."""
    match.check_move("close")
    refuse_future(closed_on, today, "closed_on")
    if closed_on < (match.start_date or match.proposed_on):
        raise MentoringError(_("A match cannot close before it started."), "closed_on")
    match.close(closed_on=closed_on, closure_type=closure_type, reason=reason,
                exit_notes=exit_notes, rematch=rematch, by=by)
    if rematch:
        match.mentee.referred_on = closed_on
    else:
        # The young person leaves the programme: off the waiting list until referred again.
        match.mentee.archived_at = now
    record("match.close", match, f"{closure_type.value} {reason.value} rematch={rematch}",
           actor=by)


# --- Sessions and safeguarding -------------------------------------------------------------

def session_date_problem(match: Match, held_on: date, now: datetime) -> str | None:
    """Say why a log of `match` may not be dated `held_on` (the future, before the start)."""
    if held_on > to_lima(now).date():
        return _("The date cannot be in the future.")
    if match.start_date and held_on < match.start_date:
        return _("The date cannot be before the match started (%(date)s).",
                 date=format_date(match.start_date))
    return None


def _validate_session(match: Match, held_on: date, duration: int, now: datetime) -> None:
    if problem := session_date_problem(match, held_on, now):
        raise MentoringError(problem, "held_on")
    if not MIN_SESSION_MINUTES <= duration <= MAX_SESSION_MINUTES:
        raise MentoringError(_("The duration must be between %(min)d and %(max)d minutes.",
                               min=MIN_SESSION_MINUTES, max=MAX_SESSION_MINUTES),
                             "duration_minutes")


def _raise_concern(session: MentoringSession, details: str, by: User, now: datetime) -> None:
    alert = SafeguardingAlert(
        kind=AlertKind.CONCERN, match=session.match, mentee_id=session.match.mentee_id,
        session_id=session.id, raised_by_id=by.id, raised_at=now, details=details,
    )
    db.session.add(alert)
    db.session.flush()
    record("alert.raise", session.match, f"session={session.id}", actor=by)
    # The match number and a link only: the notes and names stay behind the login.
    notifications.notify(
        notifications.staff(), MailKind.SAFEGUARDING_CONCERN, "safeguarding_concern",
        match_id=session.match_id, link=absolute_url("mentoring.alert_detail", alert_id=alert.id))


def log_session(match: Match, by: User, *, held_on: date, duration_minutes: int,
                kind: SessionKind, activity: str, notes: str, concern: bool,
                concern_details: str, now: datetime) -> MentoringSession:
    """Log a meeting of the mentor's own active match; a concern alerts coordinators at once."""
    if not match.can_log_session(by, to_lima(now).date()):
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
    """The mentor who owns the match may edit a log up to 7 days after writing it, while the
    match is open: after closure the notes are theirs to read only."""
    age = (to_lima(now).date() - to_lima(session.created_at).date()).days
    return (session.match.mentor.user_id == user.id and age <= EDIT_WINDOW_DAYS
            and session.match.status != MatchStatus.CLOSED)


def edit_refusal(session: MentoringSession) -> str:
    """Say why a log can no longer be edited."""
    if session.match.status == MatchStatus.CLOSED:
        return _("This match is already closed.")
    return _("This log can no longer be edited: logs can be changed for %(days)d days after "
             "they are written.", days=EDIT_WINDOW_DAYS)


def edit_session(session: MentoringSession, by: User, *, held_on: date, duration_minutes: int,
                 kind: SessionKind, activity: str, notes: str, concern: bool,
                 concern_details: str, now: datetime) -> None:
    """Correct a log within the edit window; a concern, once raised, cannot be taken back."""
    if not can_edit_session(session, by, now):
        raise MentoringError(edit_refusal(session))
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
                    today: date, by: User,
                    ratings: Mapping[int, GoalProgress] | None = None) -> StaffCheckIn:
    """Record a coordinator's contact with a match and how far each of its goals has come.

    :param ratings: a progress for every goal, by its position in `match.goal_list()`; each
        rating keeps the goal's wording as it is now.
    """
    match.check_move("check_in")
    refuse_future(held_on, today, "held_on")
    goals, ratings = match.goal_list(), ratings or {}
    if set(ratings) != set(range(len(goals))):
        raise MentoringError(_("Rate each of the match's goals."))
    check_in = StaffCheckIn(match=match, held_on=held_on, method=method, notes=notes,
                            by_id=by.id, goal_ratings=[
                                CheckInGoalRating(position=position, goal=goal,
                                                  progress=ratings[position])
                                for position, goal in enumerate(goals)])
    db.session.add(check_in)
    db.session.flush()
    record("match.check_in", match, f"check_in={check_in.id}", actor=by)
    return check_in


def match_check_ins(match: Match) -> list[StaffCheckIn]:
    """Return a match's staff check-ins, oldest first, with who held them and their goal
    ratings (two statements however many there are)."""
    return list(db.session.scalars(
        sa.select(StaffCheckIn).where(StaffCheckIn.match_id == match.id)
        .options(joinedload(StaffCheckIn.by), selectinload(StaffCheckIn.goal_ratings))
        .order_by(StaffCheckIn.held_on, StaffCheckIn.id)
    ))


@dataclass(frozen=True)
class GoalStanding:
    """One of a match's goals with its latest rating (None before the first) and the check-in
    it was given at."""

    goal: str
    latest: CheckInGoalRating | None = None
    check_in: StaffCheckIn | None = None


def goal_standings(match: Match, check_ins: Sequence[StaffCheckIn]) -> list[GoalStanding]:
    """Return each of the match's goals with its latest rating among `check_ins` (oldest
    first, as match_check_ins gives them); a goal is known by its position."""
    latest: dict[int, tuple[CheckInGoalRating, StaffCheckIn]] = {}
    for check_in in check_ins:
        for rating in check_in.goal_ratings:
            latest[rating.position] = (rating, check_in)
    return [GoalStanding(goal, *latest.get(position, ()))
            for position, goal in enumerate(match.goal_list())]


def match_sessions(match: Match) -> list[MentoringSession]:
    """Return a match's session logs, latest first."""
    return list(db.session.scalars(
        sa.select(MentoringSession).where(MentoringSession.match_id == match.id)
        .order_by(MentoringSession.held_on.desc(), MentoringSession.id.desc())
    ))


def session_alerts(session: MentoringSession) -> list[SafeguardingAlert]:
    """Return the alerts a session log raised."""
    return list(db.session.scalars(
        sa.select(SafeguardingAlert).where(SafeguardingAlert.session_id == session.id)
    ))
