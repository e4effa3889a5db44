"""Budget, committed and disbursed per funding source, always computed from the rows (never stored twice).
Read only (SELECTs): budget checks in the registry and the public site in reports share these sums.

approved  = sum of the approved cycles' ``CyclePlan.approved_total`` (live entitlements' amounts;
            change requests move it) + approved business-capital grants drawing on the source
disbursed = entitlements of those cycles with status ``disalurkan`` + capital payouts from the source
repaid    = loan instalments paid back into the source (shown, not added back to ``available``: re-lending
            repaid money is a new decision with its own budget line)
committed = approved - disbursed (approved, not yet paid)
available = budget - approved
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.registry.models import (
    CapitalDisbursement,
    CapitalGrant,
    Cycle,
    CyclePlan,
    Entitlement,
    FundingSource,
    LoanPayment,
)

FROZEN_STATUSES = ("disetujui", "selesai")
CAPITAL_COUNTED = ("disetujui", "dicairkan", "lunas")  # approved capital holds its amount until paid


def source_status(session: Session, source: FundingSource) -> dict:
    approved = session.execute(
        select(func.coalesce(func.sum(CyclePlan.approved_total), 0))
        .join(Cycle, Cycle.id == CyclePlan.cycle_id)
        .where(CyclePlan.funding_source_id == source.id, Cycle.status.in_(FROZEN_STATUSES))).scalar_one()
    disbursed = session.execute(
        select(func.coalesce(func.sum(Entitlement.amount), 0))
        .join(CyclePlan, CyclePlan.cycle_id == Entitlement.cycle_id)
        .where(CyclePlan.funding_source_id == source.id, Entitlement.status == "disalurkan")).scalar_one()
    capital_approved = session.execute(
        select(func.coalesce(func.sum(CapitalGrant.amount_approved), 0))
        .where(CapitalGrant.funding_source_id == source.id, CapitalGrant.status.in_(CAPITAL_COUNTED))).scalar_one()
    capital_paid = session.execute(
        select(func.coalesce(func.sum(CapitalDisbursement.amount), 0)).join(CapitalGrant)
        .where(CapitalGrant.funding_source_id == source.id)).scalar_one()
    repaid = session.execute(
        select(func.coalesce(func.sum(LoanPayment.amount), 0)).join(CapitalGrant)
        .where(CapitalGrant.funding_source_id == source.id)).scalar_one()
    approved = Decimal(approved) + Decimal(capital_approved)
    disbursed = Decimal(disbursed) + Decimal(capital_paid)
    budget = Decimal(source.budget)
    return {"source_id": source.id, "name": source.name, "kind": source.kind, "budget": budget,
            "committed": approved - disbursed, "disbursed": disbursed, "available": budget - approved,
            "capital_disbursed": Decimal(capital_paid), "repaid": Decimal(repaid)}


def programme_status(session: Session, programme_id: int) -> list[dict]:
    sources = session.scalars(select(FundingSource).where(FundingSource.programme_id == programme_id)
                              .order_by(FundingSource.id))
    return [source_status(session, source) for source in sources]
