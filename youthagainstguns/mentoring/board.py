"""The coordinators' monitoring board, one query per rule, and the reminders on a mentor's own
page; "today" is passed in.

Thresholds follow MENTOR's Elements: matches should meet at least monthly, staff contact the
match twice in its first month and monthly after, background checks are renewed before they
lapse, and a referred young person should not wait long for a mentor.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..extensions import db
from ..i18n import format_date
from ..timeutil import month_bounds
from .enums import OPEN_MATCH_STATUSES, MatchStatus
from .models import (
    BackgroundCheck,
    GuardianConsent,
    Match,
    Mentee,
    MentoringSession,
    MentorProfile,
    SafeguardingAlert,
    StaffCheckIn,
)
from .status import latest_check

QUIET_DAYS = 30
CHECK_EXPIRY_WARNING_DAYS = 30
WAITING_DAYS = 14
# Staff check-ins are due by these days after the start, then every MONTH_DAYS.
FIRST_CHECK_IN_DAYS = (14, 30)
MONTH_DAYS = 30
RECENT_SESSIONS = 10
# What a mentor's page flags: a match quiet this long needs a session soon.
MENTOR_QUIET_DAYS = 14


@dataclass(frozen=True)
class MatchRow:
    """A match on the board: who, since when and how many days the rule has counted."""

    match_id: int
    mentor_name: str
    mentee_first_name: str
    mentee_last_names: str
    since: date
    days: int


def _match_columns():
    return (Match.id, User.full_name, Mentee.first_name, Mentee.last_names)


def _with_people(query):
    return (query.join(Match.mentee).join(Match.mentor).join(MentorProfile.user))


def quiet_matches(today: date, days: int = QUIET_DAYS) -> list[MatchRow]:
    """Active matches whose last session (or start, if none) is `days` or more days old."""
    last = sa.func.coalesce(sa.func.max(MentoringSession.held_on), Match.start_date)
    query = _with_people(
        sa.select(*_match_columns(), last.label("last"))
        .select_from(Match)
        .outerjoin(MentoringSession, MentoringSession.match_id == Match.id)
    ).where(Match.status == MatchStatus.ACTIVE).group_by(*_match_columns(), Match.start_date)
    query = query.having(last <= today - timedelta(days=days)).order_by(last, Match.id)
    return [MatchRow(r[0], r[1], r[2], r[3], r.last, (today - r.last).days)
            for r in db.session.execute(query)]


def check_ins_due(start: date, today: date) -> int:
    """Return how many staff check-ins should have happened by `today` for a match started on
    `start`: one by day 14, a second by day 30, then one more every 30 days."""
    elapsed = (today - start).days
    due = sum(1 for day in FIRST_CHECK_IN_DAYS if elapsed > day)
    if elapsed > FIRST_CHECK_IN_DAYS[-1]:
        due += (elapsed - FIRST_CHECK_IN_DAYS[-1] - 1) // MONTH_DAYS
    return due


def check_in_overdue(start: date, count: int, last: date | None, today: date) -> bool:
    """Overdue when fewer check-ins than due, or, after the first month, none in 30 days."""
    if count < check_ins_due(start, today):
        return True
    past_first_month = (today - start).days > FIRST_CHECK_IN_DAYS[-1]
    return past_first_month and (last is None or (today - last).days > MONTH_DAYS)


def overdue_check_ins(today: date) -> list[MatchRow]:
    """Active matches whose staff check-ins are behind schedule."""
    since_start = sa.and_(StaffCheckIn.match_id == Match.id,
                          StaffCheckIn.held_on >= Match.start_date)
    query = _with_people(
        sa.select(*_match_columns(), Match.start_date,
                  sa.func.count(StaffCheckIn.id).label("count"),
                  sa.func.max(StaffCheckIn.held_on).label("last"))
        .select_from(Match).outerjoin(StaffCheckIn, since_start)
    ).where(
        Match.status == MatchStatus.ACTIVE,
        # Nothing is due in the first fortnight: those matches need not be read at all.
        Match.start_date < today - timedelta(days=FIRST_CHECK_IN_DAYS[0]),
    ).group_by(*_match_columns(), Match.start_date).order_by(Match.start_date, Match.id)
    rows = []
    for r in db.session.execute(query):
        if check_in_overdue(r.start_date, r.count, r.last, today):
            since = r.last or r.start_date
            rows.append(MatchRow(r[0], r[1], r[2], r[3], since, (today - since).days))
    return rows


@dataclass(frozen=True)
class CheckRow:
    """A mentor whose latest background check lapses soon or has lapsed while matched."""

    mentor_id: int
    mentor_name: str
    expires_on: date
    expired: bool


def expiring_checks(today: date, days: int = CHECK_EXPIRY_WARNING_DAYS) -> list[CheckRow]:
    """Latest checks expiring within `days`, and those already expired for matched mentors."""
    ranked = sa.select(
        BackgroundCheck.mentor_id, BackgroundCheck.expires_on,
        sa.func.row_number().over(
            partition_by=BackgroundCheck.mentor_id,
            order_by=(BackgroundCheck.checked_on.desc(), BackgroundCheck.id.desc()),
        ).label("rank"),
    ).subquery()
    has_active_match = (
        sa.select(Match.id)
        .where(Match.mentor_id == MentorProfile.id, Match.status == MatchStatus.ACTIVE)
        .exists()
    )
    query = (
        sa.select(MentorProfile.id, User.full_name, ranked.c.expires_on)
        .join(ranked, sa.and_(ranked.c.mentor_id == MentorProfile.id, ranked.c.rank == 1))
        .join(MentorProfile.user)
        .where(MentorProfile.inactive_since.is_(None))
        .where(sa.or_(
            sa.and_(ranked.c.expires_on > today,
                    ranked.c.expires_on <= today + timedelta(days=days)),
            sa.and_(ranked.c.expires_on <= today, has_active_match),
        ))
        .order_by(ranked.c.expires_on, MentorProfile.id)
    )
    return [CheckRow(r[0], r[1], r[2], r[2] <= today) for r in db.session.execute(query)]


def open_alerts() -> list[SafeguardingAlert]:
    """Safeguarding alerts still waiting for a coordinator's follow-up, oldest first."""
    query = (
        sa.select(SafeguardingAlert)
        .where(SafeguardingAlert.followed_up_at.is_(None))
        .options(joinedload(SafeguardingAlert.mentee), joinedload(SafeguardingAlert.raised_by))
        .order_by(SafeguardingAlert.raised_at, SafeguardingAlert.id)
    )
    return list(db.session.scalars(query))


