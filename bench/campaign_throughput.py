"""Benchmark: one campaign of N recipients from the first task sent to every message handed to the gateway.

Run: .venv/bin/python bench/campaign_throughput.py [--recipients 100000] [--batch 1000] [--workers 2]
     [--send-concurrency 8] [--noop 20000]
Two notifications worker processes (``-c 1`` each, threads inside a batch) on Redis + PostgreSQL, the
local fake HTTP gateway (no rate limit) in this process; batches are sent by name exactly as the admin
sends them. Then a plain Celery no-op task, N times through the same broker, for comparison.
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

import psycopg
import redis
from celery import Celery
from sqlalchemy import func, select

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import pgdb  # noqa: E402
from bench.notifications_throughput import payloads  # noqa: E402
from services.common.contracts import send  # noqa: E402
from services.common.db import make_engine  # noqa: E402
from services.notifications import schema  # noqa: E402
from services.notifications.models import Message  # noqa: E402
from tests.fakes.sms_gateway import FakeSmsGateway  # noqa: E402


def _workers(module: str, queue: str, count: int, env: dict) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-m", "celery", "-A", module, "worker", "-Q", queue, "-c", "1",
                              "--loglevel", "WARNING", "-n", f"bench-{uuid.uuid4().hex[:6]}@%h"], cwd=REPO,
                             env={**os.environ, **env}, start_new_session=True) for _ in range(count)]


def _stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        worker.wait(timeout=60)


def _cpu_seconds(pids) -> float:
    """User + system CPU of these processes so far (clock ticks from /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _group(pgid: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) == pgid:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


def _pg_backends(admin_dsn: str, database: str) -> list[int]:
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        return [row[0] for row in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,))]


def _redis_cpu(client) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def campaign(args) -> None:
    with pgdb.throwaway(args, schema.upgrade, prefix="bansos_bench_camp") as url:
        name = url.rsplit("/", 1)[1]
        broker = f"{args.redis}/{args.redis_db}"
        redis.Redis.from_url(broker).flushdb()
        gateway = FakeSmsGateway()
        gateway.start()
        engine = make_engine(url)
        workers: list[subprocess.Popen] = []
        try:
            env = {"NOTIFICATIONS_DATABASE_URL": url, "CELERY_BROKER_URL": broker, "BANSOS_DEMO": "1",
                   "BANSOS_VAR": tempfile.mkdtemp(prefix="bansos-bench-"), "SMS_GATEWAY_URL": gateway.url,
                   "SMS_GATEWAY_TOKEN": gateway.token, "NOTIFICATIONS_SEND_CONCURRENCY": str(args.send_concurrency)}
            workers = _workers("services.notifications.worker", "notifications", args.workers, env)
            producer = Celery("bench-producer", set_as_current=False)
            producer.conf.update(broker_url=broker, task_serializer="json")
            time.sleep(4)  # let the workers connect before the clock starts
            # CPU of everything the campaign runs on, so a figure taken on a shared machine can be read
            # independently of the other load: workers, PostgreSQL backends, Redis, this process (gateway).
            groups = [_group(w.pid) for w in workers]
            cpu_before = (sum(_cpu_seconds(g) for g in groups), _redis_cpu(redis.Redis.from_url(broker)),
                          time.process_time())
            started = time.monotonic()
            # Batches built as they are sent, like the admin's streaming audience.
            for payload in payloads(f"bench-{uuid.uuid4().hex[:6]}", args.recipients, args.batch):
                send(producer, "notifications.send_batch", payload)
            queued_after = time.monotonic() - started
            while True:
                with engine.connect() as conn:
                    done = conn.scalar(select(func.count()).where(Message.status.in_(("sent", "failed")))) or 0
                if done >= args.recipients:
                    break
                if any(w.poll() is not None for w in workers) or time.monotonic() - started > 900:
                    raise SystemExit(f"campaign: worker stopped or timed out at {done} messages")
                time.sleep(0.5)  # counting 100k rows is not free: poll gently (the figure is +-0.5 s)
            elapsed = time.monotonic() - started
            worker_cpu = sum(_cpu_seconds(_group(w.pid)) for w in workers) - cpu_before[0]
            pg_cpu = _cpu_seconds(_pg_backends(args.pg_admin_dsn, name))
            redis_cpu = _redis_cpu(redis.Redis.from_url(broker)) - cpu_before[1]
            own_cpu = time.process_time() - cpu_before[2]
            print(f"campaign: CPU seconds - workers {worker_cpu:.1f}, PostgreSQL backends {pg_cpu:.1f} (whole "
                  f"connection lives), Redis {redis_cpu:.1f}, gateway + producer + polling {own_cpu:.1f}; total "
                  f"{worker_cpu + pg_cpu + redis_cpu + own_cpu:.1f} for {args.recipients} messages")
            accepted = gateway.accepted()
            unique = len({r["reference"] for r in accepted})
            load = os.getloadavg()
            print(f"campaign: load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the end")
            print(f"campaign: {args.recipients} recipients in {elapsed:.1f}s = {args.recipients / elapsed:.0f} msg/s "
                  f"(all tasks queued after {queued_after:.1f}s; {args.workers} workers x {args.send_concurrency} "
                  f"threads, batch {args.batch}); gateway accepted {len(accepted)}, unique references {unique}")
        finally:
            _stop(workers)
            engine.dispose()
            gateway.stop()
            redis.Redis.from_url(broker).flushdb()


def noop(args) -> None:
    broker = f"{args.redis}/{args.redis_db}"
    client = redis.Redis.from_url(broker)
    client.flushdb()
    workers = _workers("bench.noop_worker", "bench_noop", args.workers, {"CELERY_BROKER_URL": broker})
    try:
        producer = Celery("bench-noop-producer", set_as_current=False)
        producer.conf.update(broker_url=broker, task_serializer="json")
        time.sleep(4)
        started = time.monotonic()
        for n in range(args.noop):
            producer.send_task("bench.noop", args=[n], queue="bench_noop")
        while int(client.get("bench:noop:done") or 0) < args.noop:
            if time.monotonic() - started > 600:
                raise SystemExit("noop: timed out")
            time.sleep(0.1)
        elapsed = time.monotonic() - started
        print(f"celery no-op: {args.noop} tasks in {elapsed:.1f}s = {args.noop / elapsed:.0f} tasks/s "
              f"({args.workers} workers, -c 1, acks_late, prefetch 1)")
    finally:
        _stop(workers)
        client.flushdb()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--send-concurrency", type=int, default=8)
    parser.add_argument("--noop", type=int, default=20_000)
    pgdb.add_arguments(parser)
    parser.add_argument("--redis", default=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379"))
    parser.add_argument("--redis-db", type=int, default=15)
    args = parser.parse_args()
    campaign(args)
    if args.noop:
        noop(args)


if __name__ == "__main__":
    main()
