"""Performance indicators as data, their stored values per period, and one-time satisfaction codes.

An indicator names one computation of ``services/registry/indicators`` with its parameters; its values
are stored per period (``IndicatorValue``) so that a trend is one cheap query and a past value stays as
it was computed, even when the registry changes later (welfare bands are re-scored, rows corrected)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registry.capacity.models.trainings import Training
from services.registry.core.base import Base, utcnow
from services.registry.core.models.areas import InArea
from services.registry.people.models.people import Household, Person
from services.registry.programmes.models.cycles import Cycle
from services.registry.programmes.models.programmes import Programme

# naik: a higher value is better (participation); turun: lower is better (resolution time).
DIRECTIONS = ("naik", "turun")
GRANULARITIES = ("bulan", "triwulan", "tahun")


class Indicator(InArea, Base):
    __tablename__ = "indicator"
    # Unique within an area: two villages may each have their own.
    __table_args__ = (UniqueConstraint("area_id", "code", name="uq_indicator_area_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    computation: Mapped[str] = mapped_column(String(40))  # a key of indicators.COMPUTATIONS
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    unit: Mapped[str] = mapped_column(String(20))  # "%", "hari", "Rp", "skor 1-5"
    baseline: Mapped[Decimal | None] = mapped_column(Numeric(16, 4))
    target: Mapped[Decimal | None] = mapped_column(Numeric(16, 4))
    direction: Mapped[str] = mapped_column(String(10), default="naik")  # one of DIRECTIONS
    granularity: Mapped[str] = mapped_column(String(10), default="bulan")  # one of GRANULARITIES
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    programme: Mapped[Programme | None] = relationship()

    def __repr__(self) -> str:
        return self.name

    def reached(self, value) -> bool | None:
        """Whether ``value`` meets the target in this indicator's direction (None: nothing to compare)."""
        if value is None or self.target is None:
            return None
        return Decimal(value) >= self.target if self.direction == "naik" else Decimal(value) <= self.target


class IndicatorValue(InArea, Base):
    """One indicator for one period, as computed; ``final`` once computed after the period ended."""

    __tablename__ = "indicator_value"
    __area_from__ = "indicator"
    __table_args__ = (UniqueConstraint("indicator_id", "period", name="uq_indicator_value_indicator_period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(10))  # "2026-01", "2026-Q1", "2026" (see core/periods.py)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)  # exclusive
    value: Mapped[Decimal | None] = mapped_column(Numeric(16, 4))
    numerator: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    denominator: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    indicator: Mapped[Indicator] = relationship()


class SatisfactionCode(Base):
    """A one-time code for the public satisfaction form: per household and cycle after a distribution,
    or per participant and training after completion. ``used_at`` is set once, atomically."""

    __tablename__ = "satisfaction_code"
    __table_args__ = (
        UniqueConstraint("cycle_id", "household_id", name="uq_satisfaction_code_cycle_household"),
        UniqueConstraint("training_id", "person_id", name="uq_satisfaction_code_training_person"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycle.id"), index=True)
    training_id: Mapped[int | None] = mapped_column(ForeignKey("training.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))  # who gets the SMS
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(100))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    cycle: Mapped[Cycle | None] = relationship()
    training: Mapped[Training | None] = relationship()
    household: Mapped[Household | None] = relationship()
    person: Mapped[Person | None] = relationship()
