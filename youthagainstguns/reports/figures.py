"""The program's figures for a period and a scope, each counted by the database.

Every figure here is one SQL aggregate (no rows are loaded into Python), and the whole set for a
period costs a fixed handful of statements whatever the data size. Values are plain: ints,
Decimals, dates and small frozen dataclasses, for pages, CSVs and PDFs alike. Nothing here is
suppressed: breakdowns hand back their raw counts, numerators and denominators, and
reports/suppression.py decides what may be shown.

The rules, in one place:
- A workshop counts when its status is in REPORTED (held, closed) and it starts in the period
  (Lima calendar days). Drafts, scheduled and cancelled workshops count nowhere.
- A student is reached when a roster line of theirs at such a workshop is present or late
  (ATTENDED_STATUSES); a student at two workshops counts once in each figure or row.
- The attendance rate is attended lines over marked lines (see `Share` and `attendance_of`).
- A school scope counts its own pupils at the workshops it hosted or they were on; a venue
  scope the workshops held at that venue (whoever's pupils came); a speaker scope the
  workshops they spoke at; a mentor scope only their matches and sessions. Workshop figures do
  not apply to a mentor, mentoring figures only to the program and a mentor (else None).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from ..certificates.models import Certificate, CertificateKind
from ..dbtypes import not_indexed
from ..extensions import db
from ..mentoring.models import (
    CheckInGoalRating,
    GoalProgress,
    Match,
    MatchStatus,
    MentoringSession,
    StaffCheckIn,
)
from ..referrals.enums import ENDED_STATUSES, ServiceKind
from ..referrals.models import Referral
from ..schools.models import School
from ..speakers.models import Speaker
from ..timeutil import last_month_starts, lima_day_bounds, month_bounds, month_start
from ..workshops.models import (
    ATTENDED_STATUSES,
    REPORTED,
    UNMARKED,
    AttendanceStatus,
    RosterCount,
    RosterEntry,
    Student,
    Workshop,
    school_workshop_ids,
    workshop_speakers,
)

HOUR = Decimal(60)
TENTH = Decimal("0.1")
ATTENDED_MARKS = tuple(status.value for status in ATTENDED_STATUSES)


# Periods and scopes ------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """A run of Lima calendar days, both ends included."""

    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("a period cannot end before it starts")

    @classmethod
    def month(cls, day: date) -> Period:
        """Return the calendar month holding `day`."""
        first, following = month_bounds(day)
        return cls(first, following - timedelta(days=1))

    @classmethod
    def quarter(cls, day: date) -> Period:
        """Return the calendar quarter (January–March, ...) holding `day`."""
        first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return cls(first, month_start(first, -3) - timedelta(days=1))  # -3: three months on

    @classmethod
    def year(cls, day: date) -> Period:
        """Return the calendar year holding `day`."""
        return cls(date(day.year, 1, 1), date(day.year, 12, 31))

    @classmethod
    def last_months(cls, day: date, count: int = 12) -> Period:
        """Return the `count` whole months ending with `day`'s month (the charts' year)."""
        return cls(month_start(day, count - 1), cls.month(day).end)

    @classmethod
    def containing(cls, kind: str, day: date) -> Period:
        """Return the "month", "quarter" or "year" holding `day` (a form's choice)."""
        return {"month": cls.month, "quarter": cls.quarter, "year": cls.year}[kind](day)

    def bounds(self) -> tuple[datetime, datetime]:
        """Return the UTC instants where the first Lima day starts and the last one ends."""
        return lima_day_bounds(self.start)[0], lima_day_bounds(self.end)[1]

    def months(self) -> list[date]:
        """Return the first day of each month the period touches, oldest first."""
        count = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        return last_month_starts(self.end, count)


@dataclass(frozen=True)
class FigureScope:
    """Whose figures: the whole program (nothing set), one school's pupils, one venue, one
    speaker or one mentor.

    A school scope is what the school's own attendance report covers (reports.services.Scope):
    the workshops it hosted or its pupils were on (`school_workshop_ids`), and of their rosters
    only its own pupils' lines. A venue scope is the workshops held there, whoever's pupils came.
    """

    school_id: int | None = None
    venue_id: int | None = None
    speaker_id: int | None = None
    mentor_id: int | None = None  # a MentorProfile id

    def __post_init__(self):
        chosen = (self.school_id, self.venue_id, self.speaker_id, self.mentor_id)
        if sum(x is not None for x in chosen) > 1:
            raise ValueError("a scope is the program, one school, venue, speaker or mentor")

    @classmethod
    def program(cls) -> FigureScope:
        """Return the whole program."""
        return cls()

    @classmethod
    def school(cls, school_id: int) -> FigureScope:
        """Return one school's pupils, at its own workshops and at any other venue."""
        return cls(school_id=school_id)

    @classmethod
    def venue(cls, venue_id: int) -> FigureScope:
        """Return the workshops held at one school or community centre."""
        return cls(venue_id=venue_id)

    @classmethod
    def speaker(cls, speaker_id: int) -> FigureScope:
        """Return the workshops one speaker spoke at."""
        return cls(speaker_id=speaker_id)

    @classmethod
    def mentor(cls, mentor_id: int) -> FigureScope:
        """Return one mentor's matches and sessions."""
        return cls(mentor_id=mentor_id)

    @property
    def has_workshops(self) -> bool:
        """Tell whether workshop figures apply (not to a mentor)."""
        return self.mentor_id is None

    @property
    def has_mentoring(self) -> bool:
        """Tell whether mentoring figures apply (to the program and to a mentor)."""
        return self.school_id is None and self.venue_id is None and self.speaker_id is None

    def workshops(self) -> list[sa.ColumnElement[bool]]:
        """Return the conditions on Workshop for the workshops in scope."""
        if not self.has_workshops:
            raise ValueError("workshop figures do not apply to a mentor")
        if self.school_id is not None:
            return [Workshop.id.in_(school_workshop_ids(self.school_id))]
        if self.venue_id is not None:
            return [Workshop.venue_id == self.venue_id]
        if self.speaker_id is not None:
            return [Workshop.id.in_(sa.select(workshop_speakers.c.workshop_id).where(
                workshop_speakers.c.speaker_id == self.speaker_id))]
        return []

    def only_pupils(self, query: sa.Select, student_id) -> sa.Select:
        """Return `query` narrowed to the students in scope by its `student_id` column (a
        roster line's, a certificate's): a school's own pupils, or `query` as it is.

        Joined, with the school not looked up by index (not_indexed): SQLite then starts from
        the scope's workshops, not from every pupil the school ever had.
        """
        if self.school_id is None:
            return query
        return query.join(Student, Student.id == student_id).where(
            not_indexed(Student.school_id) == self.school_id)

    def roster_counts(self) -> list[sa.ColumnElement[bool]]:
        """Return the conditions on RosterCount for the roster lines in scope."""
        return [] if self.school_id is None else [RosterCount.school_id == self.school_id]

    def matches(self) -> list[sa.ColumnElement[bool]]:
        """Return the conditions on Match for the matches in scope."""
        if not self.has_mentoring:
            raise ValueError("mentoring figures do not apply to a school, venue or speaker")
        return [] if self.mentor_id is None else [Match.mentor_id == self.mentor_id]


# Values ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Share:
    """A rate with the counts it comes from, so that suppression can judge both."""

    numerator: int
    denominator: int

    @property
    def rate(self) -> Decimal | None:
        """Return numerator / denominator as a fraction (0.85), None when nothing to divide."""
        return Decimal(self.numerator) / self.denominator if self.denominator else None


def attendance_of(counts: dict[AttendanceStatus | None, int]) -> Share:
    """Return the attendance rate of roster lines counted per status (None: not marked).

    The one definition, also `_attendance_sums` in SQL: present and late lines over the lines
    whose attendance was taken (present, late, excused, absent). Unmarked lines count in
    neither: nobody said whether the student came, and counting them as absent would make a
    workshop whose list is half taken look half empty. Walk-ins are roster lines like any other.
    """
    marked = sum(n for status, n in counts.items() if status is not None)
    return Share(sum(counts.get(status, 0) for status in ATTENDED_STATUSES), marked)


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / HOUR).quantize(TENTH, ROUND_HALF_UP)


