"""Every ``notifications.send_batch`` payload, kept in the registry until notifications says it stored it.

A batch lost in the broker before the notifications worker stored it would lose its recipients; the
registry beat sends an unacknowledged row again (outreach/outbox.py). Storing a batch twice adds nothing,
since notifications keys every message by (campaign, recipient, channel)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.registry.core.base import Base, utcnow


class OutboxBatch(Base):
    __tablename__ = "outbox_batch"
    __table_args__ = (UniqueConstraint("campaign_key", "batch_no", name="uq_outbox_batch"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_key: Mapped[str] = mapped_column(String(200))
    batch_no: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # last (re)send
    sends: Mapped[int] = mapped_column(Integer, default=1)
    # Set by ``registry.batch_stored`` (notifications' reply) or when the watchdog gives up.
    acked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
