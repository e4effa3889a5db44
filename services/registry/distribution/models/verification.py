"""Payment verification: a random sample of a cycle's paid recipients asked whether they got it all."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registry.core.base import Base, utcnow
from services.registry.programmes.models.cycles import Cycle, Entitlement


class VerificationSample(Base):
    __tablename__ = "verification_sample"
    __area_via__ = ("cycle_id", "cycle")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    confidence: Mapped[float] = mapped_column(Float)  # e.g. 0.95
    margin: Mapped[float] = mapped_column(Float)  # e.g. 0.05
    population: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)  # the draw can be repeated and checked by an auditor
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sms_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    cycle: Mapped[Cycle] = relationship()
    cases: Mapped[list[VerificationCase]] = relationship(back_populates="sample", order_by="VerificationCase.id")


class VerificationCase(Base):
    __tablename__ = "verification_case"
    __area_via__ = ("entitlement_id", "entitlement")
    __table_args__ = (UniqueConstraint("sample_id", "entitlement_id", name="uq_verification_case_sample_entitlement"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("verification_sample.id"), index=True)
    entitlement_id: Mapped[int] = mapped_column(ForeignKey("entitlement.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))  # sms / kunjungan (no phone number: a visit)
    expected_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    received_full: Mapped[bool | None] = mapped_column(Boolean)
    amount_received: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    note: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(100))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    sample: Mapped[VerificationSample] = relationship(back_populates="cases")
    entitlement: Mapped[Entitlement] = relationship()

    @property
    def discrepancy(self) -> bool:
        if self.received_full is False:
            return True
        return (self.amount_received is not None and self.expected_amount is not None
                and self.amount_received < self.expected_amount)