@dataclass(frozen=True)
class KeyFigures:
    """The headline figures of a period; None where a figure does not apply to the scope."""

    students_reached: int | None = None
    workshops_held: int | None = None
    attendance: Share | None = None  # attended lines / marked lines
    certificates_issued: int | None = None  # students', issued in the period, not revoked
    active_matches: int | None = None  # running on the period's last day
    mentoring_minutes: int | None = None  # sessions held in the period
    retention: Share | None = None  # closed at or after the planned end / closed in the period

    @property
    def mentoring_hours(self) -> Decimal | None:
        """Return the mentoring minutes in hours, to a tenth."""
        return None if self.mentoring_minutes is None else _hours(self.mentoring_minutes)


@dataclass(frozen=True)
class Row:
    """One row of a breakdown (a venue, a district or a speaker), counts unsuppressed.

    A student reached in two rows (two venues, say) counts in each, so the rows can add up to
    more than the program's students reached: a total row must be the distinct figure.
    """

    key: int | str  # venue id, district name or speaker id
    name: str  # venue name, district name or speaker alias
    workshops: int
    students_reached: int
    attendance: Share
    districts: int  # how many venue districts the row's workshops were in
    district: str | None = None  # a venue's own district


# The queries -----------------------------------------------------------------------------

def _held(period: Period, scope: FigureScope) -> list[sa.ColumnElement[bool]]:
    """Conditions on Workshop: in scope, took place (REPORTED) and started in the period."""
    first, last = period.bounds()
    return [Workshop.status.in_(REPORTED), Workshop.starts_at >= first,
            Workshop.starts_at < last, *scope.workshops()]


