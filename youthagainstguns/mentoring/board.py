"""The coordinators' monitoring board (each rule one query: its count, its top items and its
pages), and the reminders on a mentor's own page; "today" is passed in.

Thresholds follow MENTOR's Elements: matches should meet at least monthly, staff contact the
match twice in its first month and monthly after, background checks are renewed before they
lapse, and a referred young person should not wait long for a mentor.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..extensions import db
from ..i18n import format_date
from ..timeutil import month_bounds
from .blueprint import bp
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


# How many items of each rule the board shows; the rest are on the rule's own pages.
BOARD_TOP = 10


class _DaysBetween(sa.sql.functions.FunctionElement):
    """Whole days from the second date to the first, in either engine's date arithmetic."""

    type = sa.Integer()
    inherit_cache = True
    name = "days_between"


@compiles(_DaysBetween, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@compiles(_DaysBetween, "postgresql")
def _days_between_postgresql(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"({later} - {earlier})"


@dataclass(frozen=True)
class MatchRow:
    """A match on the board: who, since when and how many days the rule has counted."""

    match_id: int
    mentor_name: str
    mentee_first_name: str
    mentee_last_names: str
    since: date
    days: int


def _match_row(r, today: date) -> MatchRow:
    return MatchRow(r[0], r[1], r[2], r[3], r.since, (today - r.since).days)


def _last_session():
    """SQL: the date of the match's latest session, one step down an index for each match."""
    return (sa.select(sa.func.max(MentoringSession.held_on))
            .where(MentoringSession.match_id == Match.id).scalar_subquery())


def _quiet_query(today: date, days: int = QUIET_DAYS) -> sa.Select:
    """Active matches whose last session (or start, if none) is `days` or more days old."""
    since = sa.func.coalesce(_last_session(), Match.start_date)
    return sa.select(Match.id, since.label("since")).where(
        Match.status == MatchStatus.ACTIVE, since <= today - timedelta(days=days))


def _check_ins_due(start, today: date):
    """SQL: how many staff check-ins should have happened by `today` for a match started on
    `start`: one by day 14, a second by day 30, then one more every 30 days."""
    elapsed = _DaysBetween(sa.literal(today, sa.Date), start)
    first, month = FIRST_CHECK_IN_DAYS
    return sa.case(
        (start < today - timedelta(days=month), 2 + (elapsed - month - 1) // MONTH_DAYS),
        (start < today - timedelta(days=first), 1),
        else_=0,
    )


def check_ins_due(start: date, today: date) -> int:
    """Return the number of check-ins due by `today` for a match started on `start`."""
    return db.session.scalar(sa.select(_check_ins_due(sa.literal(start, sa.Date), today)))


def _check_ins_query(today: date) -> sa.Select:
    """Active matches with fewer check-ins than due, or, after the first month, none in 30
    days."""
    since_start = sa.and_(StaffCheckIn.match_id == Match.id,
                          StaffCheckIn.held_on >= Match.start_date)
    # held_on, never null, rather than the id: the count is read from the (match, day) index.
    count = sa.func.count(StaffCheckIn.held_on)
    last = sa.func.max(StaffCheckIn.held_on)
    month_ago = today - timedelta(days=MONTH_DAYS)
    overdue = sa.or_(
        count < _check_ins_due(Match.start_date, today),
        sa.and_(Match.start_date < today - timedelta(days=FIRST_CHECK_IN_DAYS[-1]),
                sa.or_(last.is_(None), last < month_ago)),
    )
    return (
        sa.select(Match.id, Match.start_date,
                  sa.func.coalesce(last, Match.start_date).label("since"))
        .select_from(Match).outerjoin(StaffCheckIn, since_start)
        .where(Match.status == MatchStatus.ACTIVE,
               # Nothing is due in the first fortnight: those matches need not be read at all.
               Match.start_date < today - timedelta(days=FIRST_CHECK_IN_DAYS[0]))
        .group_by(Match.id, Match.start_date).having(overdue)
    )


@dataclass(frozen=True)
class CheckRow:
    """A mentor whose latest background check lapses soon or has lapsed while matched."""

    mentor_id: int
    mentor_name: str
    expires_on: date
    expired: bool


def _latest_check_id():
    """SQL: the id of the mentor's latest background check, one step down an index."""
    check = so.aliased(BackgroundCheck)
    return (sa.select(check.id).where(check.mentor_id == MentorProfile.id)
            .order_by(check.checked_on.desc(), check.id.desc())
            .limit(1).correlate(MentorProfile).scalar_subquery())


def _checks_query(today: date, days: int = CHECK_EXPIRY_WARNING_DAYS) -> sa.Select:
    """Latest checks expiring within `days`, and those already expired for matched mentors."""
    soon = today + timedelta(days=days)
    has_active_match = (
        sa.select(Match.id)
        .where(Match.mentor_id == MentorProfile.id, Match.status == MatchStatus.ACTIVE)
        .exists()
    )
    # Only a mentor with some check lapsing within `days`, or with an active match, can be on
    # the list: those few are looked up, never every mentor on file with all their checks.
    lapsing = so.aliased(BackgroundCheck)
    candidates = sa.union(
        sa.select(lapsing.mentor_id).where(lapsing.expires_on > today, lapsing.expires_on <= soon),
        sa.select(Match.mentor_id).where(Match.status == MatchStatus.ACTIVE),
    )
    return (
        sa.select(MentorProfile.id, BackgroundCheck.expires_on)
        .join(BackgroundCheck, BackgroundCheck.id == _latest_check_id())
        .where(MentorProfile.inactive_since.is_(None), MentorProfile.id.in_(candidates))
        .where(sa.or_(
            sa.and_(BackgroundCheck.expires_on > today, BackgroundCheck.expires_on <= soon),
            sa.and_(BackgroundCheck.expires_on <= today, has_active_match),
        ))
    )


def _alerts_query(today: date) -> sa.Select:
    """Safeguarding alerts still waiting for a coordinator's follow-up."""
    return (sa.select(SafeguardingAlert.id, SafeguardingAlert.raised_at)
            .where(SafeguardingAlert.followed_up_at.is_(None)))


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


def open_match_mentees() -> sa.Select:
    """SQL: the mentees with a proposed, active or paused match (a set read once, from an
    index, rather than looked up again for every mentee)."""
    return sa.select(Match.mentee_id).where(Match.status.in_(OPEN_MATCH_STATUSES))


@dataclass(frozen=True)
class WaitingRow:
    """A mentee waiting for a mentor."""

    mentee_id: int
    first_name: str
    last_names: str
    district: str
    referred_on: date
    days: int


def _waiting_query(today: date, days: int = WAITING_DAYS) -> sa.Select:
    """Mentees with participation consent and no open match, waiting more than `days` days."""
    return (
        sa.select(Mentee.id, Mentee.first_name, Mentee.last_names, Mentee.district,
                  Mentee.referred_on)
        .where(Mentee.archived_at.is_(None),
               Mentee.referred_on < today - timedelta(days=days),
               # NOT IN is safe: a match always has its mentee.
               Mentee.id.not_in(open_match_mentees()), participation_consent_on(today))
    )


def _show_matches(page: sa.Subquery) -> sa.Select:
    return (sa.select(page.c.id, User.full_name, Mentee.first_name, Mentee.last_names,
                      page.c.since)
            .select_from(page).join(Match, Match.id == page.c.id)
            .join(Match.mentee).join(Match.mentor).join(MentorProfile.user))


def _show_checks(page: sa.Subquery) -> sa.Select:
    return (sa.select(page.c.id, User.full_name, page.c.expires_on).select_from(page)
            .join(MentorProfile, MentorProfile.id == page.c.id).join(MentorProfile.user))


def _show_alerts(page: sa.Subquery) -> sa.Select:
    return (sa.select(SafeguardingAlert).join(page, page.c.id == SafeguardingAlert.id)
            .options(joinedload(SafeguardingAlert.mentee),
                     joinedload(SafeguardingAlert.raised_by)))


def _show_waiting(page: sa.Subquery) -> sa.Select:
    return sa.select(page.c.id, page.c.first_name, page.c.last_names, page.c.district,
                     page.c.referred_on)


@dataclass(frozen=True)
class Rule:
    """One list of the board.

    `query` selects a day's items as their keys and the values they are ranked by, with
    nothing joined; `order` names the columns that rank them, most urgent first; `show` joins
    what the list shows to one page of those keys, so that only the shown items are joined;
    `row` reads one result. `indexed_order`: an index hands the items over in order, so a page
    is read without finding every item, and the count is a statement of its own; otherwise
    every item is ranked anyway, and counted as it is.
    """

    query: Callable[[date], sa.Select]
    order: tuple[str, ...]
    show: Callable[[sa.Subquery], sa.Select]
    row: Callable[[Any, date], Any]
    indexed_order: bool = False
    # Given by a rule a higher area registers (see register_rule), whose items the board's
    # templates cannot know: its heading, what it says when empty, its digest line (lazy
    # strings, "%(n)d" in the last), and rows that are BoardItems.
    title: Any = None
    empty: Any = None
    digest_line: Any = None


@dataclass(frozen=True)
class BoardItem:
    """An item of a registered rule, shown as it is: a link and a note."""

    url: str
    text: str
    note: str


# The board's lists, in the order it shows them; the digest counts the same rules.
RULES = {
    "alerts": Rule(_alerts_query, ("raised_at", "id"), _show_alerts, lambda r, today: r[0],
                   indexed_order=True),
    "quiet": Rule(_quiet_query, ("since", "id"), _show_matches, _match_row),
    "check_ins": Rule(_check_ins_query, ("start_date", "id"), _show_matches, _match_row),
    "checks": Rule(_checks_query, ("expires_on", "id"), _show_checks,
                   lambda r, today: CheckRow(r[0], r[1], r[2], r[2] <= today)),
    "waiting": Rule(_waiting_query, ("referred_on", "id"), _show_waiting,
                    lambda r, today: WaitingRow(r[0], r[1], r[2], r[3], r.referred_on,
                                                (today - r.referred_on).days),
                    indexed_order=True),
}


def register_rule(name: str, rule: Rule) -> None:
    """Add a higher area's list to the board, its pages and the digest.

    The board sits below the areas that have more to flag (referrals' overdue follow-ups), so
    it cannot import them: each registers its rule when its views are imported at app start,
    and the board and the digest go through RULES as they do for their own rules.
    """
    if RULES.get(name, rule) != rule:
        raise ValueError(f"board rule {name!r} is already registered")
    RULES[name] = rule
    _page_query.cache_clear()


def registered_rules() -> dict[str, Rule]:
    """The rules higher areas registered, for the board's templates (a Jinja global)."""
    return {name: rule for name, rule in RULES.items() if rule.title is not None}


bp.add_app_template_global(registered_rules, "board_registered_rules")


def rule_items(name: str, today: date, limit: int | None = None, offset: int = 0) -> list:
    """The items of rule `name` for `today`, most urgent first, `limit` of them from `offset`."""
    return [RULES[name].row(r, today) for r in _execute(name, today, limit, offset)]


def _execute(name: str, today: date, limit: int | None, offset: int = 0,
             counted: bool = False) -> list:
    return db.session.execute(_page_query(name, today, limit, offset, counted)).all()


# Built once a day and kept: building these statements and their cache keys costs the board
# more CPU than running them.
@functools.lru_cache(maxsize=64)
def _page_query(name: str, today: date, limit: int | None, offset: int,
                counted: bool) -> sa.Select:
    """Rank rule `name`'s items, take a page of their keys, then join what is shown to it."""
    rule = RULES[name]
    keys = rule.query(today)
    keys = keys.order_by(*(keys.selected_columns[column] for column in rule.order))
    if counted:
        total = _count(name, today) if rule.indexed_order else sa.func.count().over()
        keys = keys.add_columns(total.label("total"))
    page = keys.limit(limit).offset(offset).subquery()
    query = rule.show(page).order_by(*(page.c[column] for column in rule.order))
    return query.add_columns(page.c.total) if counted else query


def rule_top(name: str, today: date, limit: int) -> tuple[list, int]:
    """The `limit` most urgent items of rule `name` and its exact count, in one statement."""
    rows = _execute(name, today, limit, counted=True)
    return [RULES[name].row(r, today) for r in rows], (rows[0].total if rows else 0)


def _count(name: str, today: date):
    return (sa.select(sa.func.count())
            .select_from(RULES[name].query(today).subquery()).scalar_subquery())


def rule_count(name: str, today: date) -> int:
    """How many items rule `name` has for `today`."""
    return db.session.scalar(sa.select(_count(name, today)))


def rule_counts(today: date) -> dict[str, int]:
    """How many items each rule has for `today`, in one statement."""
    row = db.session.execute(sa.select(*(_count(n, today).label(n) for n in RULES))).one()
    return dict(row._mapping)


class RulePage(Pagination):
    """A page of one rule's items, for the pagination macro: pass `rule` and `today`."""

    def _query_items(self) -> list:
        return rule_items(self._query_args["rule"], self._query_args["today"],
                          self.per_page, self._query_offset)

    def _query_count(self) -> int:
        return rule_count(self._query_args["rule"], self._query_args["today"])


def open_alerts() -> list[SafeguardingAlert]:
    """Every safeguarding alert still waiting for a follow-up, oldest first."""
    return rule_items("alerts", date.min)


def quiet_matches(today: date) -> list[MatchRow]:
    """Every active match without a session in QUIET_DAYS days, quietest first."""
    return rule_items("quiet", today)


def overdue_check_ins(today: date) -> list[MatchRow]:
    """Every active match behind on staff check-ins, oldest start first."""
    return rule_items("check_ins", today)


def expiring_checks(today: date) -> list[CheckRow]:
    """Every mentor whose latest background check lapses soon, or has lapsed while matched."""
    return rule_items("checks", today)


def waiting_mentees(today: date) -> list[WaitingRow]:
    """Every mentee waiting more than WAITING_DAYS days for a mentor, longest first."""
    return rule_items("waiting", today)


def minutes_this_month(today: date) -> int:
    """Total minutes of sessions held in `today`'s calendar month (session dates are Lima days)."""
    first, following = month_bounds(today)
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(MentoringSession.duration_minutes), 0))
        .where(MentoringSession.held_on >= first, MentoringSession.held_on < following)
    )


