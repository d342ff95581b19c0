"""Migrations: the schema they build is the schema the models describe, on this run's engine."""
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def empty_database(tmp_path, database_url):
    """An empty database of the same engine as the test run."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    name = f"yag_mig_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _flask_db(command: str, url: str, tmp_path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "YAG_INSTANCE_DIR": str(tmp_path),
           "YAG_CONFIG": "development"}
    # S603: a fixed argument list, no shell, no user input.
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", *command.split()],  # noqa: S603
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def test_upgrade_check_and_downgrade(empty_database, tmp_path):
    """Do the migrations build exactly the models' schema, and undo cleanly?"""
    upgrade = _flask_db("upgrade", empty_database, tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    check = _flask_db("check", empty_database, tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr
    downgrade = _flask_db("downgrade base", empty_database, tmp_path)  # every revision
    assert downgrade.returncode == 0, downgrade.stderr
    engine = sa.create_engine(empty_database)
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