def _attendance_sums() -> tuple[sa.ColumnElement[int], sa.ColumnElement[int]]:
    """Sum roster counts into (attended lines, marked lines): `attendance_of` in SQL."""
    def lines(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, RosterCount.pupils), else_=0)), 0)
    return lines(RosterCount.mark.in_(ATTENDED_MARKS)), lines(RosterCount.mark != UNMARKED)


def _joined(source, *, by_speaker: bool = False) -> sa.Join:
    """`source` (Workshop, RosterEntry or RosterCount) with its workshop, the workshop's venue
    and, to group by speaker, one row per speaker of the workshop."""
    joined = (sa.join(Workshop, School, School.id == Workshop.venue_id) if source is Workshop
              else sa.join(source, Workshop, Workshop.id == source.workshop_id)
              .join(School, School.id == Workshop.venue_id))
    if by_speaker:
        joined = joined.join(workshop_speakers, workshop_speakers.c.workshop_id == Workshop.id)
    return joined


def _workshops_held(period: Period, scope: FigureScope) -> sa.Select:
    return sa.select(sa.func.count(Workshop.id)).where(*_held(period, scope))


def _attended_lines(period: Period, scope: FigureScope, *columns) -> sa.Select:
    """Select `columns` over the present and late roster lines of the workshops counted."""
    return scope.only_pupils(
        sa.select(*columns)
        .select_from(sa.join(RosterEntry, Workshop, Workshop.id == RosterEntry.workshop_id))
        .where(RosterEntry.status.in_(ATTENDED_STATUSES), *_held(period, scope)),
        RosterEntry.student_id)


def _students_reached(period: Period, scope: FigureScope) -> sa.Select:
    return _attended_lines(period, scope, sa.func.count(sa.distinct(RosterEntry.student_id)))


def _marks(period: Period, scope: FigureScope, column) -> sa.Select:
    """Select one of `_attendance_sums` over the roster counts of the workshops counted."""
    return (sa.select(column)
            .select_from(sa.join(RosterCount, Workshop, Workshop.id == RosterCount.workshop_id))
            .where(*_held(period, scope), *scope.roster_counts()))


def _certificates_issued(period: Period, scope: FigureScope) -> sa.Select:
    return scope.only_pupils(
        sa.select(sa.func.count(Certificate.id))
        .join(Workshop, Workshop.id == Certificate.workshop_id)
        .where(Certificate.kind == CertificateKind.STUDENT, Certificate.revoked_at.is_(None),
               Certificate.issued_on >= period.start, Certificate.issued_on <= period.end,
               *scope.workshops()),
        Certificate.student_id)


