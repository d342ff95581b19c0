"""The job queue: the real `flask worker`, duplicate and lost jobs, a queue that is down."""
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from huey import RedisHuey, SqliteHuey

from tests.conftest import AuthActions
from tests.mail_fixtures import free_port
from youthagainstguns import jobs, mail
from youthagainstguns.auth import services
from youthagainstguns.auth.models import Role, User
from youthagainstguns.mail_models import MailKind, MailStatus, OutboxMessage
from youthagainstguns.timeutil import utcnow

ROOT = Path(__file__).resolve().parent.parent


def _queue_reset_mail(db, email: str = "luz@example.org") -> OutboxMessage:
    user = User(email=email, full_name="Luz", role=Role.MENTOR)
    db.session.add(user)
    db.session.flush()
    message = services.mail_password_link(user, services.create_password_link(user, None),
                                          MailKind.PASSWORD_RESET)
    db.session.commit()
    return message


def _row(db, message_id: int) -> OutboxMessage:
    db.session.commit()
    return db.session.get(OutboxMessage, message_id)


def test_the_queue_is_sqlite_unless_redis_is_configured(app):
    """Is the default queue a SQLite file, and Redis only when REDIS_URL is set?"""
    assert isinstance(jobs.queue(app).huey, SqliteHuey)
    config = dict(app.config, REDIS_URL="redis://127.0.0.1:6399/0")
    assert isinstance(jobs.build_huey(config), RedisHuey)


def test_flask_worker_sends_what_was_left_queued(app, db, database_url, smtp, run_jobs, tmp_path):
    """Does `flask worker` start, pick up a message whose job was lost, send it, and stop
    cleanly on Ctrl-C without writing the address to its log?"""
    message = _queue_reset_mail(db)
    run_jobs.huey.flush()  # as if the enqueue after the commit had been lost
    env = {**os.environ, "YAG_CONFIG": "development", "DATABASE_URL": database_url,
           "YAG_INSTANCE_DIR": str(tmp_path), "JOBS_SQLITE_FILE": app.config["JOBS_SQLITE_FILE"],
           "JOBS_QUEUE_NAME": app.config["JOBS_QUEUE_NAME"], "MAIL_SERVER": "127.0.0.1",
           "MAIL_PORT": str(smtp.port), "MAIL_USE_TLS": "0", "PUBLIC_BASE_URL": app.config[
               "PUBLIC_BASE_URL"]}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while not smtp.messages and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGINT)
        output, _ = worker.communicate(timeout=30)
    assert smtp.only()["To"] == "luz@example.org", output
    assert worker.returncode == 0, output
    assert "luz@example.org" not in output
    row = _row(db, message.id)
    assert (row.status, row.attempts) == (MailStatus.SENT, 1)


def test_a_duplicate_job_sends_the_message_once(app, db, smtp, run_jobs):
    """If a message ends up with two jobs, is it still sent only once?"""
    message = _queue_reset_mail(db)
    mail.send_message.enqueue(message.id)
    assert run_jobs.run_all() == 2
    assert len(smtp.messages) == 1
    assert _row(db, message.id).attempts == 1


def test_an_unknown_mailbox_fails_at_once(db, smtp, run_jobs):
    """Is a permanent refusal (550) marked failed without an hour of pointless retries?"""
    smtp.unknown_mailboxes.add("nadie@example.org")
    message = _queue_reset_mail(db, "nadie@example.org")
    assert run_jobs.run_all() == 1
    row = _row(db, message.id)
    assert (row.status, row.attempts) == (MailStatus.FAILED, 1)
    assert "550" in row.last_error


def test_a_queue_that_is_down_loses_no_message(app, client, make, db, smtp, run_jobs):
    """With the queue unreachable, does the request still succeed and the message wait for
    the worker's next start?"""
    make.user(Role.MENTOR, email="luz@example.org")
    token = AuthActions(client).csrf_token("/forgot-password")
    queue = jobs.queue(app)
    working = queue.huey
    queue.huey = RedisHuey("down", url=f"redis://127.0.0.1:{free_port()}/0", results=False)
    try:
        response = client.post("/forgot-password",
                               data={"email": "luz@example.org", "csrf_token": token})
    finally:
        queue.huey = working  # the queue is back
    assert response.status_code == 302
    (row,) = db.session.scalars(sa.select(OutboxMessage)).all()
    assert row.status == MailStatus.QUEUED

    assert mail.dispatch_queued() == 1  # what `flask worker` does when it starts
    run_jobs.run_all()
    assert smtp.only()["To"] == "luz@example.org"
    assert _row(db, row.id).status == MailStatus.SENT


def test_a_message_left_sending_by_a_dead_worker_is_sent_again(db, smtp, run_jobs):
    """If a worker died mid-send, does the next start pick the message up again?"""
    message = _queue_reset_mail(db)
    run_jobs.huey.flush()
    row = _row(db, message.id)
    row.status, row.attempts = MailStatus.SENDING, 1
    row.last_attempt_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert mail.dispatch_queued() == 1
    run_jobs.run_all()
    row = _row(db, message.id)
    assert (row.status, row.attempts) == (MailStatus.SENT, 2)
    assert len(smtp.messages) == 1
