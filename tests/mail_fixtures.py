"""Fixtures for mail and jobs: a real SMTP server on loopback, and a way to run queued jobs.

- The whole run's queue is a SQLite file in a temp folder (`_queue_in_temp_folder`), and
  unconfigured mail lands as .eml files there too, never under instance/.
- `smtp` starts an aiosmtpd server on a free loopback port and points the app's mail at it;
  `smtp.down()` / `smtp.up()` stop and restart it, `smtp.messages` holds what it received.
- `run_jobs` takes jobs off that SQLite queue and executes them with Huey, as the worker does,
  except that the clock is moved past any retry delay, so back-off costs no test time.
"""
import email
import socket
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from huey.utils import utcnow as huey_utcnow

from youthagainstguns import jobs

PUBLIC_BASE_URL = "https://yag.example.net/app"


def minutes_due(app, job_name: str, day: datetime) -> list[datetime]:
    """Return the minutes of `day` (UTC) at which the worker's schedule starts `job_name`."""
    huey = jobs.queue(app).huey
    minutes = [day + timedelta(minutes=m) for m in range(24 * 60)]
    return [m for m in minutes if job_name in {t.name for t in huey.read_periodic(m)}]


def free_port() -> int:
    """Return a loopback TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session", autouse=True)
def _queue_in_temp_folder(app, tmp_path_factory):
    """Keep the run's job queue and .eml files in a temp folder."""
    folder = tmp_path_factory.mktemp("jobs")
    app.config["JOBS_SQLITE_FILE"] = str(folder / "jobs.sqlite")
    app.config["MAIL_FILE_PATH"] = str(folder / "mail")
    jobs.queue(app).huey = jobs.build_huey(app.config)
    return folder


class SmtpSink:
    """An aiosmtpd server that keeps every message it accepts, parsed."""

    def __init__(self, port: int):
        self.port = port
        self.messages: list[EmailMessage] = []
        # Addresses answered with "550 mailbox unknown", a refusal no retry will change.
        self.unknown_mailboxes: set[str] = set()
        self._controller: Controller | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.unknown_mailboxes:
            return "550 5.1.1 Mailbox unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def up(self) -> None:
        """Start listening (a stopped aiosmtpd controller cannot restart; make a new one)."""
        if self._controller is None:
            self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
            self._controller.start()

    def down(self) -> None:
        """Stop listening: connections are refused until up()."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def only(self) -> EmailMessage:
        """Return the one message received, failing if there were none or several."""
        assert len(self.messages) == 1, [m["Subject"] for m in self.messages]
        return self.messages[0]


@pytest.fixture(scope="session")
def _smtp_sink():
    sink = SmtpSink(free_port())
    yield sink
    sink.down()


@pytest.fixture
def smtp(app, monkeypatch, _smtp_sink):
    """A running SMTP server the app's mail goes to (plain SMTP on loopback, no TLS)."""
    _smtp_sink.messages.clear()
    _smtp_sink.unknown_mailboxes.clear()
    _smtp_sink.up()
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": _smtp_sink.port,
                       "MAIL_USE_TLS": False, "MAIL_TIMEOUT": 5,
                       "PUBLIC_BASE_URL": PUBLIC_BASE_URL}.items():
        monkeypatch.setitem(app.config, key, value)
    yield _smtp_sink
    _smtp_sink.up()  # a test that took it down leaves it running for the next one


class JobRunner:
    """Run an app's queued jobs for real, as the worker would, one at a time."""

    # Far enough ahead that every retry back-off has passed.
    LATER = timedelta(days=7)

    def __init__(self, app, db):
        self.app, self.db = app, db

    @property
    def huey(self):
        return jobs.queue(self.app).huey

    def pending(self) -> int:
        """Count jobs waiting now or scheduled for a retry."""
        return self.huey.pending_count() + self.huey.scheduled_count()

    def run_next(self) -> bool:
        """Run the next job, retries that are waiting included; False if there is none."""
        self.db.session.commit()  # what the test wrote is visible; SQLite's lock is free
        moment = huey_utcnow() + self.LATER
        for task in self.huey.read_schedule(moment):
            self.huey.enqueue(task)
        task = self.huey.dequeue()
        if task is None:
            return False
        self.huey.execute(task, moment)
        self.db.session.commit()  # end the test's transaction: see what the job wrote
        return True

    def run_all(self, limit: int = 50) -> int:
        """Run jobs until none is left; return how many ran."""
        count = 0
        while self.run_next():
            count += 1
            assert count < limit, "jobs keep coming back"
        return count


@pytest.fixture
def run_jobs(app, db):
    """A JobRunner on an empty queue."""
    runner = JobRunner(app, db)
    runner.huey.flush()
    yield runner
    runner.huey.flush()
