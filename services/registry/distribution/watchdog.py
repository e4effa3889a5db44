"""Watchdog for stuck jobs: entitlement generations, exports and statement imports whose heartbeat went stale,
and notification batches notifications has not acknowledged (outreach/outbox.py).

The registry's own beat runs ``run_watchdogs`` every few minutes (``registry.run_watchdogs``); each pass
is a ``WatchdogRun`` row the admin lists, and /health counts what is stuck right now.

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
from services.registry.models import BankStatement, Cycle, CyclePlan, PaymentBatch, WatchdogRun
from services.registry.outreach.outbox import resend_unacknowledged, unacknowledged


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


def stale_generations(session: Session, older_than: timedelta) -> list[int]:
    """Approved cycles whose entitlement generation has not moved for ``older_than`` (or never started)."""
    cutoff = utcnow() - older_than
    return list(session.scalars(select(CyclePlan.cycle_id).join(Cycle, Cycle.id == CyclePlan.cycle_id).where(
        Cycle.status == "disetujui", CyclePlan.generation_status != "selesai",
        or_(CyclePlan.generation_updated_at.is_(None), CyclePlan.generation_updated_at <= cutoff),
    ).order_by(CyclePlan.cycle_id)))


def stuck_count(session: Session, older_than: timedelta) -> int:
    return (len(stale_generations(session, older_than)) + len(stale_jobs(session, older_than))
            + len(unacknowledged(session, older_than)))


def run_watchdogs(session: Session, celery, older_than: timedelta) -> WatchdogRun:
    """Re-send every stuck job (each resumes idempotently) and record the pass; the caller commits."""
    cycles = stale_generations(session, older_than)
    for cycle_id in cycles:
        contracts.send(celery, "registry.generate_entitlements", {"cycle_id": cycle_id})
    jobs = resend_stale(session, celery, older_than)
    outbox = resend_unacknowledged(session, celery, older_than)
    exports = [p["batch_id"] for name, p in jobs if name == "registry.export_payment_batch"]
    statements = [p["statement_id"] for name, p in jobs if name == "registry.import_bank_statement"]
    detail = "; ".join(f"{label} {', '.join(map(str, ids))}" for label, ids in
                       (("siklus", cycles), ("batch", exports), ("hasil bank", statements),
                        ("kampanye", [f"{row.campaign_key}/{row.batch_no}" for row in outbox])) if ids)
    run = WatchdogRun(entitlements=len(cycles), exports=len(exports), statements=len(statements),
                      detail=(detail or "tidak ada yang macet")[:500])
    session.add(run)
    return run
