"""Musyawarah (village meetings that decide recipients) and change requests after the freeze."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registry.core.base import Base, utcnow
from services.registry.people.models.people import Household
from services.registry.programmes.models.cycles import Cycle, Entitlement

MUSYAWARAH_KINDS = ("musdus", "musdes", "musdesus")
DECISIONS = ("disetujui", "ditolak", "ditambahkan")
CHANGE_KINDS = ("tambah", "hapus", "ubah_nilai")
CHANGE_STATUSES = ("diajukan", "disetujui", "ditolak")


class Musyawarah(Base):
    __tablename__ = "musyawarah"
    __area_via__ = ("cycle_id", "cycle")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # MUSYAWARAH_KINDS
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    chair: Mapped[str] = mapped_column(String(150))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    cycle: Mapped[Cycle] = relationship()
    attendees: Mapped[list[MusyawarahAttendee]] = relationship(
        back_populates="musyawarah", cascade="all, delete-orphan", order_by="MusyawarahAttendee.id")
    decisions: Mapped[list[MusyawarahDecision]] = relationship(
        back_populates="musyawarah", cascade="all, delete-orphan", order_by="MusyawarahDecision.id")

    def __repr__(self) -> str:
        return f"{self.kind} {self.held_on}"


class MusyawarahAttendee(Base):
    """An invitee; ``present`` says whether they came (the quorum counts these)."""

    __tablename__ = "musyawarah_attendee"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    musyawarah_id: Mapped[int] = mapped_column(ForeignKey("musyawarah.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(150))
    position: Mapped[str | None] = mapped_column(String(150))  # "Kepala Desa", "Ketua BPD", "tokoh agama"
    present: Mapped[bool] = mapped_column(Boolean, default=False)

    musyawarah: Mapped[Musyawarah] = relationship(back_populates="attendees")


class MusyawarahDecision(Base):
    __tablename__ = "musyawarah_decision"
    __area_via__ = ("household_id", "household")
    __table_args__ = (UniqueConstraint("musyawarah_id", "household_id", name="uq_musyawarah_decision_household"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    musyawarah_id: Mapped[int] = mapped_column(ForeignKey("musyawarah.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    decision: Mapped[str] = mapped_column(String(20))  # DECISIONS
    reason: Mapped[str | None] = mapped_column(Text)

    musyawarah: Mapped[Musyawarah] = relationship(back_populates="decisions")
    household: Mapped[Household] = relationship()


class ChangeRequest(Base):
    """A correction to a frozen cycle: add a household, remove an entitlement or change its amount."""

    __tablename__ = "change_request"
    __area_via__ = ("cycle_id", "cycle")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # CHANGE_KINDS
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"))  # for "tambah"
    entitlement_id: Mapped[int | None] = mapped_column(ForeignKey("entitlement.id"))  # hapus / ubah_nilai
    new_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="diajukan", index=True)  # CHANGE_STATUSES
    requested_by: Mapped[str] = mapped_column(String(100))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict | None] = mapped_column(JSON)  # before/after of what the approval changed
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    cycle: Mapped[Cycle] = relationship()
    household: Mapped[Household | None] = relationship()
    entitlement: Mapped[Entitlement | None] = relationship()
