"""Chaos with real processes: a worker's pool process killed mid-import, Redis restarted, every PostgreSQL
connection dropped. After recovery nothing is lost, nothing is done twice, and /health tells the truth."""
from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from services.common import contracts
from services.common.db import make_engine
from services.registry import schema
from services.registry.app import create_app
from services.registry.core.audit_chain import verify
from services.registry.models import AuditEntry, ImportJob, Person
from services.registry.people.importer.jobs import create_import_job
from tests.helpers import free_port, wait_for
from tests.helpers.servers import redis_pings, redis_server

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(child) for child in found]


def _job(engine, job_id: int) -> ImportJob:
    with Session(engine) as session:
        return session.get(ImportJob, job_id)


def _start_import(engine, app, roster_path) -> int:
    with Session(engine, expire_on_commit=False) as session:
        job = create_import_job(session, roster_path.name, str(roster_path), "operator")
    contracts.send(app.extensions["celery"], "registry.import_roster", {"import_id": job.id})
    return job.id


def test_a_pool_process_killed_mid_import_is_redone_exactly_once(processes, pg, redis_url, tmp_var, demo_roster):
    path, rows = demo_roster(households=6000, invalid=5)
    url = pg.create("chaos_kill")
    schema.upgrade(url)
    env = {"REGISTRY_DATABASE_URL": url, "CELERY_BROKER_URL": redis_url, "REGISTRY_IMPORT_CHUNK_SIZE": "50"}
    worker = processes.celery_worker("services.registry.worker", "registry", env, concurrency=1)
    app = create_app({"DATABASE_URL": url, "CELERY_BROKER_URL": redis_url})
    engine = make_engine(url)
    try:
        job_id = _start_import(engine, app, path)
        wait_for(lambda: _job(engine, job_id).processed_rows > 0, timeout=60, interval=0.02,
                 message="the import under way")
        victims = _children(worker.pid)
        assert victims, "no pool process to kill"
        for pid in victims:
            os.kill(pid, signal.SIGKILL)  # what the OOM killer does to a pool process
        done = wait_for(lambda: (job := _job(engine, job_id)).status in ("selesai", "gagal") and job,
                        timeout=120,
                        message=lambda: f"the redelivered import; log:\n{worker.log_path.read_text()[-3000:]}")
        assert done.status == "selesai", done.error
        assert "WorkerLostError" in worker.log_path.read_text() or "exited with" in worker.log_path.read_text()
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(Person)) == len(rows) - 5 == done.imported
            assert session.scalar(select(func.count()).select_from(AuditEntry)
                                  .where(AuditEntry.action == "import")) == 1
            assert verify(session).ok
    finally:
        engine.dispose()


def _redis_server(port: int) -> subprocess.Popen:
    proc = redis_server(port, own_session=True)
    wait_for(lambda: redis_pings(port), timeout=15, message="redis-server up")
    return proc


def test_redis_restart_is_reported_on_health_and_work_flows_again(processes, pg, tmp_var, demo_roster):
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    server = _redis_server(port)
    url = pg.create("chaos_redis")
    schema.upgrade(url)
    worker = processes.celery_worker("services.registry.worker", "registry",
                                     {"REGISTRY_DATABASE_URL": url, "CELERY_BROKER_URL": broker}, concurrency=1)
    app = create_app({"DATABASE_URL": url, "CELERY_BROKER_URL": broker})
    client = app.test_client()
    engine = make_engine(url)
    try:
        assert client.get("/health").get_json()["broker"] == "ok"
        server.terminate()
        server.wait(10)
        down = client.get("/health")
        assert down.status_code == 503 and down.get_json()["broker"].startswith("error")
        assert down.get_json()["database"] == "ok"
        time.sleep(1)  # the worker notices the lost connection and starts retrying
        server = _redis_server(port)
        wait_for(lambda: client.get("/health").status_code == 200, timeout=30, message="health ok again")
        path, rows = demo_roster(households=20, invalid=2)
        job_id = _start_import(engine, app, path)
        done = wait_for(lambda: (job := _job(engine, job_id)).status in ("selesai", "gagal") and job, timeout=90,
                        message=lambda: f"import after the restart; log:\n{worker.log_path.read_text()[-3000:]}")
        assert (done.status, done.imported) == ("selesai", len(rows) - 2)
    finally:
        engine.dispose()
        server.terminate()
        server.wait(10)


def test_dropped_postgresql_connections_are_reported_and_recovered(processes, pg, redis_url, tmp_var, demo_roster):
    """What a PostgreSQL restart looks like to the services: every open connection is cut."""
    url = pg.create("chaos_pg")
    schema.upgrade(url)
    database = url.rsplit("/", 1)[1]
    worker = processes.celery_worker("services.registry.worker", "registry",
                                     {"REGISTRY_DATABASE_URL": url, "CELERY_BROKER_URL": redis_url}, concurrency=1)
    app = create_app({"DATABASE_URL": url, "CELERY_BROKER_URL": redis_url})
    client = app.test_client()
    engine = make_engine(url)
    admin = make_engine(url.rsplit("/", 1)[0] + "/postgres")
    try:
        path, rows = demo_roster(households=15, invalid=1)
        first = _start_import(engine, app, path)
        wait_for(lambda: _job(engine, first).status == "selesai", timeout=60, message="first import")
        assert client.get("/health").status_code == 200
        with admin.connect() as connection:
            cut = connection.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :db AND pid <> pg_backend_pid()"), {"db": database}).scalar_one()
            connection.commit()
        assert cut >= 1
        assert client.get("/health").status_code == 200  # pool_pre_ping replaces the dead connections
        second_path, second_rows = demo_roster(households=10, invalid=1, name="kedua.csv", seed=11)
        second = _start_import(engine, app, second_path)
        done = wait_for(lambda: (job := _job(engine, second)).status in ("selesai", "gagal") and job, timeout=60,
                        message=lambda: f"import after the cut; log:\n{worker.log_path.read_text()[-3000:]}")
        assert done.status == "selesai", done.error
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(AuditEntry)) == 2
            assert verify(session).ok
    finally:
        engine.dispose()
        admin.dispose()