def _active_matches(period: Period, scope: FigureScope) -> sa.Select:
    """Matches started by the period's last day and not closed by then.

    Pauses are not dated (Match keeps only its current status), so a match paused now is left
    out of every period rather than guessed at; a `paused_on` column would make this exact.
    """
    return sa.select(sa.func.count(Match.id)).where(
        Match.start_date <= period.end,
        sa.or_(Match.closed_on.is_(None), Match.closed_on > period.end),
        Match.status != MatchStatus.PAUSED, *scope.matches())


def _closed(period: Period, scope: FigureScope, *, reached_end: bool) -> sa.Select:
    """Matches that had started and closed in the period (at or after their planned end).

    Retention asks whether the match lasted its agreed term: closed on or after
    `expected_end`, the date set when it started. That is a fact on record; `closure_type`
    ("planned") is a judgement that also covers early closures foreseen in advance. Matches
    closed while still proposed never started, so they are in neither count.
    """
    conditions = [Match.status == MatchStatus.CLOSED, Match.start_date.is_not(None),
                  Match.closed_on >= period.start, Match.closed_on <= period.end,
                  *scope.matches()]
    if reached_end:
        conditions.append(Match.closed_on >= Match.expected_end)
    return sa.select(sa.func.count(Match.id)).where(*conditions)


def _session_minutes(period: Period, scope: FigureScope, *columns) -> sa.Select:
    """Select `columns` over the sessions in scope held in the period."""
    return (sa.select(*columns).join(Match, Match.id == MentoringSession.match_id)
            .where(MentoringSession.held_on >= period.start,
                   MentoringSession.held_on <= period.end, *scope.matches()))


def key_figures(period: Period, scope: FigureScope | None = None) -> KeyFigures:
    """Return the headline figures of `period` in `scope` (default: the program), in one
    statement."""
    scope = scope or FigureScope()
    queries: dict[str, sa.Select] = {}
    if scope.has_workshops:
        attended, marked = _attendance_sums()
        queries |= {"students_reached": _students_reached(period, scope),
                    "workshops_held": _workshops_held(period, scope),
                    "attended": _marks(period, scope, attended),
                    "marked": _marks(period, scope, marked),
                    "certificates_issued": _certificates_issued(period, scope)}
    if scope.has_mentoring:
        minutes = sa.func.coalesce(sa.func.sum(MentoringSession.duration_minutes), 0)
        queries |= {"active_matches": _active_matches(period, scope),
                    "mentoring_minutes": _session_minutes(period, scope, minutes),
                    "closed": _closed(period, scope, reached_end=False),
                    "completed": _closed(period, scope, reached_end=True)}
    row = db.session.execute(sa.select(*(
        query.scalar_subquery().label(name) for name, query in queries.items()))).one()
    values = {name: int(value) for name, value in row._mapping.items()}
    if scope.has_workshops:
        values["attendance"] = Share(values.pop("attended"), values.pop("marked"))
    if scope.has_mentoring:
        values["retention"] = Share(values.pop("completed"), values.pop("closed"))
    return KeyFigures(**values)


# Breakdowns ------------------------------------------------------------------------------

def _breakdown(period: Period, scope: FigureScope, key, *, by_speaker: bool = False
               ) -> sa.Subquery:
    """Per value of `key`: workshops, districts, students reached, attended and marked lines,
    from three grouped queries joined in one statement."""
    held = _held(period, scope)
    workshops = (sa.select(key.label("key"),
                           sa.func.count(sa.distinct(Workshop.id)).label("workshops"),
                           sa.func.count(sa.distinct(School.district)).label("districts"))
                 .select_from(_joined(Workshop, by_speaker=by_speaker))
                 .where(*held).group_by(key).subquery())
    reached = scope.only_pupils(
        sa.select(key.label("key"),
                  sa.func.count(sa.distinct(RosterEntry.student_id)).label("reached"))
        .select_from(_joined(RosterEntry, by_speaker=by_speaker))
        .where(RosterEntry.status.in_(ATTENDED_STATUSES), *held), RosterEntry.student_id
    ).group_by(key).subquery()
    attended, marked = _attendance_sums()
    marks = (sa.select(key.label("key"), attended.label("attended"), marked.label("marked"))
             .select_from(_joined(RosterCount, by_speaker=by_speaker))
             .where(*held, *scope.roster_counts()).group_by(key).subquery())
    return (sa.select(workshops.c.key, workshops.c.workshops, workshops.c.districts,
                      sa.func.coalesce(reached.c.reached, 0).label("reached"),
                      sa.func.coalesce(marks.c.attended, 0).label("attended"),
                      sa.func.coalesce(marks.c.marked, 0).label("marked"))
            .outerjoin(reached, reached.c.key == workshops.c.key)
            .outerjoin(marks, marks.c.key == workshops.c.key).subquery())


