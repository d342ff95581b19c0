"""Benchmark (issue 11): key pages at two scales, certificate packs, throughput under gunicorn.

    .venv/bin/python bench/run.py                       # SQLite, scales 0.1 and 1
    .venv/bin/python bench/run.py --engine postgresql   # the same on PostgreSQL
    .venv/bin/python bench/run.py --quick               # fewer repetitions, shorter loads
    .venv/bin/python bench/run.py --only pages --profile 3   # and cProfile the 3 worst pages

Databases are made once with `flask seed-bench` and kept (SQLite files under instance/bench/,
PostgreSQL databases yag_bench_*) under a key of scale, engine and a hash of the schema and
the generator, so a changed model or generator makes new ones. Pages are opened in one process
through the Flask test client, logged in as their account, the scales and pages interleaved,
timed by wall clock and CPU (time.process_time). Certificate packs, plain WeasyPrint renders
and a direct ReportLab drawing are interleaved in one process and compared by CPU time. The
load test starts gunicorn as `make run` does (2 workers x 4 threads) and drives it with 8
keep-alive clients from this process. The memory part downloads report PDFs and certificate
packs from one gunicorn worker and compares its RSS after 100 and 1,000 downloads. Results go
to stdout and bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import http.client
import io
import json
import os
import platform
import pstats
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.explain import BIG_TABLE_ROWS, explain_pages  # noqa: E402
from bench.pages import PAGES, TWO_STEP, Visitor, csrf_token  # noqa: E402
from config import Config  # noqa: E402

CACHE = ROOT / "instance" / "bench"
OUT = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "RESULTS.md"
PG_ADMIN_URL = os.environ.get(
    "BENCH_PG_URL", os.environ.get("TEST_PG_URL",
                                   "postgresql+psycopg://yag:yag@127.0.0.1:5432/postgres"))
TARGET_MS = {"sqlite": 50, "postgresql": 80}
TARGET_RATIO = 1.5


class BenchConfig(Config):
    """Development settings on a bench database; verification's per-address limit lifted,
    as the load generator is one address."""

    VERIFY_MAX_LOOKUPS_PER_ADDRESS = 10**9
    # S105: a key for tests/benchmarks only.
    SECRET_KEY = "bench-not-secret"  # noqa: S105


def bench_app(url: str):
    """An app on the bench database at `url`."""
    from youthagainstguns import create_app
    from youthagainstguns.auth.models import LoginFailure
    from youthagainstguns.extensions import db

    config = type("Bench", (BenchConfig,), {"SQLALCHEMY_DATABASE_URI": url})
    app = create_app(config)
    with app.app_context():  # a previous run's failed logins would lock the bench accounts
        db.session.execute(sa.delete(LoginFailure))
        db.session.commit()
    gc.freeze()  # as wsgi.py does
    return app


# Databases ----------------------------------------------------------------------------------

def generator_hash() -> str:
    """Hash the generator's source: a changed generator makes new databases; a changed
    schema only upgrades the kept ones through the migrations, as a deployment would."""
    from youthagainstguns.demo import bench_data

    return hashlib.sha256(Path(bench_data.__file__).read_bytes()).hexdigest()[:12]


def database_url(engine_name: str, key: str) -> str:
    """Where the bench database of `key` lives."""
    if engine_name == "sqlite":
        return f"sqlite:///{CACHE / (key + '.sqlite')}"
    name = "yag_bench_" + re.sub(r"[^a-z0-9]", "_", key.lower())
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _reset_database(engine_name: str, url: str) -> None:
    """Drop and recreate the (empty) database at `url`, with the schema of the migrations."""
    if engine_name == "sqlite":
        path = Path(make_url(url).database)
        for extra in ("", "-wal", "-shm"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
    else:
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            name = make_url(url).database
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
    _flask(url, "db", "upgrade")


def database_size(engine_name: str, url: str) -> int:
    """Bytes the database takes on disk."""
    if engine_name == "sqlite":
        path = make_url(url).database
        return sum(Path(f"{path}{extra}").stat().st_size for extra in ("", "-wal")
                   if Path(f"{path}{extra}").exists())
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        size = conn.scalar(sa.text("SELECT pg_database_size(current_database())"))
    engine.dispose()
    return size


def _flask(url: str, *args: str) -> str:
    """Run a `flask` command on the database at `url`; return what it printed."""
    env = dict(os.environ, DATABASE_URL=url, FLASK_APP="wsgi", YAG_CONFIG="development")
    # S603: a fixed argument list, no shell, no user input.
    return subprocess.run([str(ROOT / ".venv" / "bin" / "flask"), *args], cwd=ROOT,  # noqa: S603
                          env=env, check=True, capture_output=True, text=True).stdout


def _head_revision() -> str:
    """The newest migration's revision."""
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    config = AlembicConfig()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


