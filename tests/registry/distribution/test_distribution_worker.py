"""A real worker is SIGKILLed in the middle of applying a bank statement; after a new worker gets the
task again (Redis: redelivery of the unacknowledged task; embedded filesystem broker: the watchdog
re-sends it) nobody is paid twice, nothing is lost, and the ledger still verifies."""
from __future__ import annotations

import os
import signal
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.common import contracts
from services.common.db import make_engine
from services.registry import schema
from services.registry.app import create_app
from services.registry.distribution import batches, ledger, statements
from services.registry.distribution.watchdog import resend_stale
from services.registry.models import BankStatement, Entitlement, LedgerEntry, PaymentBatch, PaymentItem
from tests.fakes.bank_statement import write_result_csv
from tests.helpers import wait_for
from tests.helpers.builders import make_cycle

HOUSEHOLDS = 40


def _log(proc):
    return lambda: proc.log_path.read_text()[-4000:]


def _kill_midway_then_recover(processes, url: str, env: dict, tmp_path, watchdog: bool) -> None:
    schema.upgrade(url)
    env = {"REGISTRY_DATABASE_URL": url, "BANSOS_DEMO": "1", "REGISTRY_STATEMENT_CHUNK": "4",
           "REGISTRY_CHUNK_PAUSE": "0.4", **env}
    engine = make_engine(url)
    app = create_app({"DATABASE_URL": url, "CELERY_BROKER_URL": env["CELERY_BROKER_URL"] or "filesystem://"})
    celery = app.extensions["celery"]
    try:
        with Session(engine, expire_on_commit=False) as session:
            cycle = make_cycle(session, households=HOUSEHOLDS, channel="bank", with_accounts=True)
            batch, _ = batches.create_batch(session, cycle.id, "operator")
        first = processes.celery_worker("services.registry.worker", "registry", env, name="distrib-1", concurrency=1)
        contracts.send(celery, "registry.export_payment_batch", {"batch_id": batch.id})

        def exported():
            with Session(engine) as session:
                return session.get(PaymentBatch, batch.id).status == "siap"

        wait_for(exported, timeout=90, message=_log(first))
        with Session(engine, expire_on_commit=False) as session:
            items = session.execute(select(PaymentItem).order_by(PaymentItem.id)).scalars().all()
            result = write_result_csv(tmp_path / "hasil.csv",
                                      [(i.end_to_end_id, Decimal("300000"), "paid", None) for i in items])
            statement = statements.create_statement(session, result, "hasil.csv", "operator")
        contracts.send(celery, "registry.import_bank_statement", {"statement_id": statement.id})

        def midway():
            with Session(engine) as session:
                done = session.get(BankStatement, statement.id).processed_rows
                return done if 8 <= done < HOUSEHOLDS - 8 else None

        killed_at = wait_for(midway, timeout=90, interval=0.05, message=_log(first))
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        with Session(engine) as session:
            paid_before = session.execute(select(func.count()).select_from(PaymentItem)
                                          .where(PaymentItem.status == "dibayar")).scalar_one()
            assert session.get(BankStatement, statement.id).status == "berjalan"
        assert 0 < paid_before < HOUSEHOLDS, (killed_at, paid_before)

        second = processes.celery_worker("services.registry.worker", "registry", env, name="distrib-2",
                                         concurrency=1)
        if watchdog:
            with app.app_context(), Session(engine) as session:
                resent = resend_stale(session, celery, timedelta(seconds=0))
            assert resent == [("registry.import_bank_statement",
                               {"statement_id": statement.id, "requested_by": "watchdog"})]

        def finished():
            with Session(engine) as session:
                return session.get(BankStatement, statement.id).status == "selesai"

        wait_for(finished, timeout=120, message=_log(second))
        with Session(engine) as session:
            done = session.get(BankStatement, statement.id)
            assert (done.paid, done.rejections) == (HOUSEHOLDS, [])
            statuses = session.execute(select(Entitlement.status, func.count()).group_by(Entitlement.status)).all()
            assert statuses == [("disalurkan", HOUSEHOLDS)]
            paid = session.execute(select(LedgerEntry.entitlement_id)
                                   .where(LedgerEntry.event == "paid")).scalars().all()
            assert len(paid) == len(set(paid)) == HOUSEHOLDS  # each entitlement paid exactly once
            assert ledger.verify(session).ok
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.slow
def test_killed_worker_pays_nobody_twice_on_postgres_and_redis(processes, pg, redis_url, tmp_var, tmp_path):
    env = {"CELERY_BROKER_URL": redis_url, "BANSOS_VAR": str(tmp_var),
           # A killed worker's unacknowledged task comes back to the queue after 3 s, swept every second.
           "CELERY_VISIBILITY_TIMEOUT": "3", "CELERY_UNACKED_RESTORE_INTERVAL": "1"}
    _kill_midway_then_recover(processes, pg.create("distrib_kill"), env, tmp_path, watchdog=False)


@pytest.mark.slow
def test_killed_worker_pays_nobody_twice_on_sqlite_with_the_watchdog(processes, tmp_var, tmp_path):
    env = {"CELERY_BROKER_URL": "", "REDIS_URL": "", "BANSOS_VAR": str(tmp_var)}
    _kill_midway_then_recover(processes, f"sqlite:///{tmp_var / 'registry.db'}", env, tmp_path, watchdog=True)
