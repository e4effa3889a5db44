"""The hash-chained, append-only ledger of every disbursement event (paid, collected, returned, corrected)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from services.registry.core.base import Base, utcnow

# repaid: a revolving-loan instalment paid back into the funding source (capital grants only).
LEDGER_EVENTS = ("paid", "collected", "returned", "corrected", "repaid")


class LedgerEntry(Base):
    """One event; ``hash`` = sha256(canonical JSON of the fields + ``prev_hash``), see registry/ledger.py."""

    __tablename__ = "ledger_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)  # 1, 2, 3... with no gap: a gap is a deleted row
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


class LedgerHead(Base):
    """The single row (id 1) every append locks: it serialises writers and remembers the last seq and
    hash, so that deleting the newest entries is detected too."""

    __tablename__ = "ledger_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))
