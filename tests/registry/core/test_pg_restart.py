"""Chaos with a real PostgreSQL restart: the registry worker and API run on a private cluster that is shut
down (``pg_ctl stop -m fast``) in the middle of a roster import and started again. /health says the database
is down while it is, the import is retried and finishes once: every person imported exactly once, one audit
entry, the audit chain intact."""
from __future__ import annotations

import sys
import time

import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.common import contracts
from services.common.db import make_engine
from services.registry import schema
from services.registry.app import create_app
from services.registry.core.audit_chain import verify
from services.registry.models import AuditEntry, ImportJob, Person
from services.registry.people.importer.jobs import create_import_job
from tests.helpers import free_port, wait_for
from tests.own_postgres import cluster  # noqa: F401 - the private PostgreSQL fixture

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


def _job(engine, job_id: int) -> ImportJob:
    with Session(engine) as session:
        return session.get(ImportJob, job_id)


def _health(base: str) -> tuple[int, dict] | None:
    try:
        answer = requests.get(f"{base}/health", timeout=10)
    except (requests.ConnectionError, requests.Timeout):
        return None
    return answer.status_code, answer.json()


def test_postgresql_restart_mid_import_loses_nothing_and_does_nothing_twice(
        cluster, processes, redis_url, tmp_var, demo_roster):  # noqa: F811
    path, rows = demo_roster(households=6000, invalid=5)
    url = cluster.create_database("bansos_registry")
    schema.upgrade(url)
    env = {"REGISTRY_DATABASE_URL": url, "CELERY_BROKER_URL": redis_url, "REGISTRY_IMPORT_CHUNK_SIZE": "50",
           "BANSOS_VAR": str(tmp_var)}
    worker = processes.celery_worker("services.registry.worker", "registry", env, concurrency=1)
    port = free_port()
    api = processes.start("registry-api", [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
                                           "--workers", "1", "services.registry.app:create_app()"], env)
    base = f"http://127.0.0.1:{port}"
    log = lambda: f"worker log:\n{worker.log_path.read_text()[-4000:]}\napi log:\n{api.log_path.read_text()[-2000:]}"  # noqa: E731
    wait_for(lambda: (_health(base) or (0,))[0] == 200, timeout=60, message=log)
    app = create_app({"DATABASE_URL": url, "CELERY_BROKER_URL": redis_url})
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            job = create_import_job(session, path.name, str(path), "operator")
        contracts.send(app.extensions["celery"], "registry.import_roster", {"import_id": job.id})
        wait_for(lambda: _job(engine, job.id).processed_rows > 0, timeout=60, interval=0.02,
                 message="the import under way")
        assert _job(engine, job.id).status == "berjalan"
        engine.dispose()
        cluster.stop()  # every connection of the API and the worker is cut; new ones are refused

        status, body = _health(base)
        assert status == 503 and body["database"].startswith("error") and body["broker"] == "ok"
        wait_for(lambda: "Retry in" in worker.log_path.read_text(), timeout=60,
                 message=lambda: "the import task waiting for the database; " + log())
        time.sleep(2)  # a second retry while still down changes nothing either
        cluster.start()

        wait_for(lambda: (_health(base) or (0,))[0] == 200, timeout=60, message=log)
        done = wait_for(lambda: (j := _job(engine, job.id)).status in ("selesai", "gagal") and j, timeout=180,
                        message=log)
        assert done.status == "selesai", done.error
        assert (done.imported, done.rejected) == (len(rows) - 5, 5)
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(Person)) == len(rows) - 5
            assert session.scalar(select(func.count(func.distinct(Person.nik)))) == len(rows) - 5
            assert session.scalar(select(func.count()).select_from(AuditEntry)
                                  .where(AuditEntry.action == "import")) == 1
            assert verify(session).ok
        # The redelivered task is not run again after it finished (a late duplicate changes nothing).
        contracts.send(app.extensions["celery"], "registry.import_roster", {"import_id": job.id})
        time.sleep(2)
        assert _job(engine, job.id).finished_at == done.finished_at
    finally:
        engine.dispose()
