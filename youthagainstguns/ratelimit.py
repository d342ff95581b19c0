"""Rate limits without a database write: fixed-window counters of hits per (purpose, key).

Two engines, chosen like the job queue's (config.REDIS_URL):
- Redis when REDIS_URL is set: one INCR + EXPIRE per hit in one round trip, shared by every
  worker and server, so the limit holds exactly across all of them.
- Otherwise this process's memory (the embedded default, one machine): thread-safe, but each
  gunicorn worker counts on its own, so an address gets up to workers × the limit, and the
  counts start again when a worker restarts. Set REDIS_URL where that matters.
A Redis that cannot be reached fails the request (500) rather than let hits go uncounted.

Windows are fixed and aligned to the epoch (window number = now // length), the same on both
engines; a client can therefore fit up to twice the limit around a window's boundary.
Limits that must survive restarts or be exact everywhere (login and reset throttling) stay in
the database (auth.services).
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

import redis
from flask import Flask, current_app

Clock = Callable[[], float]
# Keys are attacker-chosen (addresses): the memory engine forgets the least recently hit
# beyond this many, the Redis one lets them expire with their window.
MAX_KEYS = 100_000


class Counter(Protocol):
    """Counts hits of `key` for `purpose` within the current window."""

    def hit(self, purpose: str, key: str, window_seconds: int) -> int:
        """Count one hit and return how many this window holds, this one included."""


class MemoryCounter:
    """Counters in this process, behind one lock (gunicorn threads share them)."""

    def __init__(self, clock: Clock = time.time, max_keys: int = MAX_KEYS):
        self._clock, self._max_keys = clock, max_keys
        self._lock = threading.Lock()
        # (purpose, key) → (window number, hits), least recently hit first.
        self._counts: OrderedDict[tuple[str, str], tuple[int, int]] = OrderedDict()

    def hit(self, purpose: str, key: str, window_seconds: int) -> int:
        """Count one hit and return how many this window holds, this one included."""
        window = int(self._clock() // window_seconds)
        with self._lock:
            seen, hits = self._counts.pop((purpose, key), (window, 0))
            hits = hits + 1 if seen == window else 1
            self._counts[(purpose, key)] = (window, hits)
            while len(self._counts) > self._max_keys:
                self._counts.popitem(last=False)
        return hits


class RedisCounter:
    """Counters on a Redis server, one key per (purpose, window, key) that expires with it."""

    def __init__(self, client: redis.Redis, prefix: str = "youthagainstguns:ratelimit",
                 clock: Clock = time.time):
        self._client, self._prefix, self._clock = client, prefix, clock

    def hit(self, purpose: str, key: str, window_seconds: int) -> int:
        """Count one hit and return how many this window holds, this one included."""
        window = int(self._clock() // window_seconds)
        name = f"{self._prefix}:{purpose}:{window}:{key}"
        pipe = self._client.pipeline(transaction=True)
        pipe.incr(name)
        pipe.expire(name, window_seconds)
        hits, _ = pipe.execute()
        return hits


def build_counter(config: dict) -> Counter:
    """Return a counter on Redis when REDIS_URL is set, else in this process's memory."""
    if config.get("REDIS_URL"):
        return RedisCounter(redis.Redis.from_url(config["REDIS_URL"]))
    return MemoryCounter()


def init_app(app: Flask) -> None:
    """Give the app its counter (a fresh one: counts start empty)."""
    app.extensions["ratelimit"] = build_counter(app.config)


def allow(purpose: str, key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit of `key` for `purpose`; False once the window already held `limit`."""
    return current_app.extensions["ratelimit"].hit(purpose, key, window_seconds) <= limit
