"""Builders for certificate and report tests: workshops with rosters, made with the models."""
import itertools
from datetime import datetime, time, timedelta

from youthagainstguns.timeutil import lima_to_utc, today_lima
from youthagainstguns.workshops.models import (
    AttendanceStatus,
    RosterEntry,
    Student,
    Workshop,
    WorkshopStatus,
)

_counter = itertools.count(1)


def make_workshop(make, venue=None, speakers=(), status=WorkshopStatus.HELD, days_ago=3,
                  title="Decisiones que salvan vidas", capacity=400, **fields) -> Workshop:
    """Return a workshop held `days_ago` days ago at 10:00 Lima time."""
    venue = venue or make.school()
    day = today_lima() - timedelta(days=days_ago)
    starts_at = lima_to_utc(day, time(10, 0))
    workshop = Workshop(title=title, venue=venue, starts_at=starts_at,
                        ends_at=starts_at + timedelta(hours=2), capacity=capacity,
                        status=status, speakers=list(speakers), **fields)
    make.db.session.add(workshop)
    make.db.session.commit()
    return workshop


def make_student(make, school, first_name=None, last_names=None, **fields) -> Student:
    """Return a student of `school`."""
    n = next(_counter)
    student = Student(school=school, first_name=first_name or f"Estudiante{n}",
                      last_names=last_names or f"Apellido{n} Quispe", grade="3.º",
                      section="B", **fields)
    make.db.session.add(student)
    make.db.session.commit()
    return student


def add_roster(make, workshop, students_and_statuses) -> list[RosterEntry]:
    """Put (student, status) pairs on the workshop's roster, in that order."""
    entries = []
    first = len(workshop.roster) + 1
    for position, (student, status) in enumerate(students_and_statuses, first):
        entry = RosterEntry(workshop=workshop, student=student, position=position,
                            status=status,
                            marked_at=datetime.now().astimezone() if status else None)
        entries.append(entry)
        make.db.session.add(entry)
    workshop.seats_taken = len(workshop.roster)
    make.db.session.commit()
    return entries


def make_class(make, school, statuses, workshop=None, **workshop_fields):
    """Return a workshop whose roster has one new student of `school` per status given."""
    workshop = workshop or make_workshop(make, venue=school, **workshop_fields)
    students = [make_student(make, school) for _status in statuses]
    add_roster(make, workshop, list(zip(students, statuses, strict=True)))
    return workshop, students


ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)
