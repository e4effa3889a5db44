"""A rate limit of N messages per second per channel, shared by every worker process through Redis.

Each message gets a send *slot*; consecutive slots are (1 + LATE + JITTER)/N s apart across all processes
(GCRA: Redis keeps the "next free time" of the channel; one Lua script reserves slots atomically on
Redis' own clock, so workers' clocks may differ). A message goes out no earlier than its slot and no
later than LATE after it (a thread that wakes later gives the slot up and takes a new one), so any N+1
sends span at least 1 + JITTER s: no one-second window holds more than N, even as the provider
timestamps them with up to JITTER of network/scheduling noise. No burst after an idle period, none when
several workers start at once; the cost is LATE + JITTER (3 %) of the rate.

Slots are reserved in small blocks (about 0.1 s worth, at most 50) per Redis round trip, so a fast
limit does not cost one Redis call per message; the threads of a process take the block's slots in
order. Slots missed while the process was held up are dropped, never used late: a stall never turns into
a burst. No limit configured: ``NoLimit`` makes no Redis call at all.

Without Redis (embedded default: filesystem broker) the same slots are kept in the process; with one
worker process that is the same guarantee.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque

log = logging.getLogger(__name__)

# KEYS[1] next free time; ARGV seconds per message, slots wanted -> seconds from Redis' now to the first slot.
RESERVE_SLOTS_LUA = """
local interval = tonumber(ARGV[1])
local wanted = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local first = tat
tat = tat + wanted * interval
redis.call('SET', KEYS[1], string.format('%.6f', tat), 'PX', math.ceil((tat - now) * 1000) + 60000)
return string.format('%.6f', first - now)
"""


# How late after its slot a message may still go out, and the allowance for the time between our send and
# the provider's clock (seconds per second of sending; see the module docstring).
LATE = 0.02  # a loaded machine wakes sleeping threads late; much less and most slots would be missed
JITTER = 0.01


class RateLimiterUnavailable(Exception):
    """Redis cannot be reached: the caller must not send (sending unlimited would break the provider's terms)."""


def block_size(rate: float) -> int:
    """Slots per reservation: about a tenth of a second's worth, 1 to 50."""
    return max(1, min(50, int(rate / 10)))


class NoLimit:
    rate = 0

    def acquire(self) -> None:
        return None


class SlotLimiter:
    """``acquire()`` blocks until the caller's slot; ``_reserve(n)`` returns the first slot's delay in seconds."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.interval = (1.0 + LATE + JITTER) / rate
        self.block = block_size(rate)
        self.slots: deque[float] = deque()
        self.lock = threading.Lock()

    def _reserve(self, count: int) -> float:
        raise NotImplementedError

    def _next_slot(self) -> float:
        with self.lock:
            while True:
                now = time.monotonic()
                while self.slots and self.slots[0] < now - LATE:
                    self.slots.popleft()
                if self.slots:
                    return self.slots.popleft()
                first = time.monotonic() + self._reserve(self.block)
                self.slots.extend(first + i * self.interval for i in range(self.block))

    def acquire(self) -> None:
        while True:
            slot = self._next_slot()
            wait = slot - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            if time.monotonic() - slot <= LATE:
                return
            # Woke too late (a loaded machine): sending now could crowd the next slots; take a fresh one.


class LocalSlots(SlotLimiter):
    """The same slots inside one process (its threads share them)."""

    def __init__(self, rate: float) -> None:
        super().__init__(rate)
        self.next_free = 0.0

    def _reserve(self, count: int) -> float:
        now = time.monotonic()
        first = max(self.next_free, now)
        self.next_free = first + count * self.interval
        return first - now


class RedisSlots(SlotLimiter):
    """Slots of the channel's limit ``key`` shared by every process through Redis."""

    def __init__(self, redis_url: str, key: str, rate: float, unavailable_after: float = 30.0) -> None:
        import redis

        super().__init__(rate)
        self.client = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
        self.script = self.client.register_script(RESERVE_SLOTS_LUA)
        self.key = key
        self.unavailable_after = unavailable_after

    def _reserve(self, count: int) -> float:
        import redis

        down_since = None
        while True:
            try:
                return float(self.script(keys=[self.key], args=[repr(self.interval), count]))
            except redis.RedisError as exc:
                # Redis restarting: wait for it rather than send unlimited; give up after a while so the
                # batch records what it has and the task retries later.
                now = time.monotonic()
                down_since = down_since or now
                if now - down_since > self.unavailable_after:
                    raise RateLimiterUnavailable(f"Redis pembatas laju tidak tersedia: {exc}") from exc
                time.sleep(0.2)


def make_limiter(config: dict, channel: str):
    """The limiter for ``channel`` from NOTIFICATIONS_RATE_LIMIT (messages/s, 0 = none) and Redis settings."""
    rate = float(config.get("RATE_LIMIT") or 0)
    if rate <= 0:
        return NoLimit()
    redis_url = config.get("RATE_LIMIT_REDIS_URL")
    if not redis_url:
        broker = config.get("CELERY_BROKER_URL") or ""
        redis_url = broker if broker.startswith(("redis://", "rediss://")) else None
    if redis_url:
        return RedisSlots(redis_url, f"bansos:ratelimit:{channel}", rate)
    log.warning("Tanpa Redis: batas laju %s/detik hanya berlaku per proses pekerja", rate)
    return LocalSlots(rate)
