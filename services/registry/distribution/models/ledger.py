"""The hash-chained, append-only ledger of every disbursement event (paid, collected, returned, corrected)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.registry.core.base import Base, utcnow
from services.registry.core.models.areas import InArea

# repaid: a revolving-loan instalment paid back into the funding source (capital grants only).
LEDGER_EVENTS = ("paid", "collected", "returned", "corrected", "repaid")


class LedgerEntry(InArea, Base):
    """One event; ``hash`` = sha256(canonical JSON of the fields + ``prev_hash``), see registry/ledger.py.

    Each desa keeps its own chain: ``area_id`` is the village of the household the event is about, and
    ``seq`` counts within that village's chain."""

    __tablename__ = "ledger_entry"
    __table_args__ = (UniqueConstraint("area_id", "seq", name="uq_ledger_entry_area_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, 3... per area with no gap: a gap is a deleted row
    # An entitlement's event carries its cycle; a business-capital payout or repayment has no cycle and
    # carries its grant instead (exactly one of the two is set).
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycle.id"), index=True)
    capital_grant_id: Mapped[int | None] = mapped_column(ForeignKey("capital_grant.id"), index=True)
    entitlement_id: Mapped[int | None] = mapped_column(ForeignKey("entitlement.id"), index=True)
    event: Mapped[str] = mapped_column(String(20))  # one of LEDGER_EVENTS
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class LedgerHead(InArea, Base):
    """One row per area's chain that every append to that chain locks: it serialises writers and
    remembers the last seq and hash, so that deleting the newest entries is detected too."""

    __tablename__ = "ledger_head"
    __table_args__ = (UniqueConstraint("area_id", name="uq_ledger_head_area"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))