def ensure_database(engine_name: str, scale: float) -> dict:
    """Return the bench database at `scale` (url, how long it took to make, its size): made
    with `flask seed-bench` unless one of this generator is kept, and upgraded to the newest
    migration if it is older."""
    CACHE.mkdir(parents=True, exist_ok=True)
    key = f"{engine_name}-{scale:g}-{generator_hash()}"
    marker = CACHE / f"{key}.json"
    url = database_url(engine_name, key)
    head = _head_revision()
    if marker.exists():
        info = json.loads(marker.read_text())
        if info.get("revision") != head:
            print(f"upgrading the {engine_name} database at scale {scale:g} ...", flush=True)
            started = time.perf_counter()
            _flask(url, "db", "upgrade")
            info |= {"revision": head, "upgraded_in": time.perf_counter() - started}
            marker.write_text(json.dumps(info))
        return info | {"url": url}
    for stale in CACHE.glob(f"{engine_name}-{scale:g}-*.json"):  # an older generator's
        stale.unlink()
        if engine_name == "sqlite":
            for path in CACHE.glob(stale.stem + ".sqlite*"):
                path.unlink()
    print(f"making the {engine_name} database at scale {scale:g} ...", flush=True)
    _reset_database(engine_name, url)
    started = time.perf_counter()
    out = _flask(url, "seed-bench", "--scale", f"{scale:g}")
    seconds = time.perf_counter() - started
    if engine_name == "sqlite":  # fold the WAL into the file so its size is the data's
        with sqlite3.connect(make_url(url).database) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    info = {"scale": scale, "seconds": seconds, "bytes": database_size(engine_name, url),
            "rows": out.strip().splitlines()[-1], "revision": head}
    marker.write_text(json.dumps(info))
    print(f"  {seconds:.0f} s, {info['bytes'] / 2**20:.0f} MiB", flush=True)
    return info | {"url": url}


# Pages ------------------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    """The `share` quantile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def measure_pages(visitors: dict[float, Visitor], pages: list, repeats: int,
                  heavy_repeats: int) -> dict:
    """Open every page at every scale, interleaved; return the visits per (page, scale)."""
    visits: dict[tuple[str, float], list] = {}
    for page in pages:  # warm-up: templates compiled, caches filled, logins done
        for visitor in visitors.values():
            visitor.visit(page)
    for round_ in range(repeats):
        for page in pages:
            if page.heavy and round_ >= heavy_repeats:
                continue
            for scale, visitor in visitors.items():
                visits.setdefault((page.name, scale), []).append(visitor.visit(page))
        print(f"  round {round_ + 1}/{repeats}", end="\r", flush=True)
    print()
    return visits


