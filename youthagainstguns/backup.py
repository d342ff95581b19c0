"""Backups and restores of the database: SQLite file copies and PostgreSQL custom dumps.

Backups are named `youthagainstguns-YYYYMMDD-HHMMSS-ffffff.<sqlite|dump>` (UTC); only files
with that name (or the older one without microseconds) are ever pruned. `flask backup` writes
one at once; the worker's nightly job (`backup.nightly`) one at 03:00 in Lima.
"""
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.engine import URL, Engine

from .extensions import db
from .jobs import crontab, periodic_job

log = logging.getLogger(__name__)

SUFFIXES = {"sqlite": ".sqlite", "postgresql": ".dump"}
BACKUP_NAME = re.compile(r"youthagainstguns-(\d{8}-\d{6})(?:-(\d{6}))?\.(sqlite|dump)")
# Alembic's bookkeeping row is there in a freshly migrated database, which is still empty.
NOT_DATA_TABLES = {"alembic_version"}


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def backend(url: URL) -> str:
    """Return "sqlite" or "postgresql" for the URL, refusing any other engine."""
    name = url.get_backend_name()
    if name not in SUFFIXES:
        raise BackupError(f"Backups are not supported for {name} databases.")
    return name


def backup_name(kind: str, now: datetime) -> str:
    """Return the file name of a backup taken at `now`, unique to the microsecond."""
    return f"youthagainstguns-{now:%Y%m%d-%H%M%S-%f}{SUFFIXES[kind]}"


def pg_command(program: str, url: URL, *args: str) -> tuple[list[str], dict[str, str]]:
    """Return the argv and environment to run a PostgreSQL client on the URL's database.

    The password travels in PGPASSWORD, never on the command line, where any local user
    could read it in the process list.
    """
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    # URL.set(password=None) would leave the password in place; build the URL afresh.
    conninfo = URL.create("postgresql", url.username, None, url.host, url.port, url.database,
                          url.query)
    argv = [program, *args, "--dbname", conninfo.render_as_string(hide_password=False)]
    return argv, env


def write_backup(engine: Engine, target_dir: Path) -> Path:
    """Write a consistent copy of the database into `target_dir`, readable by the owner only."""
    kind = backend(engine.url)
    if not target_dir.exists():
        target_dir.mkdir(parents=True)
        target_dir.chmod(0o700)  # mkdir's mode is subject to the umask
    target = target_dir / backup_name(kind, datetime.now(UTC))
    # Created empty and private first, so the copy is never readable by others, not even
    # while it is being written; O_EXCL means an existing file is never overwritten.
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        if kind == "sqlite":
            # VACUUM INTO makes a consistent copy even while the app is writing (WAL mode),
            # and accepts an empty target file.
            with engine.connect() as conn:
                conn.exec_driver_sql("VACUUM INTO ?", (str(target),))
        else:
            argv, env = pg_command("pg_dump", engine.url, "--format=custom", "--file", str(target))
            _run(argv, env, "pg_dump failed")
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def back_up_and_prune(engine: Engine, target_dir: Path, keep: int) -> tuple[Path, list[Path]]:
    """Write a backup, then delete all but the `keep` newest; return the new file and the
    deleted ones. What `flask backup` and the nightly job do."""
    target = write_backup(engine, target_dir)
    return target, prune_backups(target_dir, backend(engine.url), keep)


# 03:00 in Lima (UTC-5 all year, no daylight saving), when nobody is recording attendance.
@periodic_job("backup.nightly", crontab(minute="0", hour="8"))
def nightly_backup() -> Path:
    """Back up the database into BACKUP_DIR and keep the newest BACKUP_KEEP copies."""
    target, pruned = back_up_and_prune(db.engine, Path(current_app.config["BACKUP_DIR"]),
                                       current_app.config["BACKUP_KEEP"])
    log.info("Nightly backup written to %s; %d old backup(s) deleted", target, len(pruned))
    return target


def prune_backups(target_dir: Path, kind: str, keep: int) -> list[Path]:
    """Delete all but the `keep` newest backups of this kind in `target_dir`; return them."""
    if keep < 1:
        raise BackupError("BACKUP_KEEP must be at least 1.")
    backups = sorted(
        (path for path in target_dir.iterdir()
         if path.suffix == SUFFIXES[kind] and path.is_file() and _stamp(path)),
        key=_stamp, reverse=True,
    )
    for path in backups[keep:]:
        path.unlink()
    return backups[keep:]


def _stamp(path: Path) -> str | None:
    match = BACKUP_NAME.fullmatch(path.name)
    return match and match.group(1) + (match.group(2) or "000000")


def check_backup(kind: str, path: Path) -> None:
    """Raise BackupError unless `path` is a readable, intact backup of the given kind."""
    if kind == "sqlite":
        _check_sqlite_file(path)
    else:
        listing = _run(["pg_restore", "--list", str(path)], dict(os.environ),
                       "The backup failed the integrity check")
        if not re.search(r" TABLE \S+ alembic_version ", listing):
            raise BackupError("The backup holds no youthagainstguns database.")


def _check_sqlite_file(path: Path) -> None:
    # immutable=1: read the file as it is, without locks or -wal/-shm files next to it.
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"The backup failed the integrity check: {error}") from error
    if result != [("ok",)]:
        problems = "; ".join(row[0] for row in result[:5])
        raise BackupError(f"The backup failed the integrity check: {problems}")
    # An empty file is a valid, empty SQLite database; restoring it would wipe everything.
    if "alembic_version" not in tables:
        raise BackupError("The backup holds no youthagainstguns database.")


def holds_data(engine: Engine) -> bool:
    """Tell whether any table of the database (Alembic's own aside) has at least one row."""
    if backend(engine.url) == "sqlite" and not _sqlite_path(engine.url).exists():
        return False  # and connecting would create it
    with engine.connect() as conn:
        names = set(sa.inspect(conn).get_table_names()) - NOT_DATA_TABLES
        return any(
            conn.execute(sa.select(sa.literal(1)).select_from(sa.table(name)).limit(1)).first()
            for name in names
        )


def restore_backup(engine: Engine, path: Path) -> None:
    """Replace the database's contents with the backup at `path` (already checked)."""
    kind = backend(engine.url)
    # No connection of ours may hold the old file open or a lock on the old tables.
    engine.dispose()
    if kind == "sqlite":
        _replace_sqlite_file(engine.url, path)
    else:
        # One transaction: a dump that breaks halfway leaves the old data as it was.
        argv, env = pg_command("pg_restore", engine.url, "--clean", "--if-exists", "--no-owner",
                               "--single-transaction", "--exit-on-error", str(path))
        _run(argv, env, "pg_restore failed")


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("Restoring needs a database file, not an in-memory database.")
    return Path(url.database).resolve()


def _replace_sqlite_file(url: URL, path: Path) -> None:
    target = _sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp creates the file 0600 in the same folder, so os.replace is atomic.
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                     suffix=".restore")
    try:
        with os.fdopen(fd, "wb") as temp, path.open("rb") as source:
            shutil.copyfileobj(source, temp)
            temp.flush()
            os.fsync(temp.fileno())
        # A -wal left from the old database would be replayed onto the new one.
        for stale in ("-wal", "-shm", "-journal"):
            Path(f"{target}{stale}").unlink(missing_ok=True)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _run(argv: list[str], env: dict[str, str], failure: str) -> str:
    if not shutil.which(argv[0]):
        raise BackupError(f"{argv[0]} is not installed.")
    # S603: a fixed argument list, no shell, no user input.
    result = subprocess.run(argv, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{failure}: {result.stderr.strip()}")
    return result.stdout
