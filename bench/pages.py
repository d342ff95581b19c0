"""The key pages of issue 11: who opens each and at which address, and a visitor that opens
them in process, counting SQL statements and timing wall and CPU time.

Shared by bench/run.py (timings at scale 0.1 and 1) and tests/test_bench_scale.py (statements
equal at scale 0.001 and 0.01), so the list lives here once.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pyotp
import sqlalchemy as sa
from flask import Flask

from youthagainstguns.demo.bench_data import (
    BENCH_PASSWORD,
    BENCH_TOTP_SECRET,
    COORDINATOR_EMAIL,
    MENTOR_EMAIL,
    SCHOOL_EMAIL,
    Landmarks,
    landmarks,
)
from youthagainstguns.extensions import db

ANYONE = ""  # a page opened without logging in


@dataclass(frozen=True)
class Page:
    """One key page: a name for the table, the account that opens it, its address."""

    name: str
    who: str
    path: Callable[[Landmarks], str]
    heavy: bool = False  # a download that takes seconds: fewer repetitions


def _year(marks: Landmarks, school: bool = True) -> str:
    """The query string of a report over the last year (of the big school, for staff)."""
    args = {"school_id": marks.big_school_id} if school else {}
    args.update(start=marks.year_start.isoformat(), end=marks.today.isoformat())
    return urlencode(args)


PAGES = (
    Page("dashboard (coordinator)", COORDINATOR_EMAIL, lambda m: "/home"),
    Page("dashboard (school contact)", SCHOOL_EMAIL, lambda m: "/home"),
    Page("workshop list, first page", COORDINATOR_EMAIL, lambda m: "/workshops/"),
    Page("workshop list, deep page", COORDINATOR_EMAIL,
         lambda m: f"/workshops/?page={m.deep_page}"),
    Page("workshop list, filtered", COORDINATOR_EMAIL, lambda m: "/workshops/?" + urlencode(
        {"district": "San Juan de Lurigancho", "status": "closed"})),
    Page("workshop detail (300 on the roster)", COORDINATOR_EMAIL,
         lambda m: f"/workshops/{m.big_workshop_id}"),
    Page("calendar month", COORDINATOR_EMAIL,
         lambda m: f"/workshops/calendar?date={m.today.isoformat()}"),
    Page("attendance page (300)", COORDINATOR_EMAIL,
         lambda m: f"/workshops/{m.big_workshop_id}/attendance"),
    Page("reports index", COORDINATOR_EMAIL, lambda m: "/reports"),
    Page("school report page (big school, a year)", COORDINATOR_EMAIL,
         lambda m: f"/reports?{_year(m)}"),
    Page("school report PDF (big school, a year)", COORDINATOR_EMAIL,
         lambda m: f"/reports/attendance.pdf?{_year(m)}", heavy=True),
    Page("school report CSV (big school, a year)", COORDINATOR_EMAIL,
         lambda m: f"/reports/attendance.csv?{_year(m)}", heavy=True),
    Page("program report (this month; since the start)", COORDINATOR_EMAIL,
         lambda m: "/reports/program"),
    Page("program report (a year)", COORDINATOR_EMAIL,
         lambda m: f"/reports/program?kind=year&day={m.today.isoformat()}"),
    Page("certificate list (coordinator)", COORDINATOR_EMAIL, lambda m: "/certificates"),
    Page("school contact: certificate list", SCHOOL_EMAIL, lambda m: "/certificates"),
    Page("school contact: reports index", SCHOOL_EMAIL, lambda m: "/reports"),
    Page("school contact: own report page", SCHOOL_EMAIL,
         lambda m: f"/reports?{_year(m, school=False)}"),
    Page("mentoring board", COORDINATOR_EMAIL, lambda m: "/mentoring/"),
    Page("mentor page", COORDINATOR_EMAIL, lambda m: f"/mentoring/mentors/{m.mentor_id}"),
    Page("mentee list", COORDINATOR_EMAIL, lambda m: "/mentoring/mentees"),
    Page("mentee page", COORDINATOR_EMAIL, lambda m: f"/mentoring/mentees/{m.mentee_id}"),
    Page("match page", COORDINATOR_EMAIL, lambda m: f"/mentoring/matches/{m.match_id}"),
    Page("mentor's own page", MENTOR_EMAIL, lambda m: "/mentoring/mine"),
    Page("verification", ANYONE, lambda m: f"/verify/{m.certificate_code}"),
    # The JSON API (with a session: the same rules and queries as with a token).
    Page("API: workshops, first 200", COORDINATOR_EMAIL,
         lambda m: "/api/v1/workshops?limit=200"),
    Page("API: workshops from a year ago, 200", COORDINATOR_EMAIL,
         lambda m: "/api/v1/workshops?" + urlencode({"from": m.year_start.isoformat(),
                                                     "limit": 200})),
    Page("API: school contact's workshops, 200", SCHOOL_EMAIL,
         lambda m: "/api/v1/workshops?limit=200"),
    Page("API: roster (300), 200 lines", COORDINATOR_EMAIL,
         lambda m: f"/api/v1/workshops/{m.big_workshop_id}/roster?limit=200"),
    Page("API: program figures (a year)", COORDINATOR_EMAIL,
         lambda m: "/api/v1/figures?" + urlencode({"start": m.year_start.isoformat(),
                                                   "end": m.today.isoformat()})),
)
TWO_STEP = "/login/two-step"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(html: str) -> str:
    """Return the CSRF token of the first form in `html`."""
    found = CSRF.search(html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def login(client, email: str) -> None:
    """Log a test client in through the login form, and the second step if one is asked."""
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={
        "email": email, "password": BENCH_PASSWORD, "csrf_token": token})
    if response.headers.get("Location") == TWO_STEP:
        token = csrf_token(client.get(TWO_STEP).get_data(as_text=True))
        response = client.post(TWO_STEP, data={
            "code": pyotp.TOTP(BENCH_TOTP_SECRET).now(), "csrf_token": token})
    if response.status_code != 302 or response.headers.get("Location") == TWO_STEP:
        raise RuntimeError(f"could not log in as {email}: {response.status_code}")


@dataclass
class Visit:
    """What opening a page once cost."""

    status: int
    statements: int
    wall: float
    cpu: float
    size: int


class Visitor:
    """Opens the key pages of one seeded database, each as its account, in process."""

    def __init__(self, app: Flask):
        self.app = app
        self.statements = 0
        with app.app_context():
            self.engine = db.engine
            with self.engine.connect() as connection:
                self.marks = landmarks(connection, app.config["ITEMS_PER_PAGE"])
        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        self.clients: dict[str, object] = {}

    def _count(self, *args, **kwargs) -> None:
        self.statements += 1

    def client(self, who: str):
        """A test client logged in as `who` (through the login form), made once."""
        if who not in self.clients:
            client = self.app.test_client()
            client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-PE,es;q=0.9"
            if who:
                login(client, who)
            self.clients[who] = client
        return self.clients[who]

    def visit(self, page: Page) -> Visit:
        """Open `page` once; count its statements and time it (wall and CPU)."""
        client = self.client(page.who)
        path = page.path(self.marks)
        before = self.statements
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(path, follow_redirects=True)  # "/" sends each role onwards
        body = response.get_data()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        return Visit(response.status_code, self.statements - before, wall, cpu, len(body))

    def close(self) -> None:
        """Stop counting (the engine outlives the visitor in tests)."""
        sa.event.remove(self.engine, "before_cursor_execute", self._count)
