"""Budget, committed and disbursed per funding source, always computed from the rows (never stored twice).

approved  = sum of the approved cycles' ``CyclePlan.approved_total`` (live entitlements' amounts;
            change requests move it)
disbursed = entitlements of those cycles with status ``disalurkan``
committed = approved - disbursed (approved, not yet paid)
available = budget - approved
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Cycle, CyclePlan, Entitlement, FundingSource

FROZEN_STATUSES = ("disetujui", "selesai")


class BudgetError(ValueError):
    """Approving this would overspend a funding source."""


def rupiah(amount) -> str:
    return "Rp" + f"{int(Decimal(amount or 0)):,}".replace(",", ".")


def source_status(session: Session, source: FundingSource) -> dict:
    approved = session.execute(
        select(func.coalesce(func.sum(CyclePlan.approved_total), 0))
        .join(Cycle, Cycle.id == CyclePlan.cycle_id)
        .where(CyclePlan.funding_source_id == source.id, Cycle.status.in_(FROZEN_STATUSES))).scalar_one()
    disbursed = session.execute(
        select(func.coalesce(func.sum(Entitlement.amount), 0))
        .join(CyclePlan, CyclePlan.cycle_id == Entitlement.cycle_id)
        .where(CyclePlan.funding_source_id == source.id, Entitlement.status == "disalurkan")).scalar_one()
    approved, disbursed = Decimal(approved), Decimal(disbursed)
    budget = Decimal(source.budget)
    return {"source_id": source.id, "name": source.name, "kind": source.kind, "budget": budget,
            "committed": approved - disbursed, "disbursed": disbursed, "available": budget - approved}


def programme_status(session: Session, programme_id: int) -> list[dict]:
    sources = session.scalars(select(FundingSource).where(FundingSource.programme_id == programme_id)
                              .order_by(FundingSource.id))
    return [source_status(session, source) for source in sources]


def require_available(session: Session, source: FundingSource | None, needed: Decimal) -> None:
    """Refuse (BudgetError, in Indonesian) when ``needed`` exceeds what the source has left."""
    if needed <= 0:
        return
    if source is None:
        raise BudgetError("Siklus ini belum punya sumber dana: pilih sumber dana sebelum disetujui")
    status = source_status(session, source)
    if needed > status["available"]:
        raise BudgetError(f"Dana {source.name} tidak cukup: sisa {rupiah(status['available'])}, "
                          f"dibutuhkan {rupiah(needed)} (anggaran {rupiah(status['budget'])}, "
                          f"terikat {rupiah(status['committed'])}, tersalur {rupiah(status['disbursed'])})")
