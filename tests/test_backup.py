"""`flask backup` and `flask restore` on the engine of the run (TEST_DB), with real databases.

The end-to-end path (migrate, seed, back up, restore) runs `flask` in subprocesses as an
operator would; the other tests run the same commands in-process, which is seconds faster.
"""
import os
import re
import sqlite3
import stat
import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from config import TestingConfig
from tests.conftest import PG_URL
from tests.mail_fixtures import minutes_due
from youthagainstguns import backup as backups
from youthagainstguns import jobs

ROOT = Path(__file__).resolve().parent.parent
ON_POSTGRES = os.environ.get("TEST_DB", "sqlite") == "postgresql"
SUFFIX = ".dump" if ON_POSTGRES else ".sqlite"


@pytest.fixture(scope="module")
def new_database(tmp_path_factory):
    """Make empty databases of the run's engine on demand; drop them at the end."""
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    created = []

    def _new() -> str:
        if not ON_POSTGRES:
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'app.sqlite'}"
        name = f"yag_backup_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        created.append(name)
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    yield _new
    with admin.connect() as conn:
        for name in created:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(scope="module")
def seeded(new_database, tmp_path_factory):
    """A migrated database holding the demo data set, and one backup of it."""
    url = new_database()
    instance = tmp_path_factory.mktemp("instance")
    _flask(url, "db", "upgrade", instance=instance)
    _flask(url, "seed-demo", instance=instance)
    output = _flask(url, "backup", "--to", str(instance / "copies"), instance=instance)
    return SimpleNamespace(url=url, backup=_written(output), instance=instance)


def _flask(url: str, *args: str, instance: Path) -> str:
    """Run a `flask` command in a subprocess on the database at `url`; return its output."""
    env = {**os.environ, "DATABASE_URL": url, "YAG_CONFIG": "development",
           "YAG_INSTANCE_DIR": str(instance)}
    # S603: a fixed argument list, no shell, no user input.
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args],  # noqa: S603
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _cli(url: str, *args: str, **config):
    """Run a `flask` command in-process on the database at `url`; return click's result."""
    from youthagainstguns import create_app
    from youthagainstguns.extensions import db

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    app.config.update(config)
    # Inside its own context: Flask runs commands in the current app's, that of conftest.
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
        db.engine.dispose()
    return result


def _written(output: str) -> Path:
    return Path(re.search(r"Backup written to (\S+)", output).group(1))


def _contents(url: str) -> dict[str, list[str]]:
    """Every row of every table, as sorted reprs, keyed by table name."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        contents = {
            # S608: table names come from the schema, not from input.
            name: sorted(map(repr, conn.exec_driver_sql(f'SELECT * FROM "{name}"')))  # noqa: S608
            for name in sa.inspect(conn).get_table_names()
        }
    engine.dispose()
    return contents


def _rows(url: str, query: str) -> list[tuple]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = [tuple(row) for row in conn.execute(sa.text(query))]
    engine.dispose()
    return rows


def _delete_all_rows(url: str) -> None:
    """Leave the schema and Alembic's version row, as `flask db upgrade` does."""
    from youthagainstguns.extensions import db

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


def _execute(url: str, statement: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(statement))
    engine.dispose()


