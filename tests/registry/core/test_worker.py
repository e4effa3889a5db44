"""`registry.import_roster` through a real Celery worker process: PostgreSQL + Redis, and SQLite + filesystem."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.common import contracts
from services.common.db import make_engine
from services.registry import schema
from services.registry.app import create_app
from services.registry.models import AuditEntry, ImportJob, Person
from services.registry.people.importer.jobs import create_import_job
from tests.helpers import wait_for


def _deliveries_handled(log_path) -> int:
    """Deliveries the worker finished, successfully or not (a crash must not look like a hang)."""
    return len(re.findall(r"registry\.import_roster\[[^\]]+\] (?:succeeded|raised)", log_path.read_text()))


def _identifiers(roster_path) -> set[str]:
    import csv

    with open(roster_path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {row[column] for row in rows for column in ("NIK", "NO_KK") if len(row.get(column) or "") == 16}


def _import_through_worker(processes, url: str, broker_env: dict, roster_path, expected_valid: int) -> None:
    schema.upgrade(url)
    worker = processes.celery_worker("services.registry.worker", "registry",
                                     {"REGISTRY_DATABASE_URL": url, **broker_env})
    app = create_app({"DATABASE_URL": url, **({"CELERY_BROKER_URL": broker_env["CELERY_BROKER_URL"]}
                                              if broker_env.get("CELERY_BROKER_URL") else {})})
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            job = create_import_job(session, roster_path.name, str(roster_path), "operator")
        celery = app.extensions["celery"]
        # Sent twice: a redelivered or repeated task must not import anything a second time.
        contracts.send(celery, "registry.import_roster", {"import_id": job.id})
        contracts.send(celery, "registry.import_roster", {"import_id": job.id})

        def finished():
            with Session(engine) as session:
                found = session.get(ImportJob, job.id)
                assert worker.poll() is None, worker.log_path.read_text()
                return found if found.status in ("selesai", "gagal") else None

        done = wait_for(finished, timeout=60, message="import job finished by the worker")
        assert (done.status, done.imported, done.rejected) == ("selesai", expected_valid, 3), done.error
        wait_for(lambda: _deliveries_handled(worker.log_path) >= 2, timeout=60,
                 message=lambda: f"both deliveries handled; worker log:\n{worker.log_path.read_text()[-4000:]}")
        log_text = worker.log_path.read_text()
        assert "raised" not in log_text, log_text[-4000:]
        # Personal data stays out of logs: no NIK or KK of the roster appears in the worker's output.
        leaked = [value for value in _identifiers(roster_path) if value in log_text]
        assert leaked == [], f"NIK/KK di log worker: {leaked[:3]}"
        with Session(engine) as session:
            assert session.execute(select(func.count()).select_from(Person)).scalar_one() == expected_valid
            assert session.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == 1
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.slow
def test_import_task_on_postgres_and_redis(processes, pg, redis_url, tmp_var, demo_roster):
    path, rows = demo_roster(households=40, invalid=3)
    env = {"CELERY_BROKER_URL": redis_url}
    _import_through_worker(processes, pg.create("registry_worker"), env, path, len(rows) - 3)


@pytest.mark.slow
def test_import_task_on_sqlite_and_the_filesystem_broker(processes, tmp_var, demo_roster):
    path, rows = demo_roster(households=40, invalid=3)
    env = {"CELERY_BROKER_URL": "", "REDIS_URL": "", "BANSOS_VAR": str(tmp_var)}
    _import_through_worker(processes, f"sqlite:///{tmp_var / 'registry.db'}", env, path, len(rows) - 3)
