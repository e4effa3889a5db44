"""`registry.rescore` through a real Celery worker process (SQLite + the filesystem broker)."""
from __future__ import annotations

import signal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common import contracts
from services.common.db import make_engine
from services.registry import schema
from services.registry.app import create_app
from services.registry.models import HouseholdWelfare
from services.registry.surveys.responses import record_response
from tests.helpers import wait_for
from tests.registry.surveys.survey_helpers import bps_answers, setup_registry


@pytest.mark.slow
def test_rescore_task_ranks_the_registry_in_a_worker(processes, tmp_var):
    url = f"sqlite:///{tmp_var / 'registry.db'}"
    schema.upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            households, bps, _ = setup_registry(session, 3)
            for household, yes in zip(households, (12, 2, 7), strict=True):
                record_response(session, instrument=bps, household=household, answers=bps_answers(yes),
                                source="api", actor="penguji")
            session.commit()
        worker = processes.celery_worker("services.registry.worker", "registry", {
            "REGISTRY_DATABASE_URL": url, "CELERY_BROKER_URL": "", "REDIS_URL": "", "BANSOS_VAR": str(tmp_var)})
        celery = create_app({"DATABASE_URL": url}).extensions["celery"]
        contracts.send(celery, "registry.rescore", {"rescore_key": "uji-1", "requested_by": "penguji"})
        contracts.send(celery, "registry.rescore", {"rescore_key": "uji-1", "requested_by": "penguji"})

        def ranked():
            assert worker.poll() is None, worker.log_path.read_text()
            with Session(engine) as session:
                rows = session.scalars(select(HouseholdWelfare)).all()
                return {r.household_id: (r.rank, r.band) for r in rows} if len(rows) == 3 else None

        got = wait_for(ranked, timeout=60, message=lambda: worker.log_path.read_text()[-3000:])
        assert sorted(got.values()) == [(1, "miskin"), (2, "rentan"), (3, "tidak_miskin")]
        wait_for(lambda: worker.log_path.read_text().count("registry.rescore[") >= 4, timeout=60,
                 message=lambda: worker.log_path.read_text()[-3000:])
        assert "raised" not in worker.log_path.read_text()
        processes.stop(worker, sig=signal.SIGKILL)  # the work is done and checked: no 15 s warm shutdown
    finally:
        engine.dispose()
