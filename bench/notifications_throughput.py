"""Benchmark: N SMS messages through a real notifications worker (Redis + PostgreSQL); prints messages/s.

Run: .venv/bin/python bench/notifications_throughput.py [--messages 5000] [--batch 500] [--concurrency 4]
Measures the file channel and the HTTP gateway channel (a local fake gateway), each with a fresh database.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis
from celery import Celery
from sqlalchemy import func, select

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import pgdb  # noqa: E402
from services.common.contracts import send  # noqa: E402
from services.common.db import make_engine  # noqa: E402
from services.notifications import schema  # noqa: E402
from services.notifications.models import Message  # noqa: E402
from tests.fakes.sms_gateway import FakeSmsGateway  # noqa: E402


def payloads(key: str, total: int, batch: int) -> list[dict]:
    out = []
    for n, start in enumerate(range(0, total, batch)):
        recipients = [{"recipient_key": f"enrolment-{i}", "phone": f"+62812{i:08d}",
                       "vars": {"nama": f"Warga {i}", "program": "BLT Dana Desa 2026"}}
                      for i in range(start, min(total, start + batch))]
        out.append({"campaign_key": key, "name": "Uji kinerja", "channel": "sms", "total": total, "batch_no": n,
                    "template": "Yth. {{ nama }}, bantuan {{ program }} bulan ini siap diambil di balai desa.",
                    "recipients": recipients})
    return out


def run(label: str, args, extra_env: dict) -> float:
    with pgdb.throwaway(args, schema.upgrade, prefix="bansos_bench_notif") as url:
        broker = f"{args.redis}/{args.redis_db}"
        redis.Redis.from_url(broker).flushdb()
        var = tempfile.mkdtemp(prefix="bansos-bench-")
        env = {**os.environ, "NOTIFICATIONS_DATABASE_URL": url, "CELERY_BROKER_URL": broker, "BANSOS_VAR": var,
               "BANSOS_DEMO": "1", **extra_env}
        engine = make_engine(url)
        worker = None
        try:
            worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "services.notifications.worker", "worker",
                                       "-Q", "notifications", "-c", str(args.concurrency), "--loglevel", "WARNING",
                                       "-n", f"bench-{uuid.uuid4().hex[:6]}@%h"], cwd=REPO, env=env,
                                      start_new_session=True)
            producer = Celery("bench-producer", set_as_current=False)
            producer.conf.update(broker_url=broker, task_serializer="json")
            batches = payloads(f"bench-{label}", args.messages, args.batch)
            time.sleep(3)  # let the worker connect before the clock starts
            started = time.monotonic()
            for payload in batches:
                send(producer, "notifications.send_batch", payload)
            while True:
                with engine.connect() as conn:
                    sent = conn.scalar(select(func.count()).where(Message.status == "sent")) or 0
                if sent >= args.messages:
                    break
                if worker.poll() is not None or time.monotonic() - started > 600:
                    raise SystemExit(f"{label}: worker stopped or timed out at {sent} messages")
                time.sleep(0.2)
            elapsed = time.monotonic() - started
            rate = args.messages / elapsed
            print(f"{label}: {args.messages} messages in {elapsed:.1f}s = {rate:.0f} messages/s "
                  f"(concurrency {args.concurrency}, batch {args.batch})")
            return rate
        finally:
            if worker and worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=30)
            engine.dispose()
            redis.Redis.from_url(broker).flushdb()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=4)
    pgdb.add_arguments(parser)
    parser.add_argument("--redis", default=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379"))
    parser.add_argument("--redis-db", type=int, default=15)
    args = parser.parse_args()
    run("file", args, {"SMS_GATEWAY_URL": ""})
    gateway = FakeSmsGateway()
    gateway_url = gateway.start()
    try:
        run("http", args, {"SMS_GATEWAY_URL": gateway_url, "SMS_GATEWAY_TOKEN": gateway.token})
        print(f"http: the fake gateway accepted {len(gateway.accepted())} requests")
    finally:
        gateway.stop()


if __name__ == "__main__":
    main()
