"""Business capital on SQLite and PostgreSQL: the approval chain, loan schedule, arrears, visits, pathway."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from services.registry.capacity import capital as cap
from services.registry.capacity.common import CapacityError
from services.registry.capacity.pathway import household_pathway
from services.registry.models import (
    AuditEntry,
    BankAccount,
    BusinessGroup,
    BusinessGroupMember,
    CapitalDisbursement,
)
from tests.registry.capacity.capacity_data import village


@pytest.fixture
def data(session):
    found = village(session)
    session.commit()
    return found


def _account(session, person, matches=True):
    account = BankAccount(person=person, bank_code="002", bank_name="BRI", account_number=f"0099{person.nik[-8:]}",
                          holder_name=person.name, holder_name_matches=matches)
    session.add(account)
    session.flush()
    return account


def _cash(household):
    return {"collector_id": household.members[0].id, "location": "Balai Desa Kamal", "handed_over_by": "Bu Rina"}


def _approved_loan(session, household, amount="1000000", instalments=3):
    loan = cap.propose(session, "operator", kind="pinjaman", business="Warung kopi", amount=amount,
                       household=household, instalments=instalments)
    cap.assess(session, loan, "pendamping", "Usaha layak, lokasi ramai")
    cap.decide(session, loan, "kepala_desa", approve=True)
    return loan


def test_chain_refuses_shortcuts_and_bad_input(session, data):
    with pytest.raises(CapacityError, match="satu keluarga atau satu kelompok"):
        cap.propose(session, "operator", kind="hibah", business="Ternak", amount=500000)
    with pytest.raises(CapacityError, match="angsuran"):
        cap.propose(session, "operator", kind="pinjaman", business="Ternak", amount=500000, household=data["a"])
    with pytest.raises(CapacityError, match="bukan angka"):
        cap.propose(session, "operator", kind="hibah", business="Ternak", amount="lima ratus", household=data["a"])
    grant = cap.propose(session, "operator", kind="hibah", business="Ternak kambing", amount=2500000,
                        household=data["a"])
    with pytest.raises(CapacityError, match="belum dapat dicairkan"):
        cap.disburse(session, grant, "bendahara", "tunai")
    cap.assess(session, grant, "pendamping", "Kandang sudah ada")
    with pytest.raises(CapacityError, match="pemisahan tugas"):
        cap.decide(session, grant, "pendamping", approve=True)
    with pytest.raises(CapacityError, match="melebihi nilai usulan"):
        cap.decide(session, grant, "kepala_desa", approve=True, amount=3000000)
    cap.decide(session, grant, "kepala_desa", approve=True, amount=2000000)
    with pytest.raises(CapacityError, match="Saluran"):
        cap.disburse(session, grant, "bendahara", "cek")
    account = _account(session, data["a"].members[0])
    payout = cap.disburse(session, grant, "bendahara", "bank", on=date(2026, 12, 1), bank_account_id=account.id,
                          bank_reference="TRX-1")
    assert cap.disburse(session, grant, "bendahara", "bank") is payout  # a second click pays nothing more
    session.commit()
    assert grant.status == "dicairkan" and grant.schedule == []
    assert session.scalar(select(func.sum(CapitalDisbursement.amount))) == Decimal("2000000.00")
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "capital_grant")
                              .order_by(AuditEntry.id)).all()
    assert actions == ["propose", "dinilai", "disetujui", "dicairkan"]


def test_loan_schedule_repayments_and_arrears(session, data):
    loan = _approved_loan(session, data["b"])
    cap.disburse(session, loan, "bendahara", "tunai", on=date(2026, 1, 31), **_cash(data["b"]))
    session.commit()
    assert [(i.number, i.due_on, i.amount_due) for i in loan.schedule] == [
        (1, date(2026, 2, 28), Decimal("333333")), (2, date(2026, 3, 31), Decimal("333333")),
        (3, date(2026, 4, 30), Decimal("333334"))]
    cap.record_payment(session, loan, 400000, "bendahara", on=date(2026, 3, 1))
    cap.record_payment(session, loan, 400000, "bendahara", on=date(2026, 3, 1))  # same key: recorded once
    session.commit()
    late = cap.arrears(loan, today=date(2026, 5, 1))
    assert late == {"amount": Decimal("600000.00"), "instalments": 2, "since": date(2026, 3, 31),
                    "outstanding": Decimal("600000.00")}
    with pytest.raises(CapacityError, match="melebihi sisa"):
        cap.record_payment(session, loan, 700000, "bendahara", on=date(2026, 5, 2))
    cap.record_payment(session, loan, 600000, "bendahara", on=date(2026, 5, 2))
    session.commit()
    assert loan.status == "lunas" and cap.arrears(loan, date(2026, 6, 1))["outstanding"] == 0


def test_group_capital_visits_and_household_pathway(session, data):
    group = BusinessGroup(name="KUBE Mawar", business="Kerupuk ikan", dusun="Kamal Timur")
    group.members = [BusinessGroupMember(person=data["a"].members[1], role="ketua"),
                     BusinessGroupMember(person=data["c"].members[1])]
    session.add(group)
    grant = cap.propose(session, "operator", kind="hibah", business="Kerupuk ikan", amount=5000000, group=group)
    with pytest.raises(CapacityError, match="sudah dicairkan"):
        cap.record_visit(session, grant, "pendamping", date(2026, 12, 1), "berjalan")
    cap.assess(session, grant, "pendamping", "Kelompok aktif")
    cap.decide(session, grant, "kepala_desa", approve=True)
    cap.disburse(session, grant, "bendahara", "barang", on=date(2026, 12, 1), collector_id=data["c"].members[1].id,
                 location="Balai Desa", handed_over_by="Bu Rina")
    with pytest.raises(CapacityError, match="Status usaha"):
        cap.record_visit(session, grant, "pendamping", date(2027, 1, 5), "bangkrut")
    cap.record_visit(session, grant, "pendamping", date(2027, 3, 5), "berkembang", "2400000")
    cap.record_visit(session, grant, "pendamping", date(2027, 1, 5), "berjalan", "1200000")
    session.commit()

    path = household_pathway(session, data["a"])
    assert [a["programme"] for a in path["aid"]] == ["BLT Dana Desa"]
    assert [(c["business"], c["status"], c["disbursed_on"]) for c in path["capital"]] == [
        ("Kerupuk ikan", "dicairkan", date(2026, 12, 1))]
    assert [(p["on"], p["amount"]) for p in path["income"]] == [
        (date(2027, 1, 5), Decimal("1200000.00")), (date(2027, 3, 5), Decimal("2400000.00"))]
    # Household b is in no group: no capital, no income from this grant.
    assert household_pathway(session, data["b"])["capital"] == []
