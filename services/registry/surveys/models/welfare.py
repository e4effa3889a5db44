"""Each household's current welfare standing: score, rank and band, plus the imported DTSEN desil.

The surveys module computes it from the latest response under the active instrument; the map,
eligibility rules and coverage analysis read it. One row per household, replaced on re-scoring
(the survey responses themselves are never overwritten, so history stays measurable)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registry.core.base import Base, utcnow
from services.registry.people.models.people import Household

# Bands when configured as categories; otherwise ``band`` holds a desil-like "1".."10" (1 = poorest).
WELFARE_CATEGORIES = ("miskin", "rentan", "tidak_miskin")


class HouseholdWelfare(Base):
    __tablename__ = "household_welfare"
    __area_via__ = ("household_id", "household")

    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), primary_key=True)
    score: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    rank: Mapped[int | None] = mapped_column(Integer)  # 1 = most in need within the village
    band: Mapped[str | None] = mapped_column(String(20), index=True)
    explanation: Mapped[dict] = mapped_column(JSON, default=dict)  # which criteria counted, with weights
    response_id: Mapped[int | None] = mapped_column(Integer)  # the survey response scored
    instrument_code: Mapped[str | None] = mapped_column(String(40))
    dtsen_desil: Mapped[int | None] = mapped_column(Integer)  # imported from DTSEN, 1..10
    scored_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=utcnow)

    household: Mapped[Household] = relationship()
