"""The inbox: inbound SMS/WhatsApp that is neither a complaint (models/complaints.py) nor an opt-out.

Filled by the ``registry.record_inbound`` task, keyed by the provider's message id, so a webhook the
provider retried records nothing twice."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.registry.core.base import Base, utcnow


class InboxMessage(Base):
    """An inbound message that is neither a complaint nor an opt-out, for staff to read and answer.

    ``kind`` leaves room for replies the system expects (e.g. "verifikasi" for a payment-verification
    answer, to be wired later); plain messages are "pesan"."""

    __tablename__ = "inbox_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(20))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="pesan")
    text: Mapped[str] = mapped_column(Text)
    handled: Mapped[bool] = mapped_column(default=False)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
