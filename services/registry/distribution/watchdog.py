"""Watchdog for stuck distribution jobs: exports and statement imports whose heartbeat went stale.

Redis redelivers a dead worker's task by itself (acks_late); the embedded filesystem broker does not,
and a task can be lost between "row committed" and "task sent". Re-sending is always safe: both
tasks resume or redo idempotently.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from services.common import contracts
from services.common.db import utcnow
from services.registry.models import BankStatement, PaymentBatch


def stale_jobs(session: Session, older_than: timedelta) -> list[tuple[str, dict]]:
    cutoff = utcnow() - older_than
    jobs = []
    for batch_id in session.execute(select(PaymentBatch.id).where(or_(
        and_(PaymentBatch.status == "mengekspor", PaymentBatch.heartbeat_at <= cutoff),
        and_(PaymentBatch.status == "baru", PaymentBatch.created_at <= cutoff),
    )).order_by(PaymentBatch.id)).scalars():
        jobs.append(("registry.export_payment_batch", {"batch_id": batch_id, "requested_by": "watchdog"}))
    for statement_id in session.execute(select(BankStatement.id).where(or_(
        and_(BankStatement.status == "berjalan", BankStatement.heartbeat_at <= cutoff),
        and_(BankStatement.status == "menunggu", BankStatement.created_at <= cutoff),
    )).order_by(BankStatement.id)).scalars():
        jobs.append(("registry.import_bank_statement", {"statement_id": statement_id, "requested_by": "watchdog"}))
    return jobs


def resend_stale(session: Session, celery, older_than: timedelta) -> list[tuple[str, dict]]:
    jobs = stale_jobs(session, older_than)
    for name, payload in jobs:
        contracts.send(celery, name, payload)
    return jobs
