"""`registry.generate_entitlements` through a real Celery worker: chunked (the task re-sends itself),
sent twice, and still exactly one entitlement per household; PostgreSQL + Redis and SQLite + filesystem."""
from __future__ import annotations

import signal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.common import contracts
from services.common.db import make_engine
from services.registry import schema
from services.registry.app import create_app
from services.registry.models import CyclePlan, Entitlement
from services.registry.programmes import approval
from services.registry.programmes.entitlements import generate_chunk
from tests.helpers import wait_for
from tests.helpers.cli import bansos
from tests.registry.village import decided_cycle

HOUSEHOLDS = 23
CHUNK = 5  # 5 chunks: the task must hand over to itself four times


def _generate_through_worker(processes, url: str, broker_env: dict) -> None:
    schema.upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            cycle, *_ = decided_cycle(session, households=HOUSEHOLDS, budget=10_000_000)
            approval.approve(session, cycle, "kepala_desa")
            session.commit()
        worker = processes.celery_worker("services.registry.worker", "registry",
                                         {"REGISTRY_DATABASE_URL": url, "REGISTRY_ENTITLEMENT_CHUNK_SIZE": str(CHUNK),
                                          **broker_env})
        app = create_app({"DATABASE_URL": url, **({"CELERY_BROKER_URL": broker_env["CELERY_BROKER_URL"]}
                                                  if broker_env.get("CELERY_BROKER_URL") else {})})
        celery = app.extensions["celery"]
        contracts.send(celery, "registry.generate_entitlements", {"cycle_id": cycle.id})
        contracts.send(celery, "registry.generate_entitlements", {"cycle_id": cycle.id})  # a repeat changes nothing

        def finished():
            assert worker.poll() is None, worker.log_path.read_text()
            with Session(engine) as session:
                plan = session.get(CyclePlan, cycle.id)
                return plan if plan.generation_status == "selesai" else None

        plan = wait_for(finished, timeout=90, message=lambda: worker.log_path.read_text()[-4000:])
        # Every chunk re-sent the task until one came back short; wait until the fan-out has drained.
        wait_for(lambda: worker.log_path.read_text().count("succeeded") >= 6, timeout=60,
                 message=lambda: worker.log_path.read_text()[-4000:])
        log = worker.log_path.read_text()
        assert "raised" not in log, log[-4000:]
        with Session(engine) as session:
            count = session.execute(select(func.count(Entitlement.id)).where(Entitlement.cycle_id == cycle.id))
            households = session.execute(select(func.count(func.distinct(Entitlement.household_id)))
                                         .where(Entitlement.cycle_id == cycle.id))
            assert (count.scalar_one(), households.scalar_one(), plan.generated_count) == (HOUSEHOLDS,) * 3
        processes.stop(worker, sig=signal.SIGKILL)  # every task acked: nothing to lose, no 15 s warm stop
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.slow
def test_generate_entitlements_on_postgres_and_redis(processes, pg, redis_url, tmp_var):
    _generate_through_worker(processes, pg.create("entitlements"), {"CELERY_BROKER_URL": redis_url})


@pytest.mark.slow
def test_generate_entitlements_on_sqlite_and_the_filesystem_broker(processes, tmp_var):
    env = {"CELERY_BROKER_URL": "", "REDIS_URL": "", "BANSOS_VAR": str(tmp_var)}
    _generate_through_worker(processes, f"sqlite:///{tmp_var / 'registry.db'}", env)


def test_resume_entitlements_resends_only_unfinished_approved_cycles(tmp_var):
    """The watchdog command: queue one task per approved cycle whose generation is not finished."""
    import json

    url = f"sqlite:///{tmp_var / 'registry.db'}"
    schema.upgrade(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        finished, *_ = decided_cycle(session, households=2, code="DONE", first=50)
        approval.approve(session, finished, "kepala_desa")
        generate_chunk(session, finished.id)
        cycle, *_ = decided_cycle(session, households=2)
        approval.approve(session, cycle, "kepala_desa")
        session.commit()
    engine.dispose()
    done = bansos("resume-entitlements", url=url, var=tmp_var, demo=False, CELERY_BROKER_URL="", REDIS_URL="")
    assert done.returncode == 0, done.stderr
    assert f"1 siklus dikirim ulang: {cycle.id}" in done.stdout
    messages = list((tmp_var / "broker").glob("*.registry.msg"))
    assert len(messages) == 1 and "registry.generate_entitlements" in json.dumps(json.loads(messages[0].read_text()))
