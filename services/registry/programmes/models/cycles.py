"""Programme cycles and the entitlements they produce: the frozen "who gets what, this round"."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registry.core.base import Base, utcnow
from services.registry.core.models.areas import InArea
from services.registry.people.models.people import Household, Person
from services.registry.programmes.models.programmes import Programme

# draft -> musyawarah -> disetujui (frozen by the kepala desa) -> selesai
CYCLE_STATUSES = ("draft", "musyawarah", "disetujui", "selesai")
# How an entitlement reaches the household.
ENTITLEMENT_CHANNELS = ("tunai", "bank", "barang")
# menunggu: not yet handed over; disalurkan: collected or paid; gagal: bank refused;
# dikembalikan: returned after payment; dibatalkan: cancelled by an approved change request.
ENTITLEMENT_STATUSES = ("menunggu", "disalurkan", "gagal", "dikembalikan", "dibatalkan")


class Cycle(InArea, Base):
    """One round of a programme (e.g. BLT-DD Januari 2027): candidates, decision, entitlements."""

    __tablename__ = "cycle"
    __area_from__ = "programme"
    __table_args__ = (UniqueConstraint("programme_id", "name", name="uq_cycle_programme_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft")  # one of CYCLE_STATUSES
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    programme: Mapped[Programme] = relationship()
    entitlements: Mapped[list[Entitlement]] = relationship(back_populates="cycle")

    @property
    def frozen(self) -> bool:
        return self.status in ("disetujui", "selesai")

    def __repr__(self) -> str:
        return self.name


class Entitlement(Base):
    """What one household is owed in one cycle; at most one per (cycle, household).

    ``snapshot`` holds the recipient's attributes as approved (name, NIK, KK, RT/RW, score...):
    later registry edits never change what was decided."""

    __tablename__ = "entitlement"
    __area_via__ = ("household_id", "household")
    __table_args__ = (UniqueConstraint("cycle_id", "household_id", name="uq_entitlement_cycle_household"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    package: Mapped[str | None] = mapped_column(String(200))  # in-kind goods, e.g. "beras 10 kg"
    channel: Mapped[str] = mapped_column(String(10), default="tunai")  # one of ENTITLEMENT_CHANNELS
    status: Mapped[str] = mapped_column(String(20), default="menunggu", index=True)
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    cycle: Mapped[Cycle] = relationship(back_populates="entitlements")
    programme: Mapped[Programme] = relationship()
    household: Mapped[Household] = relationship()
    recipient: Mapped[Person | None] = relationship()