def _rows(query: sa.Select, counts: sa.Subquery) -> list[Row]:
    """Run `query` (key, name, district, then `counts`' figures) into Rows."""
    query = query.add_columns(counts.c.workshops, counts.c.reached, counts.c.attended,
                              counts.c.marked, counts.c.districts)
    return [Row(key=key, name=name, district=district, workshops=int(workshops),
                students_reached=int(reached), attendance=Share(int(attended), int(marked)),
                districts=int(districts))
            for key, name, district, workshops, reached, attended, marked, districts
            in db.session.execute(query)]


def by_school(period: Period, scope: FigureScope | None = None) -> list[Row]:
    """Return a row per venue that held workshops in the period, by name."""
    counts = _breakdown(period, scope or FigureScope(), Workshop.venue_id)
    return _rows(sa.select(School.id, School.name, School.district)
                 .join(counts, counts.c.key == School.id).order_by(School.name, School.id),
                 counts)


def by_district(period: Period, scope: FigureScope | None = None) -> list[Row]:
    """Return a row per venue district that held workshops in the period, by name."""
    counts = _breakdown(period, scope or FigureScope(), School.district)
    return _rows(sa.select(counts.c.key, counts.c.key.label("name"), sa.null())
                 .order_by(counts.c.key), counts)


def by_speaker(period: Period, scope: FigureScope | None = None) -> list[Row]:
    """Return a row per speaker who gave workshops in the period (the per-speaker report):
    workshops given, students reached, attendance, districts covered; by alias.

    Attendance is pooled over the speaker's workshops (attended lines over marked lines), so a
    workshop of 300 weighs more than one of 10; `Share.numerator / workshops` is the average
    number attending per workshop.
    """
    counts = _breakdown(period, scope or FigureScope(), workshop_speakers.c.speaker_id,
                        by_speaker=True)
    return _rows(sa.select(Speaker.id, Speaker.alias, sa.null())
                 .join(counts, counts.c.key == Speaker.id).order_by(Speaker.alias), counts)


def matches_by_status(scope: FigureScope | None = None) -> list[tuple[MatchStatus, int]]:
    """Return how many matches in scope have each status today (statuses are not dated, so
    this is a snapshot, not a period's figure)."""
    scope = scope or FigureScope()
    counts = dict(db.session.execute(sa.select(Match.status, sa.func.count(Match.id))
                                     .where(*scope.matches()).group_by(Match.status)).all())
    return [(status, int(counts.get(status, 0))) for status in MatchStatus]


# Series per month --------------------------------------------------------------------------

def _month_index(column, period: Period, *, instants: bool) -> sa.ColumnElement[int]:
    """The index in `period.months()` of the Lima month a row's `column` falls in.

    Compared with each month's first instant (UTC, from timeutil) rather than shifted by a
    fixed offset in SQL: the same on both engines, and right whatever Lima's offset.
    """
    months = period.months()
    if len(months) == 1:
        return sa.literal(0)  # CASE needs a WHEN
    edges = [lima_day_bounds(month)[0] if instants else month for month in months[1:]]
    return sa.case(*((column < edge, index) for index, edge in enumerate(edges)),
                   else_=len(months) - 1)


def _per_month(period: Period, inner: sa.Select, total: Callable) -> list[tuple[date, int]]:
    """Group `inner` (its columns "month", an index from `_month_index`, and "value") by
    month, `total` aggregating the values; every month of the period, zeros included."""
    rows = inner.subquery()
    counts = dict(db.session.execute(sa.select(rows.c.month, total(rows.c.value))
                                     .group_by(rows.c.month)).all())
    return [(month, int(counts.get(index) or 0)) for index, month in enumerate(period.months())]


