"""Dated facts read from the registry (read-only) for the periodic reports, each "as of" a moment.

Reproducibility rests here: every figure is computed from rows whose own timestamp lies before the
period's end, never from a running total that later work moves:
- money out  = ledger entries (paid/collected +, returned -, corrected as signed) with ``at < end``;
  who and which dusun come from the entitlement's approval snapshot, not the live household;
- approved   = amounts of entitlements of cycles approved before the end, created before the end and
  not cancelled before the end (a later cancellation does not rewrite a closed month);
- budget     = the funding source's budget as it stood at the end: a later edit is undone through
  the audit trail's ``{"budget": [before, after]}`` entry (admin edits are audited).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import and_, func, not_, or_, select
from sqlalchemy.orm import Session

from services.registry.models import (
    Area,
    AuditEntry,
    Complaint,
    Cycle,
    CyclePlan,
    Entitlement,
    FundingSource,
    Household,
    Indicator,
    IndicatorValue,
    LedgerEntry,
    Programme,
    ProgrammePartner,
)

SIGN = {"paid": 1, "collected": 1, "returned": -1, "corrected": 1}
RECEIVED = ("paid", "collected")
NO_SOURCE = 0  # entitlements of a cycle without a funding source are grouped here


def bind_time(session: Session, moment: datetime) -> datetime:
    """SQLite stores the UTC wall clock without zone; PostgreSQL compares aware values."""
    if session.get_bind().dialect.name == "sqlite":
        return moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def money(value) -> int:
    """Whole rupiah (the figures JSON holds integers so it hashes the same on every database)."""
    return int(Decimal(value or 0).quantize(Decimal(1)))


def as_aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


@dataclass(frozen=True)
class Event:
    at: datetime  # aware
    event: str
    amount: int  # signed
    programme_id: int
    source_id: int
    household_id: int
    dusun: str
    area_id: int | None = None  # the village whose chain holds the entry (the paid household's)


def ledger_events(session: Session, end: datetime, programme_ids: set[int] | None = None,
                  since: datetime | None = None) -> Iterator[Event]:
    """Money events before ``end`` (and from ``since``), streamed in ledger order."""
    dusun = func.coalesce(Entitlement.snapshot["dusun"].as_string(), "")
    query = (select(LedgerEntry.at, LedgerEntry.event, LedgerEntry.amount, Entitlement.programme_id,
                    CyclePlan.funding_source_id, Entitlement.household_id, dusun, LedgerEntry.area_id)
             .join(Entitlement, Entitlement.id == LedgerEntry.entitlement_id)
             .outerjoin(CyclePlan, CyclePlan.cycle_id == LedgerEntry.cycle_id)
             .where(LedgerEntry.at < bind_time(session, end)).order_by(LedgerEntry.seq))
    if since is not None:
        query = query.where(LedgerEntry.at >= bind_time(session, since))
    if programme_ids is not None:
        query = query.where(Entitlement.programme_id.in_(sorted(programme_ids)))
    for at, event, amount, programme_id, source_id, household_id, dusun_name, area_id in (
            session.execute(query.execution_options(yield_per=2000))):
        yield Event(as_aware(at), event, SIGN.get(event, 0) * money(amount), programme_id, source_id or NO_SOURCE,
                    household_id, (dusun_name or "").strip() or "(tanpa dusun)", area_id)


def approved_totals(session: Session, end: datetime) -> dict[tuple[int, int], int]:
    """{(programme_id, source_id): approved amount} as it stood at ``end``."""
    at = bind_time(session, end)
    query = (select(Entitlement.programme_id, CyclePlan.funding_source_id, func.sum(Entitlement.amount))
             .join(Cycle, Cycle.id == Entitlement.cycle_id)
             .outerjoin(CyclePlan, CyclePlan.cycle_id == Entitlement.cycle_id)
             .where(Cycle.approved_at.is_not(None), Cycle.approved_at < at, Entitlement.created_at < at,
                    not_(and_(Entitlement.status == "dibatalkan", Entitlement.updated_at < at)))
             .group_by(Entitlement.programme_id, CyclePlan.funding_source_id))
    return {(programme_id, source_id or NO_SOURCE): money(total)
            for programme_id, source_id, total in session.execute(query)}


@dataclass
class Source:
    id: int
    programme_id: int
    name: str
    kind: str
    organisation_id: int | None
    budget: int
    area_id: int | None = None  # the area of the programme it funds (a desa, or a kabupaten programme's)


def funding_sources(session: Session, end: datetime, programme_ids: set[int] | None = None) -> list[Source]:
    """Funding sources that existed at ``end``, with the budget they had then."""
    query = (select(FundingSource).where(FundingSource.created_at < bind_time(session, end))
             .order_by(FundingSource.programme_id, FundingSource.id))
    if programme_ids is not None:
        query = query.where(FundingSource.programme_id.in_(sorted(programme_ids)))
    sources = [Source(s.id, s.programme_id, s.name, s.kind, s.organisation_id, money(s.budget), s.area_id)
               for s in session.scalars(query)]
    if not sources:
        return sources
    later_edits = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "funding_source", AuditEntry.action == "update",
                                 AuditEntry.entity_id.in_([str(s.id) for s in sources]),
                                 AuditEntry.at >= bind_time(session, end))
        .order_by(AuditEntry.id.desc()))  # seq counts within one area's chain; id is the install's order
    by_id = {str(s.id): s for s in sources}
    # Walk the edits after the end from the newest back: the oldest one's "before" is the budget then.
    for entry in later_edits:
        change = (entry.details or {}).get("budget")
        if isinstance(change, list) and len(change) == 2 and change[0] is not None:
            by_id[entry.entity_id].budget = money(change[0])
    return sources


@dataclass
class ProgrammeInfo:
    id: int
    code: str
    name: str
    kind: str


def programmes(session: Session, ids: set[int] | None = None) -> dict[int, ProgrammeInfo]:
    query = select(Programme).order_by(Programme.code)
    if ids is not None:
        query = query.where(Programme.id.in_(sorted(ids)))
    return {p.id: ProgrammeInfo(p.id, p.code, p.name, p.kind) for p in session.scalars(query)}


def partner_programmes(session: Session, organisation_id: int) -> dict[int, set[str]]:
    """{programme_id: roles} of a partner: programmes it funds (a source of its own, or the partner role)
    or runs."""
    found: dict[int, set[str]] = {}
    for programme_id, role in session.execute(select(ProgrammePartner.programme_id, ProgrammePartner.role)
                                              .where(ProgrammePartner.organisation_id == organisation_id)):
        found.setdefault(programme_id, set()).add(role)
    for (programme_id,) in session.execute(select(FundingSource.programme_id)
                                           .where(FundingSource.organisation_id == organisation_id)):
        found.setdefault(programme_id, set()).add("penyandang_dana")
    return found


@dataclass(frozen=True)
class AreaInfo:
    id: int
    code: str
    name: str
    level: str
    parent_id: int | None


def areas(session: Session) -> dict[int, AreaInfo]:
    return {a.id: AreaInfo(a.id, a.code, a.name, a.level, a.parent_id)
            for a in session.scalars(select(Area).order_by(Area.code))}


def households_by_area(session: Session, end: datetime) -> dict[int | None, int]:
    """Households registered before ``end``, per area."""
    query = (select(Household.area_id, func.count()).where(Household.created_at < bind_time(session, end))
             .group_by(Household.area_id))
    return dict(session.execute(query).all())


@dataclass
class ComplaintFacts:
    received: int = 0
    closed: int = 0  # of those received in the period, closed before its end
    open_at_end: int = 0
    days_to_close: list = None  # calendar days, for the median

    def __post_init__(self):
        self.days_to_close = self.days_to_close or []


def complaints_by_area(session: Session, start: datetime, end: datetime) -> dict[int | None, ComplaintFacts]:
    """Complaints received in [start, end) per area, and how far they had come by ``end`` (from their own
    timestamps, so a complaint closed later does not change a closed year)."""
    found: dict[int | None, ComplaintFacts] = {}
    query = (select(Complaint.area_id, Complaint.received_at, Complaint.closed_at)
             .where(Complaint.received_at >= bind_time(session, start), Complaint.received_at < bind_time(session, end))
             .order_by(Complaint.id))
    for area_id, received_at, closed_at in session.execute(query):
        facts = found.setdefault(area_id, ComplaintFacts())
        facts.received += 1
        if closed_at is not None and as_aware(closed_at) < end:
            facts.closed += 1
            facts.days_to_close.append((as_aware(closed_at) - as_aware(received_at)).total_seconds() / 86400)
        else:
            facts.open_at_end += 1
    return found


@dataclass(frozen=True)
class IndicatorFact:
    area_id: int | None
    code: str
    name: str
    unit: str
    period: str
    value: float | None


def indicator_values(session: Session, start: datetime, end: datetime) -> list[IndicatorFact]:
    """Per area and indicator, the value of the latest period that lies inside [start, end)."""
    query = (select(IndicatorValue.area_id, Indicator.code, Indicator.name, Indicator.unit, IndicatorValue.period,
                    IndicatorValue.value, IndicatorValue.period_end)
             .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
             .where(IndicatorValue.period_start >= start.date(), IndicatorValue.period_end <= end.date())
             .order_by(IndicatorValue.area_id, Indicator.code, IndicatorValue.period_end))
    latest: dict[tuple, IndicatorFact] = {}
    for area_id, code, name, unit, period, value, _end in session.execute(query):
        latest[(area_id, code)] = IndicatorFact(area_id, code, name, unit, period,
                                                None if value is None else round(float(value), 2))
    return list(latest.values())


def period_filter(column, first_day, next_first_day):
    return and_(column >= first_day, column < next_first_day)


def either(*conditions):
    return or_(*conditions)
