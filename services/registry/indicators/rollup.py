"""The kabupaten dashboard's figures: one row per desa of the areas the request may see, grouped under
their kecamatan (households, this year's recipients and money, the village's own budget and absorption,
open and overdue complaints, the village ledger chain's length). Reads only; the ORM area scope decides
which villages a camat or a Dinas Sosial officer sees."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.registry.core.periods import parse_period
from services.registry.feedback.clock import ClockRules, clock_state
from services.registry.models import (
    Area,
    Complaint,
    CyclePlan,
    Entitlement,
    FundingSource,
    Household,
    LedgerEntry,
    LedgerHead,
)

SIGN = {"paid": 1, "collected": 1, "returned": -1, "corrected": 1}


@dataclass
class DesaFigures:
    code: str
    name: str
    households: int = 0
    recipients: int = 0
    disbursed: Decimal = Decimal(0)
    budget: Decimal = Decimal(0)
    own_disbursed: Decimal = Decimal(0)
    complaints_open: int = 0
    complaints_overdue: int = 0
    ledger_entries: int = 0

    @property
    def absorption(self) -> float | None:
        return round(float(self.own_disbursed * 100 / self.budget), 1) if self.budget else None


@dataclass
class KecamatanFigures:
    code: str
    name: str
    villages: list[DesaFigures] = field(default_factory=list)

    def total(self, name: str):
        return sum((getattr(v, name) for v in self.villages), Decimal(0) if name in ("disbursed", "budget") else 0)

    @property
    def absorption(self) -> float | None:
        budget = self.total("budget")
        own = sum((v.own_disbursed for v in self.villages), Decimal(0))
        return round(float(own * 100 / budget), 1) if budget else None


def kabupaten_rollup(session: Session, year: str, now: datetime, rules: ClockRules | None = None) -> list[KecamatanFigures]:
    period = parse_period(year, "year")
    start, end = period.start_utc, period.end_utc
    if session.get_bind().dialect.name == "sqlite":
        start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    desa = {a.id: DesaFigures(a.code, a.name) for a in session.scalars(
        select(Area).where(Area.level == "desa").order_by(Area.code))}
    parents = dict(session.execute(select(Area.id, Area.parent_id).where(Area.level == "desa")).all())
    for area_id, count in session.execute(select(Household.area_id, func.count()).group_by(Household.area_id)):
        if area_id in desa:
            desa[area_id].households = count
    source_area = dict(session.execute(select(FundingSource.id, FundingSource.area_id)
                                       .where(FundingSource.fiscal_year == int(year))).all())
    for source_id, budget in session.execute(select(FundingSource.id, FundingSource.budget)
                                             .where(FundingSource.fiscal_year == int(year))):
        if source_area.get(source_id) in desa:
            desa[source_area[source_id]].budget += Decimal(budget or 0)
    recipients: dict[int, set] = defaultdict(set)
    query = (select(LedgerEntry.area_id, LedgerEntry.event, LedgerEntry.amount, Entitlement.household_id,
                    CyclePlan.funding_source_id)
             .join(Entitlement, Entitlement.id == LedgerEntry.entitlement_id)
             .outerjoin(CyclePlan, CyclePlan.cycle_id == LedgerEntry.cycle_id)
             .where(LedgerEntry.at >= start, LedgerEntry.at < end))
    for area_id, event, amount, household_id, source_id in session.execute(query):
        if area_id not in desa:
            continue
        signed = SIGN.get(event, 0) * Decimal(amount or 0)
        desa[area_id].disbursed += signed
        if source_area.get(source_id) == area_id:
            desa[area_id].own_disbursed += signed
        if event in ("paid", "collected"):
            recipients[area_id].add(household_id)
    for area_id, households in recipients.items():
        desa[area_id].recipients = len(households)
    rules = rules or ClockRules.from_env()
    for complaint in session.scalars(select(Complaint).where(Complaint.status != "selesai")):
        if complaint.area_id in desa:
            desa[complaint.area_id].complaints_open += 1
            desa[complaint.area_id].complaints_overdue += clock_state(complaint, now, rules).overdue
    for area_id, seq in session.execute(select(LedgerHead.area_id, LedgerHead.seq)):
        if area_id in desa:
            desa[area_id].ledger_entries = seq
    kecamatan = {a.id: KecamatanFigures(a.code, a.name) for a in session.scalars(
        select(Area).where(Area.level == "kecamatan").order_by(Area.code))}
    for area_id, figures in desa.items():
        if figures.households or figures.disbursed or figures.budget or figures.complaints_open:
            group = kecamatan.get(parents.get(area_id))
            if group is None:
                group = kecamatan.setdefault(None, KecamatanFigures("-", "(tanpa kecamatan)"))
            group.villages.append(figures)
    return [k for k in kecamatan.values() if k.villages]
