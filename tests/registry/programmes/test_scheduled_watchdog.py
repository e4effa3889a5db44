"""The registry's own beat runs the watchdog: an entitlement generation stopped mid-way (its worker gone, its
heartbeat stale) is finished with no manual step, the pass is recorded for the admin, /health counts it."""
from __future__ import annotations

import sys
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from services.common.db import make_engine, utcnow
from services.registry import schema
from services.registry.app import create_app
from services.registry.config import load_config
from services.registry.models import CyclePlan, Entitlement, WatchdogRun
from services.registry.programmes import approval
from services.registry.programmes.entitlements import generate_chunk
from tests.helpers import wait_for
from tests.registry.village import decided_cycle

HOUSEHOLDS = 12


def test_the_beat_schedule_is_the_registrys_own(tmp_var):
    schedule = load_config()["CELERY_BEAT_SCHEDULE"]
    assert [entry["task"] for entry in schedule.values()] == ["registry.run_watchdogs"]
    assert schedule["registry-watchdogs"]["options"] == {"queue": "registry"}


def test_a_generation_stopped_mid_way_is_finished_by_the_scheduled_watchdog(processes, tmp_var, monkeypatch):
    url = f"sqlite:///{tmp_var / 'registry.db'}"
    schema.upgrade(url)
    engine = make_engine(url)
    env = {"REGISTRY_DATABASE_URL": url, "CELERY_BROKER_URL": "", "REDIS_URL": "", "BANSOS_VAR": str(tmp_var),
           "REGISTRY_ENTITLEMENT_CHUNK_SIZE": "5", "REGISTRY_WATCHDOG_INTERVAL_SECONDS": "1",
           "REGISTRY_WATCHDOG_STALE_SECONDS": "60"}
    try:
        with Session(engine, expire_on_commit=False) as session:
            cycle, *_ = decided_cycle(session, households=HOUSEHOLDS, budget=10_000_000)
            approval.approve(session, cycle, "kepala_desa")
            generate_chunk(session, cycle.id, 5)  # the first chunk, then the worker "died": no task is queued
            session.execute(update(CyclePlan).where(CyclePlan.cycle_id == cycle.id)
                            .values(generation_updated_at=utcnow() - timedelta(hours=1)))
            session.commit()
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        app = create_app({"DATABASE_URL": url})
        health = app.test_client().get("/health").get_json()
        assert health["stuck_jobs"] == 1

        worker = processes.celery_worker("services.registry.worker", "registry", env)
        processes.start("registry-beat", [sys.executable, "-m", "celery", "-A", "services.registry.worker", "beat",
                                          "-s", str(tmp_var / "registry-beat-schedule"), "--loglevel", "INFO"], env)

        def finished():
            assert worker.poll() is None, worker.log_path.read_text()
            with Session(engine) as session:
                return session.get(CyclePlan, cycle.id).generation_status == "selesai"

        wait_for(finished, timeout=90, message=lambda: worker.log_path.read_text()[-4000:])
        with Session(engine) as session:
            count = session.scalar(select(func.count(Entitlement.id)).where(Entitlement.cycle_id == cycle.id))
            distinct = session.scalar(select(func.count(func.distinct(Entitlement.household_id)))
                                      .where(Entitlement.cycle_id == cycle.id))
            assert (count, distinct) == (HOUSEHOLDS, HOUSEHOLDS)
            runs = session.scalars(select(WatchdogRun).order_by(WatchdogRun.id)).all()
            assert runs[0].entitlements == 1 and f"siklus {cycle.id}" in runs[0].detail
        assert app.test_client().get("/health").get_json()["stuck_jobs"] == 0
    finally:
        engine.dispose()
