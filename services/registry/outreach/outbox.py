"""The registry's outbox of ``notifications.send_batch`` payloads (models: outreach/models/outbox.py).

Each payload is written in the sender's transaction before it is sent; notifications replies with
``registry.batch_stored`` once the batch is in its database. The registry beat (``registry.run_watchdogs``)
sends an unacknowledged batch again after a while: a batch lost in the broker is stored late, never
lost, and a batch stored twice adds no message (notifications keys them by campaign and recipient)."""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from services.common import contracts
from services.common.db import utcnow
from services.registry.outreach.models.outbox import OutboxBatch

log = logging.getLogger(__name__)

TASK = "notifications.send_batch"
# A batch sent this many times without a reply is left alone (notifications rejects it, or is gone for
# good); the row stays for the operator, with its payload.
MAX_SENDS = 10
# Acknowledged payloads (phone numbers among them) are deleted after this long.
KEEP_ACKED = timedelta(days=30)


def keep(session: Session, payload: dict) -> None:
    """Write the payload to the outbox (a second send of the same campaign batch keeps the first row)."""
    exists = session.scalar(select(OutboxBatch.id).where(OutboxBatch.campaign_key == payload["campaign_key"],
                                                         OutboxBatch.batch_no == payload["batch_no"]))
    if exists is None:
        session.add(OutboxBatch(campaign_key=payload["campaign_key"], batch_no=payload["batch_no"],
                                payload=payload, sent_at=utcnow(), sends=1))
        session.flush()


def acknowledge(session: Session, campaign_key: str, batch_no: int) -> int:
    result = session.execute(update(OutboxBatch).where(
        OutboxBatch.campaign_key == campaign_key, OutboxBatch.batch_no == batch_no,
        OutboxBatch.acked_at.is_(None)).values(acked_at=utcnow()))
    return result.rowcount


def unacknowledged(session: Session, older_than: timedelta) -> list[OutboxBatch]:
    return list(session.scalars(select(OutboxBatch).where(
        OutboxBatch.acked_at.is_(None), OutboxBatch.sends < MAX_SENDS,
        OutboxBatch.sent_at <= utcnow() - older_than).order_by(OutboxBatch.id)))


def resend_unacknowledged(session: Session, celery, older_than: timedelta) -> list[OutboxBatch]:
    """Send again every batch notifications has not acknowledged for ``older_than``; the caller commits."""
    session.execute(delete(OutboxBatch).where(OutboxBatch.acked_at <= utcnow() - KEEP_ACKED))
    rows = unacknowledged(session, older_than)
    for row in rows:
        row.sends += 1
        row.sent_at = utcnow()
        contracts.send(celery, TASK, row.payload)
        if row.sends >= MAX_SENDS:
            log.warning("kampanye %s batch %s: %s kali dikirim tanpa balasan notifikasi; tidak dikirim lagi",
                        row.campaign_key, row.batch_no, row.sends)
    return rows