def workshops_per_month(period: Period, scope: FigureScope | None = None
                        ) -> list[tuple[date, int]]:
    """Return the workshops held in each Lima month of the period."""
    scope = scope or FigureScope()
    month = _month_index(Workshop.starts_at, period, instants=True).label("month")
    return _per_month(period, sa.select(month, Workshop.id.label("value"))
                      .where(*_held(period, scope)), sa.func.count)


def students_reached_per_month(period: Period, scope: FigureScope | None = None
                               ) -> list[tuple[date, int]]:
    """Return the students reached in each Lima month of the period (distinct per month: a
    student reached in two months counts in both)."""
    month = _month_index(Workshop.starts_at, period, instants=True).label("month")
    inner = _attended_lines(period, scope or FigureScope(), month,
                            RosterEntry.student_id.label("value"))
    return _per_month(period, inner, lambda value: sa.func.count(sa.distinct(value)))


def mentoring_hours_per_month(period: Period, scope: FigureScope | None = None
                              ) -> list[tuple[date, Decimal]]:
    """Return the hours of mentoring sessions held in each month of the period, to a tenth."""
    month = _month_index(MentoringSession.held_on, period, instants=False).label("month")
    inner = _session_minutes(period, scope or FigureScope(), month,
                             MentoringSession.duration_minutes.label("value"))
    return [(first, _hours(minutes))
            for first, minutes in _per_month(period, inner, sa.func.sum)]


# Mentoring goals -----------------------------------------------------------------------------

def goal_progress(period: Period, scope: FigureScope | None = None
                  ) -> list[tuple[GoalProgress, int]]:
    """Return how many goals of the matches in scope have each progress (all of them, zeros
    included), as of each goal's latest rating at a check-in held in the period.

    A goal is a match's goal by its position (Match.goal_list()): rated "some progress" and
    later "achieved" in the period, it counts once, as achieved. Goals not rated in the
    period count nowhere.
    """
    scope = scope or FigureScope()
    latest = sa.func.row_number().over(
        partition_by=(StaffCheckIn.match_id, CheckInGoalRating.position),
        order_by=(StaffCheckIn.held_on.desc(), StaffCheckIn.id.desc()))
    ratings = (sa.select(CheckInGoalRating.progress, latest.label("latest"))
               .join(StaffCheckIn, StaffCheckIn.id == CheckInGoalRating.check_in_id)
               .join(Match, Match.id == StaffCheckIn.match_id)
               .where(StaffCheckIn.held_on >= period.start, StaffCheckIn.held_on <= period.end,
                      *scope.matches())
               .subquery())
    counts = dict(db.session.execute(
        sa.select(ratings.c.progress, sa.func.count()).where(ratings.c.latest == 1)
        .group_by(ratings.c.progress)).all())
    return [(progress, int(counts.get(progress, 0))) for progress in GoalProgress]


# Referrals -----------------------------------------------------------------------------------

OPEN = "open"  # a referral's outcome while it has not reached a final status
# A referral's outcome at a period's end, in the order tables show them: still open, or the
# final status it reached by then.
REFERRAL_OUTCOMES = (OPEN, *(status.value for status in ENDED_STATUSES))


def referrals_by_kind(period: Period) -> list[tuple[ServiceKind, dict[str, int]]]:
    """Return, per kind of service asked for, the program's referrals made in the period by
    their outcome at its end (REFERRAL_OUTCOMES), kinds with no referral left out.

    The outcome is dated (ended_on), so a referral completed after the period still counts as
    open in it: a period's figures do not change when later news comes in.
    """
    ended = sa.and_(Referral.ended_on.is_not(None), Referral.ended_on <= period.end)
    outcome = sa.case((ended, sa.cast(Referral.status, sa.String(20))),
                      else_=sa.literal(OPEN)).label("outcome")
    rows = db.session.execute(
        sa.select(Referral.service_kind, outcome, sa.func.count(Referral.id))
        .where(Referral.referred_on >= period.start, Referral.referred_on <= period.end)
        .group_by(Referral.service_kind, outcome)).all()
    counts: dict[ServiceKind, dict[str, int]] = {}
    for kind, kind_outcome, n in rows:
        counts.setdefault(kind, dict.fromkeys(REFERRAL_OUTCOMES, 0))[kind_outcome] = int(n)
    return [(kind, counts[kind]) for kind in ServiceKind if kind in counts]
