"""Programme money and targeting: funding sources, eligibility rules, exclusions and each cycle's plan.

Kept beside (not inside) programmes.py/cycles.py so the cycle tables the distribution work codes
against stay untouched; ``CyclePlan`` is one row per cycle holding what the approval needs."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registry.core.base import Base, utcnow
from services.registry.core.models.areas import InArea
from services.registry.programmes.models.cycles import Cycle
from services.registry.programmes.models.programmes import Organisation, Programme

PROGRAMME_KINDS = ("tunai", "barang", "pelatihan", "modal_usaha", "kesehatan", "pendidikan")
# dana_desa = Dana Desa/APBDes; apbd = kabupaten; apbn = pusat; lsm/csr = a partner organisation.
FUNDING_KINDS = ("dana_desa", "apbd", "apbn", "lsm", "csr")
FUNDING_KIND_LABELS = {"dana_desa": "Dana Desa/APBDes", "apbd": "APBD Kabupaten", "apbn": "APBN",
                       "lsm": "Mitra LSM", "csr": "Mitra CSR"}
# Entitlement generation progress after approval (persisted, so the UI and a watchdog can read it).
GENERATION_STATUSES = ("belum", "berjalan", "selesai")


class FundingSource(InArea, Base):
    """One pot of money for one programme, e.g. "Dana Desa 2027: Rp 108.000.000"."""

    __tablename__ = "funding_source"
    __area_from__ = "programme"
    __table_args__ = (UniqueConstraint("programme_id", "name", name="uq_funding_source_programme_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), index=True)
    name: Mapped[str] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(20))  # one of FUNDING_KINDS
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))  # lsm/csr partner
    budget: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    fiscal_year: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    programme: Mapped[Programme] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    def __repr__(self) -> str:
        return self.name


class ProgrammeExclusion(Base):
    """Two programmes a household may not receive together (e.g. BLT Dana Desa vs PKH); symmetric."""

    __tablename__ = "programme_exclusion"
    __table_args__ = (UniqueConstraint("programme_id", "excluded_programme_id", name="uq_programme_exclusion"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), index=True)
    excluded_programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), index=True)
    reason: Mapped[str | None] = mapped_column(String(200))

    programme: Mapped[Programme] = relationship(foreign_keys=[programme_id])
    excluded_programme: Mapped[Programme] = relationship(foreign_keys=[excluded_programme_id])


class EligibilityRule(Base):
    """Who may be a candidate, as data: a JSON condition tree (see selection/rules.py for the grammar)."""

    __tablename__ = "eligibility_rule"
    __table_args__ = (UniqueConstraint("programme_id", "name", name="uq_eligibility_rule_programme_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), index=True)
    name: Mapped[str] = mapped_column(String(150))
    description: Mapped[str | None] = mapped_column(Text)
    condition: Mapped[dict] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    programme: Mapped[Programme] = relationship()

    def __repr__(self) -> str:
        return self.name


class CyclePlan(Base):
    """What a cycle gives, to how many, paid from where, and how far its entitlements are generated."""

    __tablename__ = "cycle_plan"

    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), primary_key=True)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("eligibility_rule.id"))
    funding_source_id: Mapped[int | None] = mapped_column(ForeignKey("funding_source.id"), index=True)
    benefit_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))  # per household per cycle
    package: Mapped[str | None] = mapped_column(String(200))  # in-kind, e.g. "beras 10 kg"
    quota: Mapped[int | None] = mapped_column(Integer)
    # Sum of the live entitlements' amounts since approval; change requests move it.
    approved_total: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal(0))
    approved_count: Mapped[int] = mapped_column(Integer, default=0)
    generation_status: Mapped[str] = mapped_column(String(20), default="belum")  # GENERATION_STATUSES
    generated_count: Mapped[int] = mapped_column(Integer, default=0)
    generation_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    cycle: Mapped[Cycle] = relationship()
    rule: Mapped[EligibilityRule | None] = relationship()
    funding_source: Mapped[FundingSource | None] = relationship()
