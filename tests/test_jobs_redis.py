"""The same send job through RedisHuey, against a real redis-server started here.

Without redis-server installed the module is skipped, unless REQUIRE_E2E=1 (CI), where a
missing server is a failure.
"""
import os
import shutil
import subprocess
import time
import uuid

import pytest
import redis
import sqlalchemy as sa
from huey import RedisHuey

from tests.mail_fixtures import free_port
from youthagainstguns import jobs
from youthagainstguns.auth import services
from youthagainstguns.auth.models import Role, User
from youthagainstguns.mail_models import MailKind, MailStatus, OutboxMessage


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """Start redis-server on a loopback port of its own, without persistence; stop it after."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail("redis-server is not installed (apt-get install -y redis-server)")
        pytest.skip("redis-server is not installed")
    folder = tmp_path_factory.mktemp("redis")
    port = free_port()
    # S603: a fixed argument list, no shell, no user input.
    subprocess.run([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",  # noqa: S603
                    "--appendonly", "no", "--daemonize", "yes", "--dir", str(folder),
                    "--pidfile", str(folder / "redis.pid"), "--logfile", str(folder / "log")],
                   check=True, timeout=30)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not answer: " + (folder / "log").read_text())
        yield url
    finally:
        try:
            client.shutdown(nosave=True)
        except redis.ConnectionError:
            pass  # it closes the connection as it goes
        client.close()


@pytest.fixture
def redis_queue(app, redis_url, monkeypatch):
    """Point the app's queue at the Redis server, under a queue name of this test's own."""
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    monkeypatch.setitem(app.config, "JOBS_QUEUE_NAME", f"yag-test-{uuid.uuid4().hex[:8]}")
    queue = jobs.queue(app)
    before = queue.huey
    queue.huey = jobs.build_huey(app.config)
    yield queue.huey
    queue.huey.flush()
    queue.huey = before


def test_send_job_retries_and_sends_through_redis(db, smtp, redis_queue, run_jobs):
    """Does the mail job run through RedisHuey: two failed attempts, then sent on the third?"""
    assert isinstance(redis_queue, RedisHuey)
    user = User(email="luz@example.org", full_name="Luz", role=Role.MENTOR)
    db.session.add(user)
    db.session.flush()
    services.mail_password_link(user, services.create_password_link(user, None),
                                MailKind.PASSWORD_RESET)
    db.session.commit()
    assert redis_queue.pending_count() == 1  # the commit put the job in Redis

    smtp.down()
    assert run_jobs.run_next() and run_jobs.run_next()
    assert redis_queue.scheduled_count() == 1  # the third try waits in Redis's schedule
    smtp.up()
    assert run_jobs.run_next()
    row = db.session.scalar(sa.select(OutboxMessage))
    assert (row.status, row.attempts) == (MailStatus.SENT, 3)
    assert smtp.only()["To"] == "luz@example.org"
    assert run_jobs.pending() == 0
