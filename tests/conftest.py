"""Shared fixtures: real PostgreSQL databases, real Redis DB numbers, a private var/ dir,
real background processes (Celery workers, HTTP servers) that are always stopped, headless Chromium."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.helpers.polling import wait_for  # noqa: F401  (also imported from here)
from tests.helpers.servers import free_port, redis_pings, redis_server

REPO = Path(__file__).resolve().parents[1]
PG_ADMIN_DSN = os.environ.get("TEST_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
PG_URL_BASE = os.environ.get("TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS_BASE = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
# pytest-xdist runs the suite in several processes ("gw0", "gw1", ...); 0 when not distributed.
WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)


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


@pytest.fixture(scope="session", autouse=True)
def _migration_templates(tmp_path_factory):
    """Empty databases migrated to head are copied from a template (see tests/dbtemplates.py)."""
    if os.environ.get("BANSOS_TEST_TEMPLATES") == "0":
        yield None
        return
    from tests.dbtemplates import MigrationTemplates

    templates = MigrationTemplates(tmp_path_factory.mktemp("db-templates"), PG_ADMIN_DSN)
    templates.install()
    try:
        yield templates
    finally:
        templates.uninstall()


@pytest.fixture
def pg():
    dbs = PgDatabases()
    yield dbs
    dbs.drop_all()


# Each test area has its own Redis DB numbers, so suites running side by side never share a broker.
# The numbers are two apart: the second xdist worker takes the even one next to each (2, 4, ... 14), so two
# workers never flush each other's broker. A third or later worker gets a redis-server of its own (below).
REDIS_DB_BY_AREA = {"registry": 1, "notifications": 3, "reports": 5, "admin": 7, "contracts": 9, "e2e": 11}
REDIS_DB_OTHER = 13
if WORKER == 1:
    REDIS_DB_BY_AREA = {area: number + 1 for area, number in REDIS_DB_BY_AREA.items()}
    REDIS_DB_OTHER += 1


def _private_redis() -> str:
    """A redis-server for this worker alone on a free port, stopped when the worker exits."""
    import atexit

    port = free_port()
    proc = redis_server(port)
    atexit.register(lambda: (proc.terminate(), proc.wait(10)))
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if redis_pings(port):
            return f"redis://127.0.0.1:{port}"
        time.sleep(0.05)
    raise RuntimeError(f"redis-server untuk worker {WORKER} tidak mau hidup di port {port}")


if WORKER >= 2:
    REDIS_BASE = _private_redis()


@pytest.fixture
def redis_url(request):
    """A Redis DB of the test's area, flushed before and after."""
    import redis

    area = Path(str(request.node.path)).relative_to(REPO / "tests").parts[0]
    number = REDIS_DB_BY_AREA.get(area, REDIS_DB_OTHER)
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


@pytest.fixture
def browser(tmp_path):
    """Headless Chromium (tests/helpers/browser.py), quit after the test; what it downloads stays in tmp_path."""
    from tests.helpers.browser import chromium

    driver = chromium(downloads=tmp_path / "downloads")
    yield driver
    driver.quit()

# Under pytest-xdist the tests are handed out one by one in collection order: the long ones (a real
# Chromium, the whole stack, real Celery workers) go first, so the workers finish together on short tests.
LONG_FIRST = ("tests/e2e/", "_browser.py", "test_cycle_journey.py", "test_public_privacy.py", "test_chaos.py",
              "test_worker_crashes.py", "_worker.py", "test_worker.py", "test_disk_full.py", "test_role_matrix.py",
              "tests/contracts/test_openapi.py")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return  # a serial run keeps pytest's order

    def rank(item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return next((n for n, part in enumerate(LONG_FIRST) if part in path), len(LONG_FIRST))

    items.sort(key=rank)  # stable: the rest keeps pytest's order (grouped by the shared admin stack)