def pages_table(visits: dict, pages: list, scales: list[float],
                engine_name: str) -> tuple[str, list]:
    """The markdown table of the pages; and the pages that miss a target, worst first."""
    small, big = scales[0], scales[-1]
    head = ["page"]
    for scale in scales:
        head += [f"SQL @{scale:g}", f"p50 @{scale:g}", f"p95 @{scale:g}",
                 f"CPU p50 @{scale:g}", f"CPU p95 @{scale:g}"]
    head += ["p95 ratio", "CPU p95 ratio", f"KiB @{big:g}", "target"]
    lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 2) + "|---|"]
    misses = []
    for page in pages:
        cells = [page.name]
        p95, cpu95 = {}, {}
        for scale in scales:
            runs = visits[(page.name, scale)]
            walls = [v.wall * 1000 for v in runs]
            p95[scale] = percentile(walls, 0.95)
            cpu95[scale] = percentile([v.cpu * 1000 for v in runs], 0.95)
            statuses = {v.status for v in runs}
            sql = "/".join(str(n) for n in sorted({v.statements for v in runs}))
            cells += [sql + ("" if statuses == {200} else f" (HTTP {statuses})"),
                      f"{statistics.median(walls):,.1f}", f"{p95[scale]:,.1f}",
                      f"{statistics.median(v.cpu * 1000 for v in runs):,.1f}",
                      f"{cpu95[scale]:,.1f}"]
        ratio = p95[big] / p95[small] if p95[small] else float("nan")
        cpu_ratio = cpu95[big] / cpu95[small] if cpu95[small] else float("nan")
        size = statistics.median(v.size for v in visits[(page.name, big)]) / 1024
        ok = p95[big] <= TARGET_MS[engine_name] and ratio <= TARGET_RATIO
        cells += [f"{ratio:.2f}x", f"{cpu_ratio:.2f}x", f"{size:,.0f}",
                  "ok" if ok else "**miss**"]
        if not ok:
            misses.append((p95[big], page))
        lines.append("| " + " | ".join(cells) + " |")
    misses.sort(key=lambda m: -m[0])
    return "\n".join(lines), [page for _, page in misses]


