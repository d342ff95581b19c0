"""The program's figures (reports/figures.py) against a fixture counted by hand.

The fixture, all in November 2026 (Lima) unless said otherwise:

  venues   A "Colegio Alfa" (Ate), B "Colegio Beta" (Comas); speakers S1, S2
  pupils   a1..a5 of A; b1..b3 of B
  W1  A, 10/11 10:00, held,   S1: a1 present, a2 late, a3 absent, a4 excused, a5 not marked
  W2  A, 30/11 22:00, closed, S2: a1 present, b1 late
      (03:00 UTC on 01/12: it belongs to November)
  W3  B, 05/11 10:00, held,   S1: b1 present, b2 absent, b3 present (a walk-in)
  W4  A, 12/11, cancelled,    S1: a5 present      -> counts nowhere
  W5  B, 20/11, draft,        S2: b2 present      -> counts nowhere
  W6  A, 31/10 22:00, held,   S1: a4 present      (03:00 UTC on 01/11: October's)

  certificates  a1@W1 10/11; a2@W1 10/11 revoked; b1@W3 05/11; a1@W2 issued 01/12;
                S1's own speaker certificate @W1 10/11
  matches   M1: X active since 01/09/2026 (planned end 31/08/2027)
                Y 01/11/2025 → planned 01/11/2026, closed 03/11/2026 (reached its end)
                S paused since 01/10/2026
            M2: Z 01/06/2026 → planned 01/06/2027, closed early 20/11/2026
                P 01/01/2026 → planned 01/01/2027, closed 01/12/2026 (after November)
                R proposed
  sessions  X: 05/11 60 min, 30/11 90 min, 01/12 45 min; Z: 10/11 30 min; Y: 31/10 120 min
"""
from datetime import date, time
from decimal import Decimal

import pytest

from youthagainstguns.mentoring.models import ClosureReason, ClosureType, MatchStatus
from youthagainstguns.reports.figures import (
    FigureScope,
    KeyFigures,
    Period,
    Share,
    by_district,
    by_school,
    by_speaker,
    key_figures,
    matches_by_status,
    mentoring_hours_per_month,
    students_reached_per_month,
    workshops_per_month,
)
from youthagainstguns.reports.services import Scope, build_report
from youthagainstguns.timeutil import lima_to_utc
from youthagainstguns.workshops.models import AttendanceStatus, WorkshopStatus

P, L, E, A = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.EXCUSED,
              AttendanceStatus.ABSENT)
NOVEMBER = Period.month(date(2026, 11, 15))
# January to December 2026: December is there to show W2 is not in it.
YEAR_TO_DECEMBER = Period.last_months(date(2026, 12, 1))


def _month(series, month: int):
    return dict(series)[date(2026, month, 1)]


