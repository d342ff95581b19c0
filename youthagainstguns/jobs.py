"""The job queue (Huey): a SQLite file under instance/ by default, Redis when REDIS_URL is set.

Jobs are declared once with `@job(...)` at import time and bound to an app's queue the first
time that app uses it, so each job runs inside an app context of the app that queued it (in
`flask worker`, the app the command created). The queue is built on first use, not in
create_app(), so that commands which never touch it (`flask db upgrade`) create no queue file.

Periodic jobs (the coordinators' digest, workshop reminders, the nightly backup) go in the
module that owns them, e.g. `@periodic_job("mentoring.digest", crontab(minute="0", hour="7"))`;
the consumer started by `flask worker` enqueues them on time (crontab runs in UTC: utc=True).
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey, crontab

__all__ = ["Job", "JobQueue", "crontab", "init_app", "job", "on_worker_start", "periodic_job",
           "queue", "register_commands"]

@dataclass
class Job:
    """A job declared at import; `enqueue()` puts a call to it on the current app's queue."""

    name: str
    func: Callable
    # Huey task options (retries, retry_delay, retry_backoff, context) from the app's config.
    settings: Callable[[dict], dict[str, Any]] = field(default=lambda config: {})
    # For periodic jobs: Huey's crontab(...), a test of the minute it is called with.
    schedule: Callable[[datetime], bool] | None = None

    def enqueue(self, *args, **kwargs) -> None:
        """Queue a run of this job with these (picklable, small) arguments."""
        queue(current_app).task(self.name)(*args, **kwargs)


_JOBS: dict[str, Job] = {}


def job(name: str, settings: Callable[[dict], dict[str, Any]] | None = None) -> Callable:
    """Declare a job; `settings(config)` returns its Huey options (retries, back-off...)."""

    def decorator(func: Callable) -> Job:
        declared = Job(name, func, settings or (lambda config: {}))
        _JOBS[name] = declared
        return declared

    return decorator


def periodic_job(name: str, schedule: Callable[[datetime], bool]) -> Callable:
    """Declare a job that `flask worker` runs on a schedule, e.g. crontab(minute="0", hour="6")."""

    def decorator(func: Callable) -> Job:
        declared = Job(name, func, schedule=schedule)
        _JOBS[name] = declared
        return declared

    return decorator


class JobQueue:
    """One app's Huey instance with the declared jobs bound to it, built on first use."""

    def __init__(self, app: Flask):
        self.app = app
        self._huey: Huey | None = None
        self._tasks: dict[str, Callable] = {}
        # Bound tasks per Huey instance: Huey refuses a second registration of a name.
        self._bindings: dict[Huey, dict[str, Callable]] = {}

    @property
    def huey(self) -> Huey:
        """Return the app's Huey instance, building it from the config the first time."""
        if self._huey is None:
            self.huey = build_huey(self.app.config)
        return self._huey

    @huey.setter
    def huey(self, huey: Huey) -> None:
        """Bind every declared job to `huey` (tests use this to swap storages)."""
        self._huey = huey
        self._tasks = self._bindings.setdefault(huey, {})
        for name in _JOBS.keys() - self._tasks.keys():
            self._tasks[name] = _bind(self.app, huey, _JOBS[name])

    def task(self, name: str) -> Callable:
        """Return the Huey task of the declared job `name`; calling it enqueues a run."""
        huey = self.huey
        if name not in self._tasks:  # declared after the queue was built
            self._tasks[name] = _bind(self.app, huey, _JOBS[name])
        return self._tasks[name]


def build_huey(config: dict) -> Huey:
    """Return a Huey instance on Redis when REDIS_URL is set, else on the SQLite file."""
    name = config["JOBS_QUEUE_NAME"]
    # Results are not kept: a job records what it did in the database (e.g. the outbox row).
    if config.get("REDIS_URL"):
        return RedisHuey(name, url=config["REDIS_URL"], results=False, utc=True)
    path = Path(config["JOBS_SQLITE_FILE"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(path), results=False, utc=True)


def _bind(app: Flask, huey: Huey, declared: Job) -> Callable:
    """Register a declared job on `huey`, wrapped so that it runs in an app context."""

    @functools.wraps(declared.func)
    def run_in_app(*args, **kwargs):
        with app.app_context():
            return declared.func(*args, **kwargs)

    if declared.schedule is not None:
        return huey.periodic_task(declared.schedule, name=declared.name)(run_in_app)
    return huey.task(name=declared.name, **declared.settings(app.config))(run_in_app)


def init_app(app: Flask) -> None:
    """Give the app its (lazily built) queue."""
    app.extensions["jobs"] = JobQueue(app)


def queue(app: Flask) -> JobQueue:
    """Return the app's queue."""
    return app.extensions["jobs"]


def register_commands(app: Flask) -> None:
    """Add `flask worker`."""
    app.cli.add_command(worker)


@click.command("worker")
@click.option("--workers", type=int, default=None, help="Threads running jobs (JOBS_WORKERS).")
def worker(workers: int | None) -> None:
    """Run the job consumer until Ctrl-C (finishing running jobs) or SIGTERM."""
    app = current_app._get_current_object()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
    for hook in app.extensions.get("jobs_startup", []):
        hook()  # e.g. mail: put messages left queued by a lost enqueue back on the queue
    consumer = queue(app).huey.create_consumer(
        workers=workers or app.config["JOBS_WORKERS"], worker_type="thread", periodic=True,
        max_delay=5.0,  # a new job waits at most ~5 s when the queue was idle
        shutdown_timeout=30,  # Ctrl-C lets running jobs finish, but not forever
    )
    consumer.run()


def on_worker_start(app: Flask, hook: Callable[[], None]) -> None:
    """Run `hook` (inside the worker's app context) each time `flask worker` starts."""
    app.extensions.setdefault("jobs_startup", []).append(hook)
