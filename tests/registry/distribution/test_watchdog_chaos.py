"""The registry worker SIGKILLed (its whole process group) during an entitlement generation and during a
payment export, and Redis emptied as if restarted without persistence: only the registry's own beat and
watchdog are left to notice. Each job finishes with no manual step, and nothing is done twice."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.common import contracts
from services.common.db import make_engine
from services.registry import schema
from services.registry.app import create_app
from services.registry.distribution import batches
from services.registry.models import CyclePlan, Entitlement, PaymentBatch, PaymentItem, WatchdogRun
from services.registry.programmes import approval
from tests.helpers import free_port, wait_for
from tests.helpers.builders import make_cycle
from tests.helpers.servers import redis_pings, redis_server
from tests.registry.village import decided_cycle

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

STALE_SECONDS = 3


def _log(proc):
    return lambda: proc.log_path.read_text()[-4000:]


@pytest.fixture
def broker():
    port = free_port()
    server = redis_server(port, own_session=True)
    wait_for(lambda: redis_pings(port), timeout=15, message="redis-server up")
    yield port, f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(10)


def _kill_and_forget(worker, port: int) -> float:
    """SIGKILL the worker's process group and empty Redis; returns when it happened."""
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    subprocess.run(["redis-cli", "-p", str(port), "FLUSHALL"], check=True, capture_output=True)
    return time.monotonic()


def _recover(processes, env: dict, tmp_var, name: str):
    """A new worker and the registry beat, ticking every second."""
    env = {**env, "REGISTRY_WATCHDOG_INTERVAL_SECONDS": "1", "REGISTRY_WATCHDOG_STALE_SECONDS": str(STALE_SECONDS)}
    worker = processes.celery_worker("services.registry.worker", "registry", env, name=f"{name}-2", concurrency=1)
    processes.start(f"{name}-beat", [sys.executable, "-m", "celery", "-A", "services.registry.worker", "beat",
                                     "-s", str(tmp_var / f"{name}-beat-schedule"), "--loglevel", "INFO"], env)
    return worker


def test_a_killed_entitlement_generation_is_finished_by_the_beat(processes, pg, broker, tmp_var):
    port, broker_url = broker
    households = 300
    url = pg.create("chaos_generation")
    schema.upgrade(url)
    env = {"REGISTRY_DATABASE_URL": url, "CELERY_BROKER_URL": broker_url, "REGISTRY_ENTITLEMENT_CHUNK_SIZE": "3",
           "BANSOS_VAR": str(tmp_var)}
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            cycle, *_ = decided_cycle(session, households=households, budget=1_000_000_000)
            approval.approve(session, cycle, "kepala_desa")
            session.commit()
        first = processes.celery_worker("services.registry.worker", "registry", env, name="gen-1", concurrency=1)
        app = create_app({"DATABASE_URL": url, "CELERY_BROKER_URL": broker_url})
        contracts.send(app.extensions["celery"], "registry.generate_entitlements", {"cycle_id": cycle.id})

        def midway():
            with Session(engine) as session:
                done = session.get(CyclePlan, cycle.id).generated_count or 0
                return done if 9 <= done < households - 30 else None

        wait_for(midway, timeout=90, interval=0.02, message=_log(first))
        killed = _kill_and_forget(first, port)
        second = _recover(processes, env, tmp_var, "gen")

        def finished():
            with Session(engine) as session:
                return session.get(CyclePlan, cycle.id).generation_status == "selesai"

        wait_for(finished, timeout=120, message=_log(second))
        print(f"\nentitlement generation recovered {time.monotonic() - killed:.1f} s after the kill")
        with Session(engine) as session:
            count = session.scalar(select(func.count(Entitlement.id)).where(Entitlement.cycle_id == cycle.id))
            distinct = session.scalar(select(func.count(func.distinct(Entitlement.household_id)))
                                      .where(Entitlement.cycle_id == cycle.id))
            assert count == distinct == session.get(CyclePlan, cycle.id).generated_count > 0
            assert any(f"siklus {cycle.id}" in run.detail for run in session.scalars(select(WatchdogRun)))
    finally:
        engine.dispose()


def test_a_killed_payment_export_is_finished_by_the_beat(processes, pg, broker, tmp_var):
    port, broker_url = broker
    households = 40
    url = pg.create("chaos_export")
    schema.upgrade(url)
    env = {"REGISTRY_DATABASE_URL": url, "CELERY_BROKER_URL": broker_url, "BANSOS_DEMO": "1",
           "REGISTRY_PAYMENT_CHUNK": "4", "REGISTRY_CHUNK_PAUSE": "0.3", "BANSOS_VAR": str(tmp_var)}
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            cycle = make_cycle(session, households=households, channel="bank", with_accounts=True)
            batch, _ = batches.create_batch(session, cycle.id, "operator")
        first = processes.celery_worker("services.registry.worker", "registry", env, name="exp-1", concurrency=1)
        app = create_app({"DATABASE_URL": url, "CELERY_BROKER_URL": broker_url})
        contracts.send(app.extensions["celery"], "registry.export_payment_batch", {"batch_id": batch.id})

        def midway():
            with Session(engine) as session:
                one = session.get(PaymentBatch, batch.id)
                return one.exported_items if one.status == "mengekspor" and 8 <= one.exported_items < 32 else None

        wait_for(midway, timeout=90, interval=0.02, message=_log(first))
        killed = _kill_and_forget(first, port)
        with Session(engine) as session:
            assert session.get(PaymentBatch, batch.id).status == "mengekspor"
        second = _recover(processes, env, tmp_var, "exp")

        def exported():
            with Session(engine) as session:
                return session.get(PaymentBatch, batch.id).status == "siap"

        wait_for(exported, timeout=120, message=_log(second))
        print(f"\npayment export recovered {time.monotonic() - killed:.1f} s after the kill")
        with Session(engine) as session:
            done = session.get(PaymentBatch, batch.id)
            items = session.scalar(select(func.count(PaymentItem.id)).where(PaymentItem.batch_id == batch.id))
            assert done.exported_items == done.item_count == items == households
            assert any(f"batch {batch.id}" in run.detail for run in session.scalars(select(WatchdogRun)))
    finally:
        engine.dispose()
