"""Budget, committed and disbursed per funding source; an approval that would overspend is refused."""
from __future__ import annotations

from decimal import Decimal

import pytest

from services.registry.models import AuditEntry, Cycle, Entitlement
from services.registry.programmes import approval
from services.registry.programmes.budget import BudgetError
from services.registry.programmes.entitlements import generate_chunk
from services.registry.programmes.models.read import programme_status, source_status
from tests.registry.village import decided_cycle


def test_committed_then_disbursed_per_source(session):
    cycle, _meeting, _homes, source = decided_cycle(session, households=3, budget=1000000, amount=300000)
    assert source_status(session, source)["available"] == Decimal(1000000)
    approval.approve(session, cycle, "kepala_desa")
    generate_chunk(session, cycle.id)
    session.commit()
    status = source_status(session, source)
    assert (status["committed"], status["disbursed"], status["available"]) == (900000, 0, 100000)
    paid = session.query(Entitlement).filter_by(cycle_id=cycle.id).order_by(Entitlement.id).first()
    paid.status = "disalurkan"  # what the distribution work does when a household collects
    session.commit()
    status = source_status(session, source)
    assert (status["budget"], status["committed"], status["disbursed"]) == (1000000, 600000, 300000)
    assert programme_status(session, cycle.programme_id)[0]["name"] == source.name


def test_overspending_a_source_is_refused_and_nothing_is_frozen(session):
    cycle, *_ = decided_cycle(session, households=4, budget=1000000, amount=300000)
    with pytest.raises(BudgetError, match=r"Dana .* tidak cukup: sisa Rp1\.000\.000, dibutuhkan Rp1\.200\.000"):
        approval.approve(session, cycle, "kepala_desa")
    session.rollback()
    assert session.get(Cycle, cycle.id).status == "musyawarah"
    assert session.query(AuditEntry).filter_by(action="approve_cycle").count() == 0


def test_a_cycle_without_funding_source_cannot_be_approved(session):
    cycle, *_ = decided_cycle(session, households=1)
    cycle_plan = approval.plan_of(session, cycle)
    cycle_plan.funding_source_id = None
    session.commit()
    session.expire_all()
    with pytest.raises(BudgetError, match="belum punya sumber dana"):
        approval.approve(session, session.get(Cycle, cycle.id), "kepala_desa")