@pytest.fixture
def program(make):
    """The fixture above; returns its records by name."""
    alfa = make.school(name="Colegio Alfa", district="Ate")
    beta = make.school(name="Colegio Beta", district="Comas")
    s1, s2 = make.speaker(alias="Ponente Uno"), make.speaker(alias="Ponente Dos")
    a1, a2, a3, a4, a5 = (make.student(alfa) for _n in range(5))
    b1, b2, b3 = (make.student(beta) for _n in range(3))

    def workshop(venue, speaker, day, status, at=time(10), until=time(12)):
        return make.workshop(venue=venue, speakers=[speaker], day=day, start=at, end=until,
                             status=status)

    w1 = workshop(alfa, s1, date(2026, 11, 10), WorkshopStatus.HELD)
    make.enrol(w1, [(a1, P), (a2, L), (a3, A), (a4, E), (a5, None)])
    w2 = workshop(alfa, s2, date(2026, 11, 30), WorkshopStatus.CLOSED, time(22), time(23, 30))
    make.enrol(w2, [(a1, P), (b1, L)])
    w3 = workshop(beta, s1, date(2026, 11, 5), WorkshopStatus.HELD)
    *_lines, walk_in = make.enrol(w3, [(b1, P), (b2, A), (b3, P)])
    walk_in.walk_in = True
    w4 = workshop(alfa, s1, date(2026, 11, 12), WorkshopStatus.CANCELLED)
    make.enrol(w4, [(a5, P)])
    w5 = workshop(beta, s2, date(2026, 11, 20), WorkshopStatus.DRAFT)
    make.enrol(w5, [(b2, P)])
    w6 = workshop(alfa, s1, date(2026, 10, 31), WorkshopStatus.HELD, time(22), time(23, 30))
    make.enrol(w6, [(a4, P)])

    make.certificate(w1, student=a1)
    make.certificate(w1, student=a2, revoked_at=lima_to_utc(date(2026, 11, 15), time(9)),
                     revoke_reason="Error")
    make.certificate(w3, student=b1)
    make.certificate(w2, student=a1, issued_on=date(2026, 12, 1))
    make.certificate(w1, speaker=s1)

    m1, m2 = make.mentor(), make.mentor()

    def match(mentor, start, planned_end=None, status=MatchStatus.ACTIVE, closed=None,
              **fields):
        if closed:
            status = MatchStatus.CLOSED
            fields |= dict(closed_on=closed, closure_type=ClosureType.PLANNED,
                           closure_reason=ClosureReason.OTHER)
        return make.match(mentor, make.mentee(), status=status, start_date=start,
                          expected_end=planned_end, **fields)

    x = match(m1, date(2026, 9, 1), date(2027, 8, 31))
    y = match(m1, date(2025, 11, 1), date(2026, 11, 1), closed=date(2026, 11, 3))
    match(m1, date(2026, 10, 1), date(2027, 10, 1), status=MatchStatus.PAUSED)
    z = match(m2, date(2026, 6, 1), date(2027, 6, 1), closed=date(2026, 11, 20))
    match(m2, date(2026, 1, 1), date(2027, 1, 1), closed=date(2026, 12, 1))
    make.match(m2, make.mentee(), status=MatchStatus.PROPOSED)
    for held, minutes, on in ((date(2026, 11, 5), 60, x), (date(2026, 11, 30), 90, x),
                              (date(2026, 12, 1), 45, x), (date(2026, 11, 10), 30, z),
                              (date(2026, 10, 31), 120, y)):
        make.session(on, held_on=held, duration_minutes=minutes)
    return dict(alfa=alfa, beta=beta, s1=s1, s2=s2, m1=m1, m2=m2, w1=w1)


def test_program_figures_for_november(program):
    """Is every headline figure of the program the hand-counted one?"""
    assert key_figures(NOVEMBER) == KeyFigures(
        # a1, a2 (late) at W1; a1 again and b1 at W2; b1 again and b3 at W3. Not a3 (absent),
        # a4 (excused; present only in October), a5 (unmarked; present only at cancelled W4),
        # b2 (absent; present only at draft W5).
        students_reached=4,
        workshops_held=3,  # W1, W2, W3
        # W1 2 of 4 marked (a5 not marked), W2 2 of 2, W3 2 of 3 (the walk-in counts).
        attendance=Share(6, 9),
        # a1@W1 and b1@W3: a2's is revoked, a1@W2 was issued in December, S1's is a speaker's.
        certificates_issued=2,
        # X, and P (closed only in December); not Y or Z (closed in November), the paused one
        # or the proposed one.
        active_matches=2,
        mentoring_minutes=180,  # 60 + 90 on X, 30 on Z
        retention=Share(1, 2),  # Y reached its planned end, Z closed early
    )
    assert key_figures(NOVEMBER).mentoring_hours == Decimal("3.0")
    assert key_figures(NOVEMBER).attendance.rate == Decimal(6) / 9


def test_a_venue_scope_counts_only_its_own_workshops(program):
    """Does a school's scope leave out the other school's workshop, but keep a visiting pupil
    at its own?"""
    alfa = key_figures(NOVEMBER, FigureScope.venue(program["alfa"].id))
    # W1 and W2, not W3 at Beta: a1, a2 and b1 (Beta's pupil, at W2 in Alfa).
    assert (alfa.workshops_held, alfa.students_reached) == (2, 3)
    assert alfa.attendance == Share(4, 6)
    assert alfa.certificates_issued == 1  # a1@W1
    assert (alfa.active_matches, alfa.mentoring_minutes, alfa.retention) == (None, None, None)
    beta = key_figures(NOVEMBER, FigureScope.venue(program["beta"].id))
    assert (beta.workshops_held, beta.students_reached, beta.attendance,
            beta.certificates_issued) == (1, 2, Share(2, 3), 1)


