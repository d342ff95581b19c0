"""Program figures and roster counts, kept as the data changes, always equal to a full scan."""
import random
from datetime import date, time, timedelta

import sqlalchemy as sa

from youthagainstguns.auth.models import Role
from youthagainstguns.reports import program
from youthagainstguns.reports.figures import Period, workshops_per_month
from youthagainstguns.reports.suppression import Cell
from youthagainstguns.schools.models import VenueKind
from youthagainstguns.timeutil import lima_to_utc
from youthagainstguns.workshops import services
from youthagainstguns.workshops.models import AttendanceStatus as A
from youthagainstguns.workshops.models import (
    RosterCount,
    Workshop,
    WorkshopStatus,
    documents_visible_to,
)
from youthagainstguns.workshops.summaries import (
    HELD_BY_SPEAKER,
    REACHED,
    REACHED_BY_DISTRICT,
    REACHED_BY_SPEAKER,
    ProgramFigure,
    ReachMember,
    rebuild,
)


def _state(db) -> tuple[dict, set, set]:
    figures = {(f.figure, f.key): f.value for f in db.session.scalars(sa.select(ProgramFigure))
               if f.value}
    members = {tuple(r) for r in db.session.execute(
        sa.select(ReachMember.figure, ReachMember.key, ReachMember.student_id))}
    counts = {tuple(r) for r in db.session.execute(sa.select(
        RosterCount.workshop_id, RosterCount.school_id, RosterCount.mark, RosterCount.pupils))}
    return figures, members, counts


def assert_same_as_full_scan(db) -> None:
    """The kept rows equal what `rebuild` computes from the data."""
    kept = _state(db)
    rebuild(db.session.connection())
    assert kept == _state(db)
    db.session.rollback()


def test_figures_follow_attendance_status_and_district(db, make):
    """Are students counted once, by district and speaker, only for held workshops?"""
    norte, sur = make.school(district="Comas"), make.school(district="Ate")
    flaco, rosa = make.speaker(alias="El Flaco"), make.speaker(alias="Rosa")
    first, students = make.class_of(norte, [A.PRESENT, A.LATE, A.ABSENT], speakers=[flaco])
    second = make.held_workshop(venue=sur, speakers=[flaco, rosa])
    make.enrol(second, [(students[0], A.PRESENT), (students[2], A.PRESENT)])
    planned = make.workshop(venue=sur, speakers=[rosa])
    make.enrol(planned, [(students[1], A.PRESENT)])

    figures = _state(db)[0]
    assert figures[(REACHED, "")] == 3
    assert figures[(REACHED_BY_DISTRICT, "Comas")] == 2
    assert figures[(REACHED_BY_DISTRICT, "Ate")] == 2
    assert figures[(REACHED_BY_SPEAKER, str(flaco.id))] == 3
    assert figures[(REACHED_BY_SPEAKER, str(rosa.id))] == 2
    assert figures[(HELD_BY_SPEAKER, str(flaco.id))] == 2
    assert figures[(HELD_BY_SPEAKER, str(rosa.id))] == 1

    entry = first.roster[0]  # present at both: unmarking one keeps them reached
    entry.status = A.ABSENT
    second.roster[1].status = A.EXCUSED  # students[2]'s only attendance
    db.session.commit()
    assert program.totals()["students"] == 2
    norte.district = "Ate"
    db.session.commit()
    assert [(d, n.shown) for d, n in program.reach_by_district().rows] == [("Ate", "<5")]
    assert_same_as_full_scan(db)


def test_holding_a_scheduled_workshop_counts_its_attendance(db, make):
    """Attendance taken before the workshop is marked held counts once it is."""
    speaker = make.speaker()
    workshop = make.workshop(speakers=[speaker])
    make.roster(workshop, 6, status=A.PRESENT)
    assert program.totals()["students"] == 0
    workshop.status = WorkshopStatus.HELD
    db.session.commit()
    assert program.totals()["students"] == 6
    assert program.by_speaker().rows == [((speaker.alias, 1), Cell(6, "6", False))]
    assert_same_as_full_scan(db)


