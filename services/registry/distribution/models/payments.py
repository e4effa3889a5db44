"""Bank transfers: payment batches and their items, and the bank statements that settle them."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registry.core.base import Base, utcnow
from services.registry.distribution.models.bank import BankAccount
from services.registry.programmes.models.cycles import Cycle, Entitlement

# baru -> mengekspor -> siap (files written) ; gagal when the export itself failed.
BATCH_STATUSES = ("baru", "mengekspor", "siap", "gagal")
# dikirim: in an exported batch; dibayar: the bank paid it; gagal: the bank refused it (may be re-batched);
# dikembalikan: paid, then returned by the bank.
ITEM_STATUSES = ("dikirim", "dibayar", "gagal", "dikembalikan")
JOB_STATUSES = ("menunggu", "berjalan", "selesai", "gagal")


class PaymentBatch(Base):
    __tablename__ = "payment_batch"
    __area_via__ = ("cycle_id", "cycle")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    reference: Mapped[str] = mapped_column(String(35), unique=True)  # pain.001 MsgId
    status: Mapped[str] = mapped_column(String(20), default="baru")
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    total_amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=0)
    exported_items: Mapped[int] = mapped_column(Integer, default=0)  # progress of the export task
    csv_path: Mapped[str | None] = mapped_column(String(500))
    xml_path: Mapped[str | None] = mapped_column(String(500))
    export_format: Mapped[str | None] = mapped_column(String(30))  # banks.FORMATS code; None: the default
    export_path: Mapped[str | None] = mapped_column(String(500))  # the file in that format
    error: Mapped[str | None] = mapped_column(Text)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # for the watchdog
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    exported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    cycle: Mapped[Cycle] = relationship()
    items: Mapped[list[PaymentItem]] = relationship(back_populates="batch", order_by="PaymentItem.id")

    @property
    def progress_percent(self) -> int:
        return 100 if not self.item_count else int(100 * self.exported_items / self.item_count)


class PaymentItem(Base):
    """One transfer to one recipient. ``live_entitlement_id`` equals ``entitlement_id`` while the item
    can still pay (dikirim/dibayar) and is NULL once it failed: its unique constraint means an
    entitlement is in at most one live item, so a re-batch can never pay anyone twice."""

    __tablename__ = "payment_item"
    __area_via__ = ("entitlement_id", "entitlement")
    __table_args__ = (UniqueConstraint("batch_id", "entitlement_id", name="uq_payment_item_batch_entitlement"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("payment_batch.id"), index=True)
    entitlement_id: Mapped[int] = mapped_column(ForeignKey("entitlement.id"), index=True)
    live_entitlement_id: Mapped[int | None] = mapped_column(ForeignKey("entitlement.id"), unique=True)
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("bank_account.id"))
    end_to_end_id: Mapped[str] = mapped_column(String(35), unique=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    status: Mapped[str] = mapped_column(String(20), default="dikirim", index=True)
    reason_code: Mapped[str | None] = mapped_column(String(35))
    settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    batch: Mapped[PaymentBatch] = relationship(back_populates="items")
    entitlement: Mapped[Entitlement] = relationship(foreign_keys=[entitlement_id])
    bank_account: Mapped[BankAccount] = relationship()


class BankStatement(Base):
    """An uploaded bank result file (CSV or camt.053) and the chunked progress of applying it."""

    __tablename__ = "bank_statement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(String(500))
    file_format: Mapped[str] = mapped_column(String(10))  # csv / camt053
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycle.id"))  # whose paying account it must be
    message_version: Mapped[str | None] = mapped_column(String(30))  # e.g. camt.053.001.08
    # Entries in the file, balances and totals as the bank reported them (the upload report).
    summary: Mapped[dict | None] = mapped_column(JSON)
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20), default="menunggu")  # one of JOB_STATUSES
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)
    paid: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    returned: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejections: Mapped[list] = mapped_column(JSON, default=list)  # [{"row": n, "ref": ..., "reason": ...}]
    error: Mapped[str | None] = mapped_column(Text)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def progress_percent(self) -> int:
        return 0 if not self.total_rows else int(100 * self.processed_rows / self.total_rows)