def test_a_speaker_scope_counts_only_the_workshops_they_gave(program):
    """Does a speaker's scope leave out W2, which another speaker gave?"""
    one = key_figures(NOVEMBER, FigureScope.speaker(program["s1"].id))
    # W1 and W3 (W4 cancelled, W6 in October): a1, a2, b1, b3.
    assert (one.workshops_held, one.students_reached, one.attendance,
            one.certificates_issued) == (2, 4, Share(4, 7), 2)
    two = key_figures(NOVEMBER, FigureScope.speaker(program["s2"].id))
    # W2 only (W5 is a draft); its certificate was issued in December.
    assert (two.workshops_held, two.students_reached, two.attendance,
            two.certificates_issued) == (1, 2, Share(2, 2), 0)


def test_a_mentor_scope_counts_only_their_matches(program):
    """Does a mentor's scope count only their own matches and sessions?"""
    one = key_figures(NOVEMBER, FigureScope.mentor(program["m1"].id))
    assert (one.active_matches, one.mentoring_minutes, one.retention) == (1, 150, Share(1, 1))
    assert one.mentoring_hours == Decimal("2.5")
    assert (one.students_reached, one.workshops_held, one.attendance) == (None, None, None)
    two = key_figures(NOVEMBER, FigureScope.mentor(program["m2"].id))
    assert (two.active_matches, two.mentoring_minutes, two.retention) == (1, 30, Share(0, 1))
    assert two.retention.rate == 0


def test_series_follow_the_lima_calendar(program):
    """Does W2 (22:00 Lima on 30/11, December in UTC) count in November, and W6 (22:00 Lima on
    31/10, November in UTC) in October?"""
    workshops = workshops_per_month(YEAR_TO_DECEMBER)
    assert [month for month, _n in workshops] == [date(2026, m, 1) for m in range(1, 13)]
    assert (_month(workshops, 10), _month(workshops, 11), _month(workshops, 12)) == (1, 3, 0)
    assert sum(n for _month, n in workshops) == 4
    reached = students_reached_per_month(YEAR_TO_DECEMBER)
    # October: a4 at W6. November: the four above. December: nobody.
    assert (_month(reached, 10), _month(reached, 11), _month(reached, 12)) == (1, 4, 0)
    assert sum(n for _month, n in reached) == 5
    hours = mentoring_hours_per_month(YEAR_TO_DECEMBER)
    # October 120 min (Y), November 180, December 45 (0.75 h, shown to a tenth).
    assert (_month(hours, 10), _month(hours, 11), _month(hours, 12)) == (
        Decimal("2.0"), Decimal("3.0"), Decimal("0.8"))
    assert _month(hours, 9) == 0
    # A one-month period is one bar, the same as the month's headline figures.
    assert workshops_per_month(NOVEMBER) == [(date(2026, 11, 1), 3)]
    assert students_reached_per_month(NOVEMBER) == [(date(2026, 11, 1), 4)]
    assert mentoring_hours_per_month(NOVEMBER) == [(date(2026, 11, 1), Decimal("3.0"))]


def test_series_in_a_scope(program):
    """Do the series keep to the scope too?"""
    beta = FigureScope.venue(program["beta"].id)
    assert _month(workshops_per_month(YEAR_TO_DECEMBER, beta), 11) == 1
    assert _month(workshops_per_month(YEAR_TO_DECEMBER, beta), 10) == 0
    assert _month(students_reached_per_month(YEAR_TO_DECEMBER, beta), 11) == 2
    m2 = FigureScope.mentor(program["m2"].id)
    assert _month(mentoring_hours_per_month(YEAR_TO_DECEMBER, m2), 11) == Decimal("0.5")


def test_breakdowns_by_school_district_and_speaker(program):
    """Do the tables per school, per district and per speaker hold the hand-counted rows?"""
    alfa, beta = program["alfa"], program["beta"]
    schools = by_school(NOVEMBER)
    assert [(r.key, r.name, r.district, r.workshops, r.students_reached, r.attendance)
            for r in schools] == [(alfa.id, "Colegio Alfa", "Ate", 2, 3, Share(4, 6)),
                                  (beta.id, "Colegio Beta", "Comas", 1, 2, Share(2, 3))]
    districts = by_district(NOVEMBER)
    assert [(r.key, r.name, r.workshops, r.students_reached, r.attendance)
            for r in districts] == [("Ate", "Ate", 2, 3, Share(4, 6)),
                                    ("Comas", "Comas", 1, 2, Share(2, 3))]
    # b1 was reached in both districts: rows add up to 5, the program's figure is 4.
    assert sum(r.students_reached for r in districts) == 5
    speakers = by_speaker(NOVEMBER)
    # By alias: "Ponente Dos" gave W2 (Ate); "Ponente Uno" W1 (Ate) and W3 (Comas).
    assert [(r.name, r.workshops, r.students_reached, r.attendance, r.districts)
            for r in speakers] == [("Ponente Dos", 1, 2, Share(2, 2), 1),
                                   ("Ponente Uno", 2, 4, Share(4, 7), 2)]
    assert [r.key for r in by_district(NOVEMBER, FigureScope.speaker(program["s2"].id))] == [
        "Ate"]
    assert by_school(NOVEMBER, FigureScope.venue(beta.id))[0].key == beta.id
    assert len(by_school(NOVEMBER, FigureScope.venue(beta.id))) == 1


