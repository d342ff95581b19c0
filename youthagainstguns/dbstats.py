"""Planner statistics: without them SQLite guesses how selective an index is, and at city scale
it guesses wrong (a school contact's certificate list walked every held workshop: 0.9 s,
against 0.1 s once the tables were analysed). PostgreSQL's autovacuum analyses on its own; the
nightly job does both engines so that neither depends on it.
"""
import logging

from sqlalchemy.engine import Engine

from .extensions import db
from .jobs import crontab, periodic_job

log = logging.getLogger(__name__)

# Rows SQLite samples per index: enough for the planner, and ANALYZE of the 215 MiB
# benchmark database then takes 0.1 s instead of scanning every table.
SQLITE_ANALYSIS_LIMIT = 400


def refresh_statistics(engine: Engine) -> None:
    """Have the database measure the application's tables and indexes for the query planner."""
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
            connection.exec_driver_sql("ANALYZE")
            return
        # Named, because a bare ANALYZE by the (non-superuser) owner warns once per system
        # catalog it may not touch.
        tables = ", ".join(connection.dialect.identifier_preparer.quote(table.name)
                           for table in db.metadata.sorted_tables)
        connection.exec_driver_sql(f"ANALYZE {tables}")


# 03:30 in Lima, after the nightly backup.
@periodic_job("db.statistics", crontab(minute="30", hour="8"))
def nightly_statistics() -> None:
    """Refresh the planner's statistics every night."""
    refresh_statistics(db.engine)
    log.info("Planner statistics refreshed")