def test_a_visiting_school_sees_the_workshop_until_its_pupil_leaves(db, make):
    """A pupil on a community centre's roster shows their school the workshop; removed, not."""
    school, centre = make.school(), make.school(kind=VenueKind.COMMUNITY_CENTRE)
    contact = make.user(Role.SCHOOL, school=school)
    workshop = make.held_workshop(venue=centre)
    entry, = make.roster(workshop, 1, status=A.PRESENT, school=school)
    visible = sa.select(sa.func.count(Workshop.id)).where(documents_visible_to(contact))
    assert db.session.scalar(visible) == 1
    services.remove_entry(workshop, entry)
    db.session.commit()
    assert db.session.scalar(visible) == 0
    assert_same_as_full_scan(db)


def test_random_changes_keep_every_row_equal_to_a_full_scan(db, make):
    """Whatever order lines are added, marked, removed, workshops held, districts renamed and
    pupils' schools corrected, the kept rows are what a full scan finds."""
    rng = random.Random(11)  # noqa: S311  (a repeatable test sequence, not a secret)
    schools = [make.school(district=d) for d in ("Comas", "Ate", "Comas")]
    speakers = [make.speaker() for _unused in range(3)]
    workshops = [make.workshop(venue=rng.choice(schools), speakers=rng.sample(speakers, 2))
                 for _unused in range(4)]
    pupils = [make.student(rng.choice(schools)) for _unused in range(12)]
    for step in range(60):
        workshop = rng.choice(workshops)
        action = rng.choice(("enrol", "mark", "mark", "remove", "hold", "district", "move"))
        on_roster = {e.student_id for e in workshop.roster}
        if action == "enrol" and len(on_roster) < len(pupils):
            pupil = rng.choice([p for p in pupils if p.id not in on_roster])
            make.enrol(workshop, [(pupil, rng.choice([None, *A]))])
        elif action == "mark" and workshop.roster:
            rng.choice(workshop.roster).status = rng.choice(list(A))
        elif action == "remove" and workshop.roster:
            services.remove_entry(workshop, rng.choice(workshop.roster))
        elif action == "hold" and workshop.status == WorkshopStatus.SCHEDULED:
            workshop.status = WorkshopStatus.HELD
        elif action == "district":
            rng.choice(schools).district = rng.choice(("Comas", "Ate", "Rímac"))
        elif action == "move":  # a pupil's school corrected
            rng.choice(pupils).school_id = rng.choice(schools).id
        db.session.commit()
        if step % 10 == 9:
            assert_same_as_full_scan(db)
    assert program.totals()["students"] > 0
    assert_same_as_full_scan(db)


def test_mentoring_hours_follow_sessions_logged_and_edited(db, make):
    """Do program hours move when a session is logged and when its length is corrected?"""
    match = make.match(make.mentor(), make.mentee())
    make.session(match, duration_minutes=90)
    logged = make.session(match, duration_minutes=60)
    assert program.totals()["hours"] == 2.5
    logged.duration_minutes = 30
    db.session.commit()
    assert program.totals()["hours"] == 2.0
    assert_same_as_full_scan(db)  # and the workshops' rebuild leaves mentoring's figure
    assert program.totals()["hours"] == 2.0


def test_workshops_by_month_counts_by_the_lima_calendar(db, make):
    """A workshop at 20:00 Lima on the last day of a month (01:00 UTC the next day) counts in
    its Lima month; one from before the chart's year does not count."""
    today = date(2026, 11, 20)
    late = make.held_workshop()
    late.starts_at = lima_to_utc(date(2026, 10, 31), time(20))
    late.ends_at = late.starts_at + timedelta(hours=1)
    old = make.held_workshop()
    old.starts_at = lima_to_utc(date(2025, 11, 30), time(10))
    old.ends_at = old.starts_at + timedelta(hours=1)
    db.session.commit()
    months = dict(workshops_per_month(Period.last_months(today, 12)))
    assert len(months) == 12 and min(months) == date(2025, 12, 1)
    assert months[date(2026, 10, 1)] == 1 and months[date(2026, 11, 1)] == 0
    assert sum(months.values()) == 1
