"""What the public may see, read from the registry: only frozen cycles, names shortened, NIK masked.

Every function returns plain values already masked, so templates and the poster cannot leak by mistake:
no address, no full name, no full NIK/KK ever leaves this module."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, selectinload

from services.common.privacy import mask_nik
from services.registry.core.money import rupiah
from services.registry.models import Cycle, Entitlement, Programme
from services.reports.public.areas import (
    PUBLIC_CYCLE_STATUSES,  # draft/musyawarah lists never leave the registry
    SMALL_COUNT,  # areas with fewer recipients are shown as "< 5" so nobody is singled out
    PublicArea,
    count_label,
    households_of,
    visible_programme_ids,
)

STATUS_LABELS = {"menunggu": "Menunggu", "disalurkan": "Disalurkan", "gagal": "Gagal",
                 "dikembalikan": "Dikembalikan", "dibatalkan": "Dibatalkan"}
CYCLE_LABELS = {"disetujui": "Disetujui", "selesai": "Selesai"}


def short_name(name: str | None) -> str:
    """``MOH. HASAN BASRI`` -> ``MOH. H*** B***``: the first word kept, the others initial + ***."""
    words = (name or "").upper().split()
    if not words:
        return "-"
    return " ".join([words[0], *(w[0] + "***" for w in words[1:])])


__all__ = ["PUBLIC_CYCLE_STATUSES", "SMALL_COUNT", "count_label"]


def funding_sources(session: Session, programme_id: int) -> list[dict]:
    """Budget, committed and disbursed per funding source (the registry's own read-only sums)."""
    from services.registry.programmes.models.read import programme_status

    return programme_status(session, programme_id)


def ledger_head_hash(session: Session, cycle_id: int, area_id: int | None = None) -> str | None:
    """The head hash of the village's own ledger chain (``area_id``, else the cycle's area): what the
    poster's QR lets anyone check."""
    from services.registry.distribution.models.read import cycle_area_head

    return cycle_area_head(session, cycle_id, area_id)["head_hash"]


@dataclass
class AreaCount:
    dusun: str
    rt_rw: str
    count: int

    @property
    def label(self) -> str:
        return count_label(self.count)


@dataclass
class CycleSummary:
    id: int
    name: str
    status: str
    period: str
    recipients: int
    planned: Decimal
    disbursed: Decimal

    @property
    def status_label(self) -> str:
        return CYCLE_LABELS.get(self.status, self.status)


@dataclass
class ProgrammeSummary:
    id: int
    code: str
    name: str
    kind: str
    description: str
    benefit_amount: str
    funders: list[str]
    implementers: list[str]
    funding: list[dict]
    cycles: list[CycleSummary] = field(default_factory=list)

    @property
    def budget(self) -> Decimal:
        """The funding sources' budgets when known, else what the frozen cycles committed."""
        if self.funding:
            return sum((Decimal(s.get("budget") or 0) for s in self.funding), Decimal(0))
        return sum((c.planned for c in self.cycles), Decimal(0))

    @property
    def disbursed(self) -> Decimal:
        return sum((c.disbursed for c in self.cycles), Decimal(0))


@dataclass
class PublicRow:
    number: int
    name: str
    nik: str
    rt_rw: str
    dusun: str
    amount: str
    status: str


@dataclass
class CycleDetail:
    summary: CycleSummary
    programme: ProgrammeSummary
    rows: list[PublicRow]
    areas: list[AreaCount]
    ledger_hash: str | None


def _period(cycle: Cycle) -> str:
    if cycle.period_start and cycle.period_end:
        return f"{cycle.period_start:%d-%m-%Y} s.d. {cycle.period_end:%d-%m-%Y}"
    return "-"


def _cycle_summaries(session: Session, programme_ids: list[int], area: PublicArea) -> dict[int, list[CycleSummary]]:
    """Public cycles per programme with the desa's own counts and sums, computed in the database."""
    disbursed = func.sum(Entitlement.amount).filter(Entitlement.status == "disalurkan")
    planned = func.sum(Entitlement.amount).filter(Entitlement.status != "dibatalkan")
    recipients = func.count(Entitlement.id).filter(Entitlement.status != "dibatalkan")
    own = and_(Entitlement.cycle_id == Cycle.id, Entitlement.household_id.in_(households_of(area.id)))
    query = (select(Cycle, recipients, planned, disbursed).outerjoin(Entitlement, own)
             .where(Cycle.status.in_(PUBLIC_CYCLE_STATUSES), Cycle.programme_id.in_(programme_ids))
             .group_by(Cycle.id).order_by(Cycle.period_start, Cycle.id))
    result: dict[int, list[CycleSummary]] = {}
    for cycle, count, plan, paid in session.execute(query):
        result.setdefault(cycle.programme_id, []).append(CycleSummary(
            id=cycle.id, name=cycle.name, status=cycle.status, period=_period(cycle), recipients=count or 0,
            planned=Decimal(plan or 0), disbursed=Decimal(paid or 0)))
    return result


def _programme_summary(session: Session, programme: Programme, cycles: list[CycleSummary]) -> ProgrammeSummary:
    partners = [(p.role, p.organisation.name) for p in programme.partners]
    return ProgrammeSummary(
        id=programme.id, code=programme.code, name=programme.name, kind=programme.kind,
        description=programme.description or "", benefit_amount=rupiah(programme.benefit_amount),
        funders=sorted(n for r, n in partners if r == "penyandang_dana"),
        implementers=sorted(n for r, n in partners if r == "pelaksana"),
        funding=funding_sources(session, programme.id), cycles=cycles)


def programmes(session: Session, area: PublicArea) -> list[ProgrammeSummary]:
    """The programmes a desa publishes: its own, and those run above it that reach its households."""
    ids = visible_programme_ids(session, area)
    rows = session.scalars(select(Programme).where(Programme.id.in_(ids)).options(selectinload(Programme.partners))
                           .order_by(Programme.name)).all()
    cycles = _cycle_summaries(session, [p.id for p in rows], area)
    return [_programme_summary(session, p, cycles.get(p.id, [])) for p in rows]


def programme(session: Session, programme_id: int, area: PublicArea) -> ProgrammeSummary | None:
    """One programme as the desa's page shows it; None when the desa does not publish it."""
    if programme_id not in visible_programme_ids(session, area):
        return None
    row = session.get(Programme, programme_id, options=[selectinload(Programme.partners)])
    return _programme_summary(session, row, _cycle_summaries(session, [row.id], area).get(row.id, []))


def area_counts(session: Session, cycle_ids: list[int], area: PublicArea) -> list[AreaCount]:
    """The desa's recipients per dusun and RT/RW from the frozen snapshots of public cycles."""
    counter: Counter = Counter()
    query = (select(Entitlement.snapshot).join(Cycle)
             .where(Entitlement.cycle_id.in_(cycle_ids), Cycle.status.in_(PUBLIC_CYCLE_STATUSES),
                    Entitlement.status != "dibatalkan", Entitlement.household_id.in_(households_of(area.id))))
    for snapshot in session.scalars(query):
        snap = snapshot or {}
        counter[(snap.get("dusun") or "-", f"{snap.get('rt') or '-'}/{snap.get('rw') or '-'}")] += 1
    return [AreaCount(dusun, rt_rw, n) for (dusun, rt_rw), n in sorted(counter.items())]


def cycle_detail(session: Session, cycle_id: int, area: PublicArea) -> CycleDetail | None:
    """The desa's public recipient list of one cycle, from its frozen snapshot; None for unknown or unfrozen
    cycles and for cycles of programmes the desa does not publish. Another village's recipients never appear."""
    cycle = session.get(Cycle, cycle_id)
    if cycle is None or cycle.status not in PUBLIC_CYCLE_STATUSES:
        return None
    prog = programme(session, cycle.programme_id, area)
    if prog is None:
        return None
    summary = next(c for c in prog.cycles if c.id == cycle.id)
    entitlements = session.scalars(select(Entitlement).where(
        Entitlement.cycle_id == cycle.id, Entitlement.household_id.in_(households_of(area.id)))
        .order_by(Entitlement.id)).all()
    entitlements = sorted(entitlements, key=lambda e: ((e.snapshot or {}).get("dusun") or "",
                                                       (e.snapshot or {}).get("rw") or "",
                                                       (e.snapshot or {}).get("rt") or "", e.id))
    rows = []
    for number, ent in enumerate(entitlements, start=1):
        snap = ent.snapshot or {}
        rows.append(PublicRow(
            number=number, name=short_name(snap.get("name")), nik=mask_nik(snap.get("nik")),
            rt_rw=f"{snap.get('rt') or '-'}/{snap.get('rw') or '-'}", dusun=snap.get("dusun") or "-",
            amount=rupiah(ent.amount) if ent.amount is not None else (ent.package or "-"),
            status=STATUS_LABELS.get(ent.status, ent.status)))
    return CycleDetail(summary=summary, programme=prog, rows=rows, areas=area_counts(session, [cycle.id], area),
                       ledger_hash=ledger_head_hash(session, cycle.id))
