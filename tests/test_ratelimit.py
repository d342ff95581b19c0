"""Rate-limit counters on both engines (memory, and a real redis-server), and the public
verification page counted with them instead of a database write."""
import sys
import threading
import uuid

import pytest
import redis
import sqlalchemy as sa

from tests.test_jobs_redis import redis_url  # noqa: F401  (the real server, started once)
from youthagainstguns import ratelimit

WINDOW = 600
CODE = "/verify/ABCD-EFGH-JKLM-NOPQ-RSTU-VWXY-Z234-5672"  # well formed, unknown: 404


class Clock:
    """A clock the test moves by hand, so that a window passes without sleeping."""

    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
def engine(request):
    """Build counters of one engine: in memory, or on the test's own Redis keys."""
    if request.param == "memory":
        yield lambda clock: ratelimit.MemoryCounter(clock=clock)
        return
    client = redis.Redis.from_url(request.getfixturevalue("redis_url"))
    prefix = f"yag-test-{uuid.uuid4().hex[:8]}"
    yield lambda clock: ratelimit.RedisCounter(client, prefix=prefix, clock=clock)
    client.delete(*client.keys(f"{prefix}:*") or [f"{prefix}:none"])
    client.close()


@pytest.fixture
def clock():
    """A clock at a fixed instant."""
    return Clock()


def test_hits_are_counted_per_purpose_and_key(engine, clock):
    """Does each (purpose, key) count on its own?"""
    counter = engine(clock)
    assert [counter.hit("verify", "192.0.2.1", WINDOW) for _ in range(3)] == [1, 2, 3]
    assert counter.hit("verify", "192.0.2.2", WINDOW) == 1
    assert counter.hit("other", "192.0.2.1", WINDOW) == 1


def test_a_new_window_starts_from_zero(engine, clock):
    """Once the window is over, does the count start again?"""
    counter = engine(clock)
    clock.now = (clock.now // WINDOW) * WINDOW  # the first second of a window
    for _ in range(5):
        counter.hit("verify", "192.0.2.1", WINDOW)
    clock.now += WINDOW - 1
    assert counter.hit("verify", "192.0.2.1", WINDOW) == 6
    clock.now += 1
    assert counter.hit("verify", "192.0.2.1", WINDOW) == 1


def test_counts_are_exact_under_threads(engine, clock):
    """Do 16 threads × 50 hits on one key count 800, each number handed out exactly once?"""
    counter, seen, lock = engine(clock), [], threading.Lock()

    def hammer() -> None:
        mine = [counter.hit("verify", "192.0.2.1", WINDOW) for _ in range(50)]
        with lock:
            seen.extend(mine)

    threads = [threading.Thread(target=hammer) for _ in range(16)]
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often: without the lock this loses hits
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(before)
    assert sorted(seen) == list(range(1, 801))


def test_redis_keys_expire_with_their_window(redis_url, clock):  # noqa: F811
    """Does Redis forget a window's count by itself (no purge job needed)?"""
    client = redis.Redis.from_url(redis_url)
    prefix = f"yag-test-{uuid.uuid4().hex[:8]}"
    ratelimit.RedisCounter(client, prefix=prefix, clock=clock).hit("verify", "192.0.2.1", 60)
    (key,) = client.keys(f"{prefix}:*")
    assert 0 < client.ttl(key) <= 60
    client.delete(key)
    client.close()


def test_memory_forgets_the_least_recently_hit_beyond_its_size(clock):
    """Can a flood of invented addresses grow the memory counter without bound? No."""
    counter = ratelimit.MemoryCounter(clock=clock, max_keys=3)
    for n in range(10):
        counter.hit("verify", f"198.51.100.{n}", WINDOW)
        counter.hit("verify", f"198.51.100.{n}", WINDOW)
    assert counter.hit("verify", "198.51.100.9", WINDOW) == 3  # among the 3 kept
    assert counter.hit("verify", "198.51.100.0", WINDOW) == 1  # forgotten long ago


def test_the_app_counts_on_redis_when_redis_url_is_set(app, redis_url, monkeypatch):  # noqa: F811
    """Is REDIS_URL what picks the engine, as for the job queue?"""
    assert isinstance(ratelimit.build_counter(app.config), ratelimit.MemoryCounter)
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    assert isinstance(ratelimit.build_counter(app.config), ratelimit.RedisCounter)


@pytest.fixture
def limited(app, engine, clock, monkeypatch):
    """The app counting verification lookups with `engine`, at most 3 per address."""
    monkeypatch.setitem(app.config, "VERIFY_MAX_LOOKUPS_PER_ADDRESS", 3)
    monkeypatch.setitem(app.extensions, "ratelimit", engine(clock))
    return app


def _statuses(client, n: int, address: str = "127.0.0.1") -> list[int]:
    return [client.get(CODE, environ_base={"REMOTE_ADDR": address}).status_code
            for _ in range(n)]


def test_verification_limit_per_address(limited, client, clock):
    """Past the limit, is that address refused (429) while another is still served, and is
    the first address served again in the next window?"""
    assert _statuses(client, 4) == [404, 404, 404, 429]
    assert _statuses(client, 1, "10.0.0.9") == [404]
    clock.now += WINDOW
    assert _statuses(client, 1) == [404]


def test_verification_writes_nothing_to_the_database(limited, client, db, make):
    """Does a verification, found or refused, run no INSERT, UPDATE or DELETE?"""
    from youthagainstguns.certificates.models import Certificate, CertificateKind
    from youthagainstguns.workshops.models import AttendanceStatus

    workshop, (student,) = make.class_of(make.school(), [AttendanceStatus.PRESENT])
    certificate = Certificate(kind=CertificateKind.STUDENT, workshop=workshop, student=student,
                              issued_on=workshop.starts_at.date())
    db.session.add(certificate)
    db.session.commit()
    written = []

    def watch(conn, cursor, statement, *args) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            written.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", watch)
    try:
        statuses = [client.get(f"/verify/{certificate.code}").status_code for _ in range(4)]
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", watch)
    assert statuses == [200, 200, 200, 429]
    assert written == []
