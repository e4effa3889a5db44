"""A rate limit of N messages per second per channel, shared by every worker process through Redis.

A token bucket kept in one Redis hash and updated by one Lua script, so the check-and-take is atomic
across processes and uses Redis' own clock (workers' clocks may differ). The bucket holds at most a
tenth of a second of tokens (at least one), so an idle period does not allow a burst afterwards:
the rate holds over any window, not just on average.

Without Redis (embedded default: filesystem broker) the same bucket is kept in the process; with
one worker process that is the same guarantee.
"""
from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger(__name__)

# KEYS[1] bucket; ARGV rate/s, capacity, wanted -> 0 when taken, else milliseconds to wait.
TOKEN_BUCKET_LUA = """
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
if now > ts then tokens = math.min(capacity, tokens + (now - ts) * rate) end
local wait = 0
if tokens >= wanted then
  tokens = tokens - wanted
else
  wait = math.ceil((wanted - tokens) / rate * 1000)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], 60000)
return wait
"""


class RateLimiterUnavailable(Exception):
    """Redis cannot be reached: the caller must not send (sending unlimited would break the provider's terms)."""


def capacity_for(rate: float) -> float:
    return max(1.0, rate / 10.0)


class NoLimit:
    rate = 0

    def acquire(self) -> None:
        return None


class LocalTokenBucket:
    """The same bucket inside one process (threads share it)."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.capacity = capacity_for(rate)
        self.tokens = self.capacity
        self.ts = time.monotonic()
        self.lock = threading.Lock()

    def acquire(self) -> None:
        while True:
            with self.lock:
                now = time.monotonic()
                self.tokens = min(self.capacity, self.tokens + (now - self.ts) * self.rate)
                self.ts = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    return
                wait = (1 - self.tokens) / self.rate
            time.sleep(wait)


class RedisTokenBucket:
    """``acquire()`` blocks until one token is taken from the shared bucket ``key``."""

    def __init__(self, redis_url: str, key: str, rate: float, unavailable_after: float = 30.0) -> None:
        import redis

        self.client = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
        self.script = self.client.register_script(TOKEN_BUCKET_LUA)
        self.key = key
        self.rate = rate
        self.capacity = capacity_for(rate)
        self.unavailable_after = unavailable_after

    def acquire(self) -> None:
        import redis

        down_since = None
        while True:
            try:
                wait_ms = int(self.script(keys=[self.key], args=[self.rate, self.capacity, 1]))
                down_since = None
            except redis.RedisError as exc:
                # Redis restarting: wait for it rather than send unlimited; give up after a while so the
                # batch records what it has and the task retries later.
                now = time.monotonic()
                down_since = down_since or now
                if now - down_since > self.unavailable_after:
                    raise RateLimiterUnavailable(f"Redis pembatas laju tidak tersedia: {exc}") from exc
                time.sleep(0.2)
                continue
            if wait_ms == 0:
                return
            time.sleep(wait_ms / 1000.0)


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
        return RedisTokenBucket(redis_url, f"bansos:ratelimit:{channel}", rate)
    log.warning("Tanpa Redis: batas laju %s/detik hanya berlaku per proses pekerja", rate)
    return LocalTokenBucket(rate)