def recent_sessions(limit: int = RECENT_SESSIONS) -> list[MentoringSession]:
    """The latest logged sessions, newest first, with their match's people."""
    newest = (MentoringSession.created_at.desc(), MentoringSession.id.desc())
    # Pick the ids first: joined before the limit, the engines sort every session's people too.
    latest = sa.select(MentoringSession.id).order_by(*newest).limit(limit).subquery()
    query = (
        sa.select(MentoringSession).join(latest, latest.c.id == MentoringSession.id)
        .options(joinedload(MentoringSession.match).joinedload(Match.mentee),
                 joinedload(MentoringSession.match).joinedload(Match.mentor)
                 .joinedload(MentorProfile.user))
        .order_by(*newest)
    )
    return list(db.session.scalars(query))


def board(today: date, top: int = BOARD_TOP) -> dict:
    """Gather the board for `today`: each rule's count and its `top` most urgent items."""
    tops = {name: rule_top(name, today, top) for name in RULES}
    return {
        "counts": {name: count for name, (_items, count) in tops.items()},
        "top": {name: items for name, (items, _count) in tops.items()},
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
    """Say what a mentor should do next, or should expect, in their words (one statement for
    the staff check-ins behind: the board's rule, narrowed to this mentor)."""
    items = []
    overdue = RULES["check_ins"].query(today).where(Match.mentor_id == mentor.id).subquery()
    check_ins_behind = set(db.session.scalars(sa.select(overdue.c.id)))
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
        if match.id in check_ins_behind:
            items.append(_("The coordination team's check-in on your match with %(name)s is "
                           "due: they will contact you.", name=name))
    check = latest_check(mentor)
    if check and today < check.expires_on <= today + timedelta(days=CHECK_EXPIRY_WARNING_DAYS):
        items.append(_("Renew your background check before %(date)s.",
                       date=format_date(check.expires_on)))
    return items
