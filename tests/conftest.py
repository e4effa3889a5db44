"""Shared fixtures: real PostgreSQL databases, real Redis DB numbers, a private var/ dir,
and real background processes (Celery workers, HTTP servers) that are always stopped."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest

REPO = Path(__file__).resolve().parents[1]
PG_ADMIN_DSN = os.environ.get("TEST_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
PG_URL_BASE = os.environ.get("TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS_BASE = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def tmp_var(tmp_path, monkeypatch) -> Path:
    """A private BANSOS_VAR so tests never touch the developer's var/."""
    var = tmp_path / "var"
    var.mkdir()
    monkeypatch.setenv("BANSOS_VAR", str(var))
    monkeypatch.setenv("BANSOS_DEMO", "1")
    return var


class PgDatabases:
    """Creates throw-away PostgreSQL databases and drops them at the end."""

    def __init__(self) -> None:
        self.created: list[str] = []

    def create(self, label: str) -> str:
        name = f"bansos_t_{label}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return f"{PG_URL_BASE}/{name}"

    def drop_all(self) -> None:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            for name in self.created:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg():
    dbs = PgDatabases()
    yield dbs
    dbs.drop_all()


# Each test area has its own Redis DB numbers, so suites running side by side never share a broker.
REDIS_DB_BY_AREA = {"registry": 1, "notifications": 3, "reports": 5, "admin": 7, "contracts": 9, "e2e": 11}


@pytest.fixture
def redis_url(request):
    """A Redis DB of the test's area, flushed before and after."""
    import redis

    area = Path(str(request.node.path)).relative_to(REPO / "tests").parts[0]
    number = REDIS_DB_BY_AREA.get(area, 13)
    url = f"{REDIS_BASE}/{number}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


class Processes:
    """Real child processes (workers, servers) killed with their process group at teardown."""

    def __init__(self, log_dir: Path) -> None:
        self.procs: list[subprocess.Popen] = []
        self.log_dir = log_dir

    def start(self, name: str, args: list[str], env: dict | None = None) -> subprocess.Popen:
        full_env = {**os.environ, **(env or {})}
        log = open(self.log_dir / f"{name}.log", "wb")
        proc = subprocess.Popen(
            args, cwd=REPO, env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        proc.log_path = self.log_dir / f"{name}.log"  # type: ignore[attr-defined]
        self.procs.append(proc)
        return proc

    def celery_worker(self, module: str, queue: str, env: dict, name: str | None = None,
                      concurrency: int = 2) -> subprocess.Popen:
        return self.start(
            name or f"worker-{queue}",
            [sys.executable, "-m", "celery", "-A", module, "worker", "-Q", queue, "-c", str(concurrency),
             "--loglevel", "INFO", "-n", f"{name or queue}-{uuid.uuid4().hex[:6]}@%h"],
            env,
        )

    def stop(self, proc: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 15) -> None:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, sig)
                proc.wait(timeout=timeout)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(timeout=5)

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            self.stop(proc)


@pytest.fixture
def processes(tmp_path):
    procs = Processes(tmp_path)
    yield procs
    procs.stop_all()


def wait_for(predicate, timeout: float = 60, interval: float = 0.25, message="condition"):
    """Poll ``predicate`` until it returns a truthy value; fail with ``message`` after ``timeout``.

    ``message`` may be a callable, evaluated only on failure (e.g. to attach a worker's log)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    text = message() if callable(message) else message
    raise AssertionError(f"timed out after {timeout}s waiting for {text} (last: {last!r})")
