"""What residents send in: complaints (with a tracking code to follow them) and an inbox for everything else.

Filled from inbound SMS/WhatsApp by the ``registry.record_inbound`` task (keyed by the provider's message
id, so a webhook retried by the provider records nothing twice); the web form can add to the same tables."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow

COMPLAINT_STATUSES = ("baru", "diproses", "selesai", "ditolak")


class Complaint(Base):
    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(20), unique=True)
    source_key: Mapped[str | None] = mapped_column(String(200), unique=True)  # inbound message key (idempotency)
    category: Mapped[str] = mapped_column(String(50), default="umum")
    channel: Mapped[str] = mapped_column(String(20))  # sms / whatsapp / web / langsung
    phone: Mapped[str | None] = mapped_column(String(20))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="baru", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


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