def participation_consent_on(today: date):
    """SQL condition: the mentee has a participation consent in force on `today`."""
    return (
        sa.select(GuardianConsent.id)
        .where(GuardianConsent.mentee_id == Mentee.id,
               GuardianConsent.covers_participation.is_(True),
               GuardianConsent.given_on <= today,
               sa.or_(GuardianConsent.withdrawn_on.is_(None),
                      GuardianConsent.withdrawn_on > today))
        .exists()
    )


def open_match_exists():
    """SQL condition: the mentee has a proposed, active or paused match."""
    return (
        sa.select(Match.id)
        .where(Match.mentee_id == Mentee.id, Match.status.in_(OPEN_MATCH_STATUSES))
        .exists()
    )


@dataclass(frozen=True)
class WaitingRow:
    """A mentee waiting for a mentor."""

    mentee_id: int
    first_name: str
    last_names: str
    district: str
    referred_on: date
    days: int


def waiting_mentees(today: date, days: int = WAITING_DAYS) -> list[WaitingRow]:
    """Mentees with participation consent and no open match, waiting more than `days` days."""
    query = (
        sa.select(Mentee.id, Mentee.first_name, Mentee.last_names, Mentee.district,
                  Mentee.referred_on)
        .where(Mentee.archived_at.is_(None),
               Mentee.referred_on < today - timedelta(days=days),
               participation_consent_on(today), ~open_match_exists())
        .order_by(Mentee.referred_on, Mentee.id)
    )
    return [WaitingRow(*r, (today - r.referred_on).days) for r in db.session.execute(query)]


def minutes_this_month(today: date) -> int:
    """Total minutes of sessions held in `today`'s calendar month (session dates are Lima days)."""
    first, following = month_bounds(today)
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(MentoringSession.duration_minutes), 0))
        .where(MentoringSession.held_on >= first, MentoringSession.held_on < following)
    )


def recent_sessions(limit: int = RECENT_SESSIONS) -> list[MentoringSession]:
    """The latest logged sessions, newest first, with their match's people."""
    query = (
        sa.select(MentoringSession)
        .options(joinedload(MentoringSession.match).joinedload(Match.mentee),
                 joinedload(MentoringSession.match).joinedload(Match.mentor)
                 .joinedload(MentorProfile.user))
        .order_by(MentoringSession.created_at.desc(), MentoringSession.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def board(today: date) -> dict:
    """Gather every rule of the board for `today`."""
    return {
        "alerts": open_alerts(),
        "quiet": quiet_matches(today),
        "check_ins": overdue_check_ins(today),
        "checks": expiring_checks(today),
        "waiting": waiting_mentees(today),
        "minutes": minutes_this_month(today),
        "recent": recent_sessions(),
    }


# --- The mentor's own page -----------------------------------------------------------------

def last_session_dates(match_ids: list[int]) -> dict[int, date]:
    """Map each match id to the date of its latest session (matches without one are left out)."""
    if not match_ids:
        return {}
    rows = db.session.execute(
        sa.select(MentoringSession.match_id, sa.func.max(MentoringSession.held_on))
        .where(MentoringSession.match_id.in_(match_ids)).group_by(MentoringSession.match_id)
    )
    return dict(rows.all())


def mentor_due_items(mentor: MentorProfile, last_sessions: dict[int, date],
                     today: date) -> list[str]:
    """Say what a mentor should do next, in their words."""
    items = []
    for match in mentor.matches:
        name = match.mentee.first_name
        if match.status == MatchStatus.PROPOSED and match.agreement_signed_on is None:
            items.append(_("Sign the mentoring agreement for %(name)s with the coordinator.",
                           name=name))
        if match.status == MatchStatus.ACTIVE and not mentor.is_inactive_on(today):
            last = last_sessions.get(match.id) or match.start_date
            if (today - last).days >= MENTOR_QUIET_DAYS:
                items.append(_("No session with %(name)s logged for %(days)d days.",
                               name=name, days=(today - last).days))
    check = latest_check(mentor)
    if check and today < check.expires_on <= today + timedelta(days=CHECK_EXPIRY_WARNING_DAYS):
        items.append(_("Renew your background check before %(date)s.",
                       date=format_date(check.expires_on)))
    return items
