"""Benchmark: a campaign under a shared rate limit of N messages/s, seen from the gateway.

Run: .venv/bin/python bench/campaign_ratelimit.py [--rate 50] [--recipients 1500] [--workers 2]
Two notifications workers (``NOTIFICATIONS_RATE_LIMIT=N``, Redis send slots) and the local fake gateway
(no limit of its own). Prints the achieved rate, the busiest sliding one-second window and the busiest
calendar second as the gateway timestamped the requests it accepted.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import psycopg
import redis
from celery import Celery
from sqlalchemy import func, select

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.campaign_throughput import _stop, _workers  # noqa: E402
from bench.notifications_throughput import payloads  # noqa: E402
from services.common.contracts import send  # noqa: E402
from services.common.db import make_engine  # noqa: E402
from services.notifications import schema  # noqa: E402
from services.notifications.models import Message  # noqa: E402
from tests.fakes.sms_gateway import FakeSmsGateway  # noqa: E402


def busiest_window(stamps: list[float], width: float = 1.0) -> int:
    """The most requests in any half-open window [t, t + width) starting at a request (two pointers)."""
    best, start = 0, 0
    for end, stamp in enumerate(stamps):
        while stamp - stamps[start] >= width:
            start += 1
        best = max(best, end - start + 1)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--recipients", type=int, default=1500)
    parser.add_argument("--batch", type=int, default=250)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--pg-admin-dsn", default="host=127.0.0.1 port=5432 user=postgres dbname=postgres")
    parser.add_argument("--redis", default=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379"))
    parser.add_argument("--redis-db", type=int, default=14)
    args = parser.parse_args()
    name = f"bansos_bench_rate_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.pg_admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url, broker = f"{args.pg_url}/{name}", f"{args.redis}/{args.redis_db}"
    redis.Redis.from_url(broker).flushdb()
    gateway = FakeSmsGateway()
    gateway.start()
    engine = make_engine(url)
    workers = []
    try:
        schema.upgrade(url)
        env = {"NOTIFICATIONS_DATABASE_URL": url, "CELERY_BROKER_URL": broker, "BANSOS_DEMO": "1",
               "BANSOS_VAR": tempfile.mkdtemp(prefix="bansos-bench-"), "SMS_GATEWAY_URL": gateway.url,
               "SMS_GATEWAY_TOKEN": gateway.token, "NOTIFICATIONS_RATE_LIMIT": str(args.rate)}
        workers = _workers("services.notifications.worker", "notifications", args.workers, env)
        producer = Celery("bench-producer", set_as_current=False)
        producer.conf.update(broker_url=broker, task_serializer="json")
        time.sleep(4)
        for payload in payloads(f"rate-{uuid.uuid4().hex[:6]}", args.recipients, args.batch):
            send(producer, "notifications.send_batch", payload)
        started = time.monotonic()
        while True:
            with engine.connect() as conn:
                done = conn.scalar(select(func.count()).where(Message.status == "sent")) or 0
            if done >= args.recipients:
                break
            if any(w.poll() is not None for w in workers) or time.monotonic() - started > 900:
                raise SystemExit(f"worker stopped or timed out at {done} messages")
            time.sleep(0.2)
        stamps = sorted(r["_at"] for r in gateway.accepted())
        span = stamps[-1] - stamps[0]
        per_second = Counter(int(t) for t in stamps)
        full = [count for second, count in per_second.items() if min(per_second) < second < max(per_second)]
        print(f"rate limit {args.rate:g}/s, {len(stamps)} messages ({len({r['reference'] for r in gateway.accepted()})}"
              f" unique) over {span:.1f}s = {(len(stamps) - 1) / span:.1f}/s; busiest sliding 1 s window "
              f"{busiest_window(stamps)}; calendar seconds max {max(full)} min {min(full)} ({args.workers} workers)")
    finally:
        _stop(workers)
        engine.dispose()
        gateway.stop()
        redis.Redis.from_url(broker).flushdb()
        with psycopg.connect(args.pg_admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