def test_matches_by_status_today(program):
    """Are today's matches counted per status, each status listed?"""
    assert matches_by_status() == [(MatchStatus.PROPOSED, 1), (MatchStatus.ACTIVE, 1),
                                   (MatchStatus.PAUSED, 1), (MatchStatus.CLOSED, 3)]
    assert matches_by_status(FigureScope.mentor(program["m1"].id)) == [
        (MatchStatus.PROPOSED, 0), (MatchStatus.ACTIVE, 1), (MatchStatus.PAUSED, 1),
        (MatchStatus.CLOSED, 1)]


def test_an_empty_period_has_zeros_and_no_rates(program):
    """Does a period with nothing in it give zeros, and rates of None rather than an error?"""
    figures = key_figures(Period(date(2020, 1, 1), date(2020, 1, 31)))
    assert (figures.students_reached, figures.workshops_held, figures.mentoring_minutes) == (
        0, 0, 0)
    assert figures.attendance.rate is None and figures.retention.rate is None
    assert by_school(Period(date(2020, 1, 1), date(2020, 1, 31))) == []


def test_the_school_report_rate_leaves_unmarked_lines_out(program, english_request):
    """Does the school's attendance report use the same rate (2 of 4 marked at W1, not 2 of 5
    lines)?"""
    assert build_report(Scope(workshop_id=program["w1"].id)).rate == "50.0 %"


def _everything(period: Period, scope: FigureScope) -> None:
    key_figures(period, scope)
    by_school(period, scope)
    by_district(period, scope)
    by_speaker(period, scope)
    workshops_per_month(period, scope)
    students_reached_per_month(period, scope)


def test_the_whole_figure_set_costs_a_fixed_number_of_statements(program, make,
                                                                  count_queries):
    """Does the figure set cost the same few statements however many rows there are?"""
    scope = FigureScope()
    with count_queries() as before:
        _everything(YEAR_TO_DECEMBER, scope)
        mentoring_hours_per_month(YEAR_TO_DECEMBER, scope)
        matches_by_status(scope)
    for day in range(1, 21):
        workshop = make.workshop(venue=make.school(district=f"Distrito {day}"),
                                 day=date(2026, 6, day), status=WorkshopStatus.HELD)
        make.roster(workshop, 3, P)
    with count_queries() as after:
        _everything(YEAR_TO_DECEMBER, scope)
        mentoring_hours_per_month(YEAR_TO_DECEMBER, scope)
        matches_by_status(scope)
    assert before["n"] == after["n"] == 8  # one statement per call
    assert key_figures(YEAR_TO_DECEMBER).workshops_held == 24  # and the new rows counted


def test_periods():
    """Do the period constructors give whole Lima months, quarters and years?"""
    day = date(2026, 11, 30)
    assert Period.month(day) == Period(date(2026, 11, 1), date(2026, 11, 30))
    assert Period.quarter(day) == Period(date(2026, 10, 1), date(2026, 12, 31))
    assert Period.quarter(date(2026, 2, 28)) == Period(date(2026, 1, 1), date(2026, 3, 31))
    assert Period.year(day) == Period(date(2026, 1, 1), date(2026, 12, 31))
    assert Period.containing("quarter", day) == Period.quarter(day)
    assert Period.last_months(day) == Period(date(2025, 12, 1), date(2026, 11, 30))
    assert Period(date(2026, 1, 15), date(2026, 3, 2)).months() == [
        date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    # The last Lima day of November ends at 05:00 UTC on 1 December.
    assert Period.month(day).bounds()[1] == lima_to_utc(date(2026, 12, 1), time(0))
    assert str(Period.month(day).bounds()[1]) == "2026-12-01 05:00:00+00:00"
    with pytest.raises(ValueError):
        Period(date(2026, 2, 1), date(2026, 1, 31))
    with pytest.raises(ValueError):
        FigureScope(venue_id=1, speaker_id=2)
