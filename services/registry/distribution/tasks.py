"""Celery tasks of distribution: thin wrappers over batches.export_batch and statements.apply_statement.

acks_late + reject_on_worker_lost (app-wide) mean a worker killed mid-task gets the task redelivered;
both functions resume or redo safely (files rewritten; conditional updates skip work already done).
"""
from __future__ import annotations

import logging

from services.common.contracts import contract_task
from services.common.db import current_database

from .batches import export_batch
from .common import DistributionError
from .statements import apply_statement
from .verification import record_sms_reply

log = logging.getLogger(__name__)


def register_distribution_tasks(celery) -> None:
    @contract_task(celery, "registry.export_payment_batch", soft_time_limit=3600)
    def export_payment_batch(payload: dict) -> dict:
        batch = export_batch(current_database().engine, payload["batch_id"], payload.get("requested_by", "sistem"))
        log.info("batch %s: %s (%s item)", batch.id, batch.status, batch.exported_items)
        return {"batch_id": batch.id, "status": batch.status}

    @contract_task(celery, "registry.import_bank_statement", soft_time_limit=3600)
    def import_bank_statement(payload: dict) -> dict:
        statement = apply_statement(current_database().engine, payload["statement_id"],
                                    payload.get("requested_by", "bank"))
        log.info("hasil bank %s: %s (dibayar %s, gagal %s, kembali %s, tetap %s)", statement.id, statement.status,
                 statement.paid, statement.failed, statement.returned, statement.unchanged)
        return {"statement_id": statement.id, "status": statement.status}

    @contract_task(celery, "registry.record_verification_reply")
    def record_verification_reply(payload: dict) -> dict:
        """A bad or foreign reply is logged and dropped: retrying it would never succeed."""
        session = current_database().session
        try:
            case = record_sms_reply(session, payload["text"], payload["phone"])
        except DistributionError as exc:
            session.rollback()
            log.warning("balasan verifikasi %s ditolak: %s", payload["message_key"], exc)
            return {"message_key": payload["message_key"], "status": "ditolak", "reason": str(exc)}
        return {"message_key": payload["message_key"], "status": "dicatat", "case_id": case.id}