def test_backup_is_private_and_restores_into_an_empty_database(seeded, new_database):
    """Is the backup owner-only, and does it restore every row into a fresh empty database?"""
    assert stat.S_IMODE(seeded.backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(seeded.backup.parent.stat().st_mode) == 0o700
    target = new_database()

    output = _flask(target, "restore", str(seeded.backup), instance=seeded.instance)

    assert "Database restored" in output
    source = _contents(seeded.url)
    assert len(source["users"]) > 5 and len(source["workshops"]) > 5  # the demo data is there
    assert _contents(target) == source
    emails = "SELECT email FROM users ORDER BY email"
    assert _rows(target, emails) == _rows(seeded.url, emails)
    if not ON_POSTGRES:
        assert stat.S_IMODE(Path(make_url(target).database).stat().st_mode) == 0o600


def test_restore_accepts_a_database_with_only_the_schema(seeded, new_database):
    """Does a migrated database without rows (Alembic's version row aside) count as empty?"""
    target = new_database()
    assert _cli(target, "restore", str(seeded.backup)).exit_code == 0
    _delete_all_rows(target)

    result = _cli(target, "restore", str(seeded.backup))

    assert result.exit_code == 0, result.output
    assert _contents(target) == _contents(seeded.url)


def test_restore_refuses_a_database_with_data_unless_forced(seeded, new_database):
    """Does restore leave a database that holds data alone, and overwrite it with --force?"""
    target = new_database()
    assert _cli(target, "restore", str(seeded.backup)).exit_code == 0
    _execute(target, "UPDATE users SET full_name = 'Marcador'")

    refused = _cli(target, "restore", str(seeded.backup))

    assert refused.exit_code != 0
    assert "--force" in refused.output
    assert set(_rows(target, "SELECT full_name FROM users")) == {("Marcador",)}

    forced = _cli(target, "restore", "--force", str(seeded.backup))

    assert forced.exit_code == 0, forced.output
    assert _contents(target) == _contents(seeded.url)


@pytest.mark.parametrize("damage", [
    lambda data: b"this is not a backup\n" * 50,
    lambda data: b"",  # a valid, empty SQLite database: restoring it would wipe everything
    lambda data: data[: len(data) // 2],
], ids=["garbage", "empty", "truncated"])
def test_restore_refuses_a_damaged_backup(seeded, new_database, tmp_path, damage):
    """Is a file that is not an intact backup refused even with --force, the target untouched?"""
    target = new_database()
    assert _cli(target, "restore", str(seeded.backup)).exit_code == 0
    _execute(target, "UPDATE users SET full_name = 'Marcador'")
    before = _contents(target)
    damaged = tmp_path / f"damaged{SUFFIX}"
    damaged.write_bytes(damage(seeded.backup.read_bytes()))

    result = _cli(target, "restore", "--force", str(damaged))

    assert result.exit_code != 0
    assert re.search(r"failed the integrity check|holds no youthagainstguns", result.output)
    assert _contents(target) == before


def test_backup_keeps_only_the_newest_copies_of_its_own(seeded, tmp_path):
    """With BACKUP_KEEP=2, do three backups leave the two newest and no one else's files?"""
    folder = tmp_path / "copies"
    folder.mkdir()
    older_format = folder / f"youthagainstguns-20200101-000000{SUFFIX}"
    not_ours = [folder / "notes.txt", folder / f"youthagainstguns-manual{SUFFIX}",
                folder / "youthagainstguns-20200101-000000.bak"]
    for path in [older_format, *not_ours]:
        path.write_text("x")

    written = []
    for _ in range(3):  # well within one second: the names must still differ
        result = _cli(seeded.url, "backup", "--to", str(folder), BACKUP_KEEP=2)
        assert result.exit_code == 0, result.output
        written.append(_written(result.output))

    assert len(set(written)) == 3
    assert sorted(folder.iterdir()) == sorted([*written[1:], *not_ours])


def test_postgres_password_is_given_in_the_environment_not_on_the_command_line():
    """Is the password kept out of pg_dump's argv, where any local user could read it?"""
    url = make_url("postgresql+psycopg://alice:s3cr%40t@db.example.org:6543/yag?sslmode=require")

    argv, env = backups.pg_command("pg_dump", url, "--format=custom")

    assert not any("s3cr" in arg for arg in argv)
    assert argv[-2:] == ["--dbname", "postgresql://alice@db.example.org:6543/yag?sslmode=require"]
    assert env["PGPASSWORD"] == "s3cr@t"


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL")
def test_pg_dump_connects_with_the_password_from_the_environment_only(seeded):
    """Does pg_dump need PGPASSWORD to connect (so the argv really lacks it), and get it?"""
    argv, env = backups.pg_command("pg_dump", make_url(seeded.url), "--schema-only")
    without = {key: value for key, value in env.items() if key != "PGPASSWORD"}

    # S603: a fixed argument list, no shell, no user input.
    assert subprocess.run(argv, env=env, capture_output=True).returncode == 0  # noqa: S603
    # S603: a fixed argument list, no shell, no user input.
    refused = subprocess.run(argv, env=without, capture_output=True, text=True)  # noqa: S603
    assert refused.returncode != 0
    assert "password" in refused.stderr


def _app_on(url: str, **config):
    from youthagainstguns import create_app

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    app.config.update(config)
    return app


def test_the_nightly_backup_job_writes_a_private_copy_and_keeps_backup_keep(tmp_path):
    """Does the worker's nightly job, run as the consumer runs it, write a 0600 copy of the
    SQLite database into BACKUP_DIR and delete the copies beyond BACKUP_KEEP?"""
    from youthagainstguns.auth.models import Role, User
    from youthagainstguns.extensions import db

    copies = tmp_path / "backups"
    copies.mkdir(mode=0o700)
    old = [copies / f"youthagainstguns-2026010{day}-080000-000000.sqlite" for day in (1, 2)]
    for path in old:
        path.write_bytes(b"")
    app = _app_on(f"sqlite:///{tmp_path / 'app.sqlite'}", BACKUP_DIR=str(copies),
                  BACKUP_KEEP=2, JOBS_SQLITE_FILE=str(tmp_path / "jobs.sqlite"))
    with app.app_context():
        db.create_all()
        db.session.add(User(email="noche@example.org", full_name="Noche", role=Role.ADMIN))
        db.session.commit()
    huey = jobs.queue(app).huey
    (task,) = [t for t in huey.read_periodic(datetime(2026, 12, 2, 8, 0))
               if t.name == "backup.nightly"]

    huey.execute(task)  # what the consumer does at 08:00 UTC

    with app.app_context():
        db.engine.dispose()
    written = sorted(copies.iterdir())
    assert written[0] == old[1] and len(written) == 2  # the oldest was pruned
    new = written[1]
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
    conn = sqlite3.connect(f"{new.as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("SELECT email FROM users").fetchall() == [("noche@example.org",)]
    finally:
        conn.close()


def test_the_nightly_backup_runs_at_three_in_lima_only(app):
    """Is the nightly backup on the worker's schedule at 08:00 UTC (03:00 in Lima), and at no
    other minute of the day?"""
    due = minutes_due(app, "backup.nightly", datetime(2026, 12, 2))
    assert due == [datetime(2026, 12, 2, 8, 0)]
    # Huey's consumer tests the schedule against UTC: the queue is built with utc=True.
    assert jobs.queue(app).huey.utc
