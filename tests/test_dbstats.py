"""The nightly planner statistics: on the worker's schedule, and really measured by the
database afterwards (SQLite's sqlite_stat1; PostgreSQL's own count of manual ANALYZEs)."""
import time
from datetime import datetime

import sqlalchemy as sa

from tests.mail_fixtures import minutes_due
from youthagainstguns import dbstats


def test_statistics_are_refreshed_at_half_past_three_in_lima_only(app):
    """Is the job due at 08:30 UTC (03:30 in Lima, after the backup) and at no other minute?"""
    assert minutes_due(app, "db.statistics", datetime(2026, 12, 2)) == [
        datetime(2026, 12, 2, 8, 30)]


def _manual_analyses(db) -> int:
    with db.engine.connect() as connection:
        connection.exec_driver_sql("SELECT pg_stat_clear_snapshot()")
        return connection.exec_driver_sql(
            "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'roster_entries'"
        ).scalar_one()


def test_the_job_measures_the_roster_index(make, db):
    """After the job, does the planner know the roster's student-and-workshop index?"""
    make.roster(make.workshop(), 5)
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        dbstats.nightly_statistics.func()
        with db.engine.connect() as connection:
            stat = connection.exec_driver_sql(
                "SELECT stat FROM sqlite_stat1"
                " WHERE idx = 'ix_roster_entries_student_id_workshop_id'").scalar()
        assert stat and stat.split()[0] == "5"  # rows in the index
        return
    before = _manual_analyses(db)
    dbstats.nightly_statistics.func()
    # Backends report their statistics once idle, at most about ten seconds later.
    deadline = time.monotonic() + 20
    while _manual_analyses(db) == before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _manual_analyses(db) == before + 1
    assert db.session.scalar(sa.text(
        "SELECT count(*) FROM pg_stats WHERE tablename = 'roster_entries'"
        " AND attname = 'student_id'")) == 1