def profile(visitor: Visitor, page, limit: int = 25) -> str:
    """cProfile one visit of `page` (after a warm one); return the top functions by own+callee
    time, and write the whole profile to bench/out/."""
    visitor.visit(page)
    profiler = cProfile.Profile()
    profiler.enable()
    visitor.visit(page)
    profiler.disable()
    OUT.mkdir(exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", page.name.lower()).strip("-")
    profiler.dump_stats(OUT / f"{slug}.prof")
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(limit)
    (OUT / f"{slug}.txt").write_text(text.getvalue())
    return text.getvalue()


# Certificate packs ----------------------------------------------------------------------------

def _certificate_items(n: int):
    from youthagainstguns.certificates.documents import CertificateItem, WorkshopFacts
    from youthagainstguns.certificates.models import CertificateKind, new_verification_code

    facts = WorkshopFacts("Decisiones que salvan vidas", date(2026, 3, 12),
                          "I.E. José María Arguedas (San Juan de Lurigancho)", ("El Flaco",))
    items = [CertificateItem(CertificateKind.STUDENT, f"María José Ñúñez Quispe {i}",
                             new_verification_code(), "es", date(2026, 3, 15))
             for i in range(n)]
    return facts, items


def direct_reportlab(facts, items) -> bytes:
    """Draw every certificate whole with ReportLab (no WeasyPrint, no shared background): the
    floor a pack is compared with. Same page size, fonts, wording, name, code and QR code."""
    from youthagainstguns import pdf_fast
    from youthagainstguns.certificates import documents as d

    width, height = d.PAGE_WIDTH, d.PAGE_HEIGHT
    first = items[0]
    text = d.certificate_text(facts, first.kind, first.language, first.issued_on)
    buffer = io.BytesIO()
    canvas = pdf_fast.new_canvas(buffer, (width, height), facts.title)
    mm = pdf_fast.points
    lines = [("tagline", pdf_fast.REGULAR, 10, 30), ("title", pdf_fast.BOLD, 22, 52),
             ("lead", pdf_fast.REGULAR, 12, 66), ("reason", pdf_fast.REGULAR, 12, 100),
             ("workshop_title", pdf_fast.BOLD, 16, 112), ("details", pdf_fast.REGULAR, 11, 122),
             ("given_by", pdf_fast.REGULAR, 11, 130), ("issued", pdf_fast.REGULAR, 10, 170)]
    for item in items:
        canvas.setLineWidth(2)
        canvas.rect(mm(10), mm(10), width - mm(20), height - mm(20))
        for key, font, size, top in lines:
            canvas.setFont(font, size)
            canvas.drawCentredString(width / 2, height - mm(top), text[key])
        d.draw_name(canvas, item.holder_name)
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont(pdf_fast.REGULAR, 9)
        canvas.drawRightString(mm(242), height - mm(150), text["code_label"])
        canvas.drawString(mm(20), height - mm(185), f"{text['verify_how']} "
                                                    f"{text['verify_base']}")
        canvas.setFont(pdf_fast.BOLD, d.SLOTS["code_pt"])
        canvas.drawRightString(mm(d.SLOTS["code_right"]), height - mm(d.SLOTS["code_baseline"]),
                               item.code)
        qr = mm(d.SLOTS["qr_size"])
        pdf_fast.draw_qr(canvas, d.verify_url(item.code), mm(d.SLOTS["qr_left"]),
                         height - mm(d.SLOTS["qr_top"]) - qr, qr)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def measure_packs(app, sizes: list[int], repeats: dict[int, int]) -> str:
    """Pack vs plain WeasyPrint vs direct ReportLab, interleaved, by CPU time per page."""
    from pypdf import PdfReader

    from youthagainstguns.certificates import documents

    cases = {"pack": documents.render_pack, "plain WeasyPrint": documents.render_certificates,
             "direct ReportLab": direct_reportlab}
    cpu: dict[tuple[str, int], list[float]] = {}
    with app.test_request_context(headers={"Accept-Language": "es"}):
        for render in cases.values():  # warm-up: fonts, templates
            render(*_certificate_items(2))
        for n in sizes:
            facts, items = _certificate_items(n)
            for _ in range(repeats[n]):
                for name, render in cases.items():
                    gc.collect()  # each case pays for its own garbage, not the one before's
                    started = time.process_time()
                    body = render(facts, items)
                    cpu.setdefault((name, n), []).append(time.process_time() - started)
                    if len(PdfReader(io.BytesIO(body)).pages) != n:
                        raise RuntimeError(f"{name} made a wrong number of pages")
            print(f"  packs of {n} done", flush=True)
    lines = ["| pages | pack ms/page | plain WeasyPrint ms/page | direct ReportLab ms/page "
             "| pack / direct | plain / pack | runs |", "|---:|---:|---:|---:|---:|---:|---:|"]
    for n in sizes:
        per = {name: statistics.median(cpu[(name, n)]) * 1000 / n for name in cases}
        lines.append(f"| {n:,} | {per['pack']:.2f} | {per['plain WeasyPrint']:.1f} "
                     f"| {per['direct ReportLab']:.2f} "
                     f"| {per['pack'] / per['direct ReportLab']:.2f}x "
                     f"| {per['plain WeasyPrint'] / per['pack']:.1f}x | {repeats[n]} |")
    return "\n".join(lines)


# Throughput under gunicorn -------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cookie(response: http.client.HTTPResponse, cookie: str) -> str:
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith("session="):
            return header.split(";", 1)[0]
    return cookie


def _request(conn, method: str, path: str, cookie: str, body: dict | None = None):
    headers = {"Accept-Language": "es", "Cookie": cookie} if cookie else {"Accept-Language": "es"}
    data = None
    if body is not None:
        data = urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    return response, response.read()


def http_login(port: int, email: str) -> str:
    """Log in over HTTP (password, then the second step if asked); return the session cookie."""
    import pyotp

    from youthagainstguns.demo.bench_data import BENCH_PASSWORD, BENCH_TOTP_SECRET

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    response, body = _request(conn, "GET", "/login", "")
    cookie = _cookie(response, "")
    response, body = _request(conn, "POST", "/login", cookie, {
        "email": email, "password": BENCH_PASSWORD, "csrf_token": csrf_token(body.decode())})
    cookie = _cookie(response, cookie)
    if response.getheader("Location", "").endswith(TWO_STEP):
        response, body = _request(conn, "GET", TWO_STEP, cookie)
        cookie = _cookie(response, cookie)
        response, body = _request(conn, "POST", TWO_STEP, cookie, {
            "code": pyotp.TOTP(BENCH_TOTP_SECRET).now(), "csrf_token": csrf_token(body.decode())})
        cookie = _cookie(response, cookie)
    conn.close()
    return cookie


def load(port: int, path: str, cookie: str, clients: int, seconds: float) -> dict:
    """Drive `path` with `clients` keep-alive connections for `seconds` (after a warm-up)."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start_at = time.perf_counter() + 2.0
    stop_at = start_at + seconds

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while (now := time.perf_counter()) < stop_at:
            try:
                response, _ = _request(conn, "GET", path, cookie)
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            done = time.perf_counter()
            if now >= start_at:
                latencies[i].append(done - now)
                errors[i] += response.status != 200
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [x for per in latencies for x in per]
    return {"rps": len(every) / seconds, "p50": statistics.median(every) * 1000,
            "p95": percentile(every, 0.95) * 1000, "errors": sum(errors), "n": len(every)}


@contextmanager
def gunicorn(url: str, workers: int = 2):
    """Run gunicorn as `make run` does (`workers` x 4 threads) on the bench database at `url`;
    yield its port and process once it answers."""
    port = _free_port()
    env = dict(os.environ, BENCH_DATABASE_URL=url, PYTHONPATH=str(ROOT))
    # S603: a fixed argument list, no shell, no user input.
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--no-control-socket", "--workers",
         str(workers), "--threads", "4", "--bind", f"127.0.0.1:{port}", "--access-logfile", "-",
         "bench.wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(600):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port, server
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure_load(url: str, visitor: Visitor, seconds: float, clients: int = 8) -> str:
    """Start gunicorn as `make run` does on the bench database; load three pages, and the
    health check and login page as the floor of this stack (no session, no database)."""
    from youthagainstguns.demo.bench_data import COORDINATOR_EMAIL

    with gunicorn(url) as (port, _server):
        staff = http_login(port, COORDINATOR_EMAIL)
        marks = visitor.marks
        cases = [("health check (no session, no database)", "/healthz", ""),
                 ("login page (anonymous)", "/login", ""),
                 ("workshop list, first page", "/workshops/", staff),
                 ("mentoring board", "/mentoring/", staff),
                 ("verification (limit lifted)", f"/verify/{marks.certificate_code}", "")]
        lines = [f"| page ({clients} clients, {seconds:g} s) | req/s | p50 ms | p95 ms "
                 "| non-200 or failed |", "|---|---:|---:|---:|---:|"]
        for name, path, cookie in cases:
            result = load(port, path, cookie, clients, seconds)
            lines.append(f"| {name} | {result['rps']:,.0f} | {result['p50']:,.1f} "
                         f"| {result['p95']:,.1f} | {result['errors']} |")
            print("  " + lines[-1], flush=True)
        return "\n".join(lines)


# Memory of a worker --------------------------------------------------------------------------

MEMORY_MARKS = (100, 1000)


def worker_rss(master: int) -> int:
    """The resident memory (VmRSS, KiB) of the one gunicorn worker under `master`."""
    def field(status: str, name: str) -> int:
        return int(re.search(rf"^{name}:\s+(\d+)", status, re.MULTILINE).group(1))

    # Not /proc/<pid>/task/<pid>/children: not every kernel has it.
    statuses = []
    for path in Path("/proc").glob("[0-9]*/status"):
        try:
            statuses.append(path.read_text())
        except OSError:  # a process that ended meanwhile
            continue
    workers = [status for status in statuses if field(status, "PPid") == master]
    if len(workers) != 1:
        raise RuntimeError(f"expected one gunicorn worker, found {len(workers)}")
    return field(workers[0], "VmRSS")


def measure_memory(url: str, visitor: Visitor) -> str:
    """Download a month's school report PDF and a certificate pack alternately from one
    gunicorn worker; compare its memory after 100 and after 1,000 downloads (issue 11:
    <= 1.2x). One worker, so that every download lands in the process that is measured."""
    from youthagainstguns.certificates.models import Certificate
    from youthagainstguns.demo.bench_data import COORDINATOR_EMAIL

    marks = visitor.marks
    with visitor.app.app_context():
        from youthagainstguns.extensions import db

        workshop_id = db.session.scalar(sa.select(Certificate.workshop_id).where(
            Certificate.code == marks.certificate_code))
    month = urlencode({"school_id": marks.big_school_id,
                       "start": (marks.today - timedelta(days=30)).isoformat(),
                       "end": marks.today.isoformat()})
    paths = (f"/reports/attendance.pdf?{month}", f"/workshops/{workshop_id}/certificates.pdf")
    rss = {}
    with gunicorn(url, workers=1) as (port, server):
        cookie = http_login(port, COORDINATOR_EMAIL)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for n in range(1, MEMORY_MARKS[-1] + 1):
            response, body = _request(conn, "GET", paths[n % 2], cookie)
            if response.status != 200 or not body.startswith(b"%PDF"):
                raise RuntimeError(f"{paths[n % 2]} answered {response.status}")
            if n in MEMORY_MARKS:
                rss[n] = worker_rss(server.pid)
                print(f"  after {n:,} downloads: {rss[n] / 1024:,.1f} MiB", flush=True)
        conn.close()
    first, last = MEMORY_MARKS
    return ("| worker RSS after 100 downloads | after 1,000 | ratio (target <= 1.2) |\n"
            "|---:|---:|---:|\n"
            f"| {rss[first] / 1024:,.1f} MiB | {rss[last] / 1024:,.1f} MiB "
            f"| {rss[last] / rss[first]:.2f}x |")


# Report ----------------------------------------------------------------------------------------

def machine(engine_name: str, url: str) -> str:
    """One line on the machine, Python and database versions."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown CPU")
    version = f"SQLite {sqlite3.sqlite_version}"
    if engine_name == "postgresql":
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            version = conn.scalar(sa.text("SHOW server_version"))
            version = f"PostgreSQL {version}"
        engine.dispose()
    return (f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"SQLAlchemy {sa.__version__}, {version}; {date.today():%d/%m/%Y}")


