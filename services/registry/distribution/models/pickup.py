"""Cash and in-kind pickups at the distribution point, and the goods stock they draw from."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registry.core.base import Base, utcnow
from services.registry.people.models.people import Person
from services.registry.programmes.models.cycles import Cycle, Entitlement


class Pickup(Base):
    """Who collected one entitlement, when, where, handed over by whom. At most one per entitlement:
    the unique constraint is the database's own refusal of a second collection."""

    __tablename__ = "pickup"
    __area_via__ = ("entitlement_id", "entitlement")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entitlement_id: Mapped[int] = mapped_column(ForeignKey("entitlement.id"), unique=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    collector_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    collector_name: Mapped[str] = mapped_column(String(150))
    is_proxy: Mapped[bool] = mapped_column(default=False)
    location: Mapped[str] = mapped_column(String(200))
    handed_over_by: Mapped[str] = mapped_column(String(150))
    recorded_by: Mapped[str] = mapped_column(String(100))
    collected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    entitlement: Mapped[Entitlement] = relationship()
    cycle: Mapped[Cycle] = relationship()
    collector: Mapped[Person | None] = relationship()


class GoodsStock(Base):
    """Units of one in-kind package available for one cycle; each pickup takes one (never below zero)."""

    __tablename__ = "goods_stock"
    __area_via__ = ("cycle_id", "cycle")
    __table_args__ = (
        UniqueConstraint("cycle_id", "package", name="uq_goods_stock_cycle_package"),
        CheckConstraint("remaining >= 0", name="remaining_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    package: Mapped[str] = mapped_column(String(200))
    received: Mapped[int] = mapped_column(Integer, default=0)
    remaining: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    cycle: Mapped[Cycle] = relationship()
