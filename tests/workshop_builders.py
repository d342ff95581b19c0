"""Builders for workshops, students and roster lines (used with the `make` fixture)."""
import itertools
from datetime import date, time, timedelta

from youthagainstguns.timeutil import lima_to_utc, today_lima
from youthagainstguns.workshops.models import (
    AttendanceStatus,
    RosterEntry,
    Student,
    Workshop,
    WorkshopStatus,
)

_counter = itertools.count(1)


def workshop(make, *, venue=None, speakers=None, day: date | None = None,
             start: time = time(10, 0), end: time = time(12, 0),
             status: WorkshopStatus = WorkshopStatus.SCHEDULED, capacity: int = 40,
             **fields) -> Workshop:
    """Return a workshop (scheduled, tomorrow 10:00–12:00 Lima) with one speaker."""
    n = next(_counter)
    day = day or today_lima() + timedelta(days=1)
    record = Workshop(
        title=fields.pop("title", f"Taller {n}"), venue=venue or make.school(),
        starts_at=lima_to_utc(day, start), ends_at=lima_to_utc(day, end), capacity=capacity,
        status=status, speakers=speakers if speakers is not None else [make.speaker()],
        **fields)
    make.db.session.add(record)
    make.db.session.commit()
    return record


def student(make, school, **fields) -> Student:
    """Return a student of `school`."""
    n = next(_counter)
    defaults = dict(first_name=f"Alumno{n}", last_names=f"Apellido{n} Pérez", grade="4.º",
                    section="A")
    record = Student(school_id=school.id, **(defaults | fields))
    make.db.session.add(record)
    make.db.session.commit()
    return record


def roster(make, workshop_record: Workshop, count: int = 3,
           status: AttendanceStatus | None = None) -> list[RosterEntry]:
    """Put `count` new students on a workshop's roster, seats taken."""
    entries = []
    for position in range(1, count + 1):
        pupil = student(make, workshop_record.venue)
        entries.append(RosterEntry(workshop_id=workshop_record.id, student_id=pupil.id,
                                   position=position, status=status))
    make.db.session.add_all(entries)
    workshop_record.seats_taken += count
    make.db.session.commit()
    return entries


def at(day: date, hour: int, minute: int = 0):
    """Return the UTC instant of a Lima wall-clock time."""
    return lima_to_utc(day, time(hour, minute))


def bulk_workshops(make, venues, speaker, count: int, first_day: date) -> None:
    """Insert `count` scheduled workshops fast (Core executemany), spread over venues and days,
    all given by `speaker`, none at 10:00–12:00 (they run 14:00–15:00)."""
    from youthagainstguns.workshops.models import workshop_speakers

    batch, rows = next(_counter), []
    for i in range(count):
        day = first_day + timedelta(days=i % 28)
        rows.append(dict(title=f"Masivo {batch}-{i}", topic="", venue_id=venues[i % len(venues)].id,
                         starts_at=lima_to_utc(day, time(14)), ends_at=lima_to_utc(day, time(15)),
                         capacity=30, seats_taken=0, status=WorkshopStatus.SCHEDULED,
                         target_grades="", notes="", version_id=1))
    session = make.db.session
    session.execute(Workshop.__table__.insert(), rows)
    ids = session.scalars(Workshop.__table__.select().with_only_columns(Workshop.__table__.c.id)
                          .where(Workshop.__table__.c.title.like(f"Masivo {batch}-%"))).all()
    session.execute(workshop_speakers.insert(),
                    [{"workshop_id": i, "speaker_id": speaker.id} for i in ids])
    session.commit()


def happening_now(make, **fields) -> Workshop:
    """Return a scheduled workshop that started ten minutes ago and lasts an hour."""
    from youthagainstguns.timeutil import utcnow

    workshop_record = workshop(make, **fields)
    workshop_record.starts_at = utcnow() - timedelta(minutes=10)
    workshop_record.ends_at = workshop_record.starts_at + timedelta(hours=1)
    make.db.session.commit()
    return workshop_record