def write_results(engine_name: str, parts: dict[str, str]) -> None:
    """Replace these parts of this engine's results in bench/RESULTS.md, or add them; the
    other engine's, and the parts not run this time, stay."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    for part, body in parts.items():
        begin, end = f"<!-- {engine_name} {part} -->", f"<!-- /{engine_name} {part} -->"
        section = f"{begin}\n{body}\n{end}"
        if begin in text:
            text = text[:text.index(begin)] + section + text[text.index(end) + len(end):]
        else:
            text = text.rstrip() + "\n\n" + section + "\n"
    RESULTS.write_text(text)


def main() -> None:
    """Parse the options, run the parts asked for, print and record the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--scales", default="0.1,1")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--only", default="pages,explain,packs,load,memory",
                        help="comma-separated parts: pages, explain, packs, load, memory")
    parser.add_argument("--pages", default="", metavar="WORDS",
                        help="only the pages whose name holds one of these comma-separated "
                             "words (printed, not recorded in RESULTS.md)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="cProfile the N pages furthest off target at the largest scale")
    args = parser.parse_args()
    scales = sorted(float(s) for s in args.scales.split(","))
    parts = set(args.only.split(","))
    databases = {scale: ensure_database(args.engine, scale) for scale in scales}
    visitors = {scale: Visitor(bench_app(info["url"])) for scale, info in databases.items()}
    big = scales[-1]
    sections = {"machine": f"## {args.engine}\n\n"
                           f"Machine: {machine(args.engine, databases[big]['url'])}."}
    sections["data"] = ("Data (`flask seed-bench`):\n\n| scale | made in | size | rows |\n"
                    "|---:|---:|---:|---|\n" + "\n".join(
                        f"| {s:g} | {info['seconds']:,.0f} s | {info['bytes'] / 2**20:,.0f} MiB "
                        f"| {info['rows']} |" for s, info in databases.items()))
    if "pages" in parts:
        repeats, heavy = (5, 2) if args.quick else (20, 5)
        print(f"pages: {repeats} rounds ({heavy} for downloads) at scales {args.scales}")
        chosen = [page for page in PAGES if not args.pages
                  or any(word in page.name for word in args.pages.split(","))]
        visits = measure_pages(visitors, chosen, repeats, heavy)
        OUT.mkdir(exist_ok=True)
        (OUT / f"visits-{args.engine}.json").write_text(json.dumps(
            {f"{name} @{scale:g}": [v.__dict__ for v in runs]
             for (name, scale), runs in visits.items()}))
        table, misses = pages_table(visits, chosen, scales, args.engine)
        print(table)
        if not args.pages:
            sections["pages"] = (
                f"Key pages in process (test client, logged in; wall ms unless CPU; {repeats} "
                f"runs, {heavy} for the PDF and CSV; target p95 <= {TARGET_MS[args.engine]} "
                f"ms at scale {big:g} and p95 ratio <= {TARGET_RATIO}):\n\n{table}")
        for page in misses[:args.profile]:
            print(f"\n### profile: {page.name} at scale {big:g}\n")
            print(profile(visitors[big], page))
    if "explain" in parts:
        print(f"query plans at scale {big:g}")
        OUT.mkdir(exist_ok=True)
        table = explain_pages(visitors[big], OUT / f"explain-{args.engine}.txt")
        print(table)
        sections["explain"] = (
            f"Query plans of every SELECT of each key page at scale {big:g} (all plans in "
            f"`bench/out/explain-{args.engine}.txt`; big tables hold over "
            f"{BIG_TABLE_ROWS:,} rows):\n\n{table}")
    if "packs" in parts:
        sizes = [30, 100] if args.quick else [30, 300, 1000]
        repeats = {n: 1 for n in sizes} if args.quick else {30: 5, 300: 3, 1000: 2}
        print("certificate packs (CPU time, interleaved)")
        table = measure_packs(visitors[big].app, sizes, repeats)
        print(table)
        sections["packs"] = (f"Certificate packs (CPU time per page, median, cases "
                             f"interleaved):\n\n{table}")
    if "load" in parts:
        print(f"gunicorn (2 workers x 4 threads) at scale {big:g}")
        table = measure_load(databases[big]["url"], visitors[big], 5 if args.quick else 10)
        sections["load"] = (f"Throughput under gunicorn as `make run` starts it, scale "
                            f"{big:g}, load generator on the same machine:\n\n{table}")
    if "memory" in parts:
        print(f"memory of one gunicorn worker, report PDFs and packs alternately, scale {big:g}")
        table = measure_memory(databases[big]["url"], visitors[big])
        print(table)
        sections["memory"] = (f"Memory of a gunicorn worker (1 worker x 4 threads) downloading "
                              f"a month's school report PDF and a certificate pack alternately, "
                              f"scale {big:g}:\n\n{table}")
    write_results(args.engine, sections)


if __name__ == "__main__":
    main()
