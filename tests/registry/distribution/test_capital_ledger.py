"""Business capital through the distribution channels, on SQLite and PostgreSQL: every payout (cash, goods or
bank) and every loan repayment is a hash-chained ledger entry and an audit entry, counted against the grant's
funding source (overspending refused); the household pathway shows cash -> training -> capital -> income."""
from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from services.registry.capacity import capital as cap
from services.registry.capacity.common import CapacityError
from services.registry.capacity.pathway import household_pathway
from services.registry.distribution import cards, ledger, pickup
from services.registry.models import (
    AuditEntry,
    BankAccount,
    CapitalGrant,
    FundingSource,
    LedgerEntry,
    Training,
    TrainingEnrolment,
)
from services.registry.programmes.models.read import source_status
from tests.helpers.builders import ents, make_cycle


@pytest.fixture
def cycle(session):
    return make_cycle(session, households=2, code="BLT-MODAL")


def _source(session, programme, amount, name="Dana CSR Modal 2027"):
    source = FundingSource(programme=programme, name=name, kind="csr", budget=Decimal(amount))
    session.add(source)
    session.flush()
    return source


def _approved(session, household, programme, source, amount, kind="hibah", instalments=None):
    grant = cap.propose(session, "operator", kind=kind, business="Warung kopi", amount=amount, household=household,
                        programme=programme, funding_source=source, instalments=instalments)
    cap.assess(session, grant, "pendamping", "Layak")
    cap.decide(session, grant, "kepala_desa", approve=True)
    session.commit()
    return grant


def _capital_entries(session, grant):
    return session.scalars(select(LedgerEntry).where(LedgerEntry.capital_grant_id == grant.id)
                           .order_by(LedgerEntry.seq)).all()


def test_cash_payout_is_a_ledger_entry_and_tampering_is_detected(session, cycle):
    household = ents(cycle)[0].household
    source = _source(session, cycle.programme, "10000000")
    grant = _approved(session, household, cycle.programme, source, "2000000")
    child = next(p for p in household.members if p.name.startswith("Ahmad Kecil"))
    with pytest.raises(CapacityError, match="Pengambil bukan anggota"):
        cap.disburse(session, grant, "bendahara", "tunai", collector_id=child.id, location="Balai", handed_over_by="X")
    with pytest.raises(CapacityError, match="lokasi"):
        cap.disburse(session, grant, "bendahara", "tunai", collector_id=household.members[0].id, location=" ",
                     handed_over_by="X")
    spouse = next(p for p in household.members if p.name.startswith("Siti"))
    payout = cap.disburse(session, grant, "bendahara", "tunai", on=date(2027, 2, 1), collector_id=spouse.id,
                          location="Balai Desa Kamal", handed_over_by="Bu Rina")
    session.commit()
    assert cap.disburse(session, grant, "bendahara", "tunai") is payout  # a retry pays nothing more
    [entry] = _capital_entries(session, grant)
    assert (entry.event, entry.amount, entry.cycle_id, payout.ledger_seq) == ("collected", Decimal("2000000.00"),
                                                                              None, entry.seq)
    assert entry.payload["location"] == "Balai Desa Kamal" and entry.payload["collector_id"] == spouse.id
    assert payout.collector_name == spouse.name
    audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "capital_grant",
                                                     AuditEntry.action == "dicairkan")).one()
    assert audit.details["ledger_seq"] == entry.seq and audit.details["channel"] == "tunai"
    assert ledger.verify(session).ok
    status = source_status(session, source)
    assert (status["disbursed"], status["capital_disbursed"], status["available"]) == (2000000, 2000000, 8000000)

    session.execute(update(LedgerEntry).where(LedgerEntry.id == entry.id).values(amount=Decimal("2500000")))
    session.commit()
    result = ledger.verify(session)
    assert not result.ok and result.broken_seq == entry.seq


def test_bank_payout_needs_the_recipients_checked_account_and_a_reference(session, cycle):
    first, second = (e.household for e in ents(cycle))
    grant = _approved(session, first, cycle.programme, None, "1500000")
    stranger = BankAccount(person=second.members[0], bank_code="002", account_number="0099000111",
                           holder_name=second.members[0].name)
    wrong_name = BankAccount(person=first.members[0], bank_code="002", account_number="0099000222",
                             holder_name="Abdul Rohman", holder_name_matches=False)
    good = BankAccount(person=first.members[0], bank_code="002", bank_name="BRI", account_number="0099000333",
                       holder_name=first.members[0].name)
    session.add_all([stranger, wrong_name, good])
    session.commit()
    with pytest.raises(CapacityError, match="rekening bank aktif milik penerima"):
        cap.disburse(session, grant, "bendahara", "bank", bank_account_id=stranger.id, bank_reference="T1")
    with pytest.raises(CapacityError, match="tidak cocok"):
        cap.disburse(session, grant, "bendahara", "bank", bank_account_id=wrong_name.id, bank_reference="T1")
    with pytest.raises(CapacityError, match="referensi"):
        cap.disburse(session, grant, "bendahara", "bank", bank_account_id=good.id, bank_reference="")
    session.rollback()
    cap.disburse(session, grant, "bendahara", "bank", bank_account_id=good.id, bank_reference="BRI-778899")
    session.commit()
    [entry] = _capital_entries(session, grant)
    assert entry.event == "paid" and entry.payload["bank_reference"] == "BRI-778899"
    assert entry.payload["account_last4"] == "0333" and "0099000333" not in str(entry.payload)  # no full account
    assert ledger.verify(session).ok


def test_funding_source_refuses_overspending_at_approval_and_at_payout(session, cycle):
    first, second = (e.household for e in ents(cycle))
    source = _source(session, cycle.programme, "3000000")
    grant = _approved(session, first, cycle.programme, source, "2000000")
    over = cap.propose(session, "operator", kind="hibah", business="Bengkel", amount="1500000", household=second,
                       programme=cycle.programme, funding_source=source)
    cap.assess(session, over, "pendamping", "Layak")
    with pytest.raises(CapacityError, match="tidak cukup"):
        cap.decide(session, over, "kepala_desa", approve=True)
    session.rollback()
    # The budget is cut after the approval: the payout itself is refused, nothing is written.
    source.budget = Decimal("1000000")
    session.commit()
    entries_before = session.scalars(select(LedgerEntry)).all()
    with pytest.raises(CapacityError, match="tidak cukup untuk pencairan"):
        cap.disburse(session, grant, "bendahara", "tunai", collector_id=first.members[0].id, location="Balai",
                     handed_over_by="Bu Rina")
    session.rollback()
    assert session.scalars(select(LedgerEntry)).all() == entries_before and grant.status == "disetujui"
    other = _source(session, cycle.programme, "1", name="Dana lain")
    with pytest.raises(CapacityError, match="milik program"):
        cap.propose(session, "operator", kind="hibah", business="X", amount=1, household=first, funding_source=other)


def test_loan_repayments_are_their_own_ledger_events(session, cycle):
    household = ents(cycle)[0].household
    source = _source(session, cycle.programme, "5000000")
    loan = _approved(session, household, cycle.programme, source, "900000", kind="pinjaman", instalments=3)
    cap.disburse(session, loan, "bendahara", "tunai", on=date(2027, 1, 10), collector_id=household.members[0].id,
                 location="Kantor Desa", handed_over_by="Bendahara")
    cap.record_payment(session, loan, 300000, "bendahara", on=date(2027, 2, 10))
    cap.record_payment(session, loan, 300000, "bendahara", on=date(2027, 2, 10))  # same key: once
    session.commit()
    events = [(e.event, e.amount) for e in _capital_entries(session, loan)]
    assert events == [("collected", Decimal("900000.00")), ("repaid", Decimal("300000.00"))]
    assert loan.payments[0].ledger_seq == _capital_entries(session, loan)[1].seq
    status = source_status(session, source)
    assert (status["disbursed"], status["repaid"]) == (900000, 300000)
    assert ledger.verify(session).ok


def test_pathway_shows_cash_received_training_capital_and_income(session, cycle):
    entitlement = ents(cycle)[0]
    household = entitlement.household
    pickup.record_pickup(session, cards.make_token(entitlement.id, cycle.id), collector_id=entitlement.recipient_id,
                         location="Balai Desa", handed_over_by="Bu Rina", actor="operator")
    training = Training(topic="Pembukuan warung", capacity=10)
    session.add(training)
    session.add(TrainingEnrolment(training=training, person=household.members[1], status="selesai"))
    grant = _approved(session, household, cycle.programme, None, "1000000")
    payout = cap.disburse(session, grant, "bendahara", "tunai", on=date(2027, 3, 1),
                          collector_id=household.members[0].id, location="Balai", handed_over_by="Bu Rina")
    cap.record_visit(session, grant, "pendamping", date(2027, 6, 1), "berkembang", "1800000")
    session.commit()
    path = household_pathway(session, household)
    assert [(r["cycle"], r["amount"], r["status"]) for r in path["received"]] == [
        (cycle.name, Decimal("300000.00"), "disalurkan")]
    assert [t["training"] for t in path["trainings"]] == ["Pembukuan warung"]
    assert [(c["channel"], c["ledger_seq"]) for c in path["capital"]] == [("tunai", payout.ledger_seq)]
    assert [(i["on"], i["amount"]) for i in path["income"]] == [(date(2027, 6, 1), Decimal("1800000.00"))]
    # One chain holds both the cash pickup and the capital payout.
    assert [e.event for e in session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq))] == ["collected",
                                                                                                "collected"]
    assert ledger.verify(session).ok


def test_two_payouts_racing_for_the_last_money_pay_once(session, engine, cycle):
    """Both grants were approved (here directly: e.g. before a budget cut); the ledger lock serialises the
    two payouts, so the second sees the first's money as spent and is refused on both databases."""
    first, second = (e.household for e in ents(cycle))
    source = _source(session, cycle.programme, "3000000")
    ids = []
    for household in (first, second):
        grant = CapitalGrant(kind="hibah", household_id=household.id, programme_id=cycle.programme_id,
                             funding_source_id=source.id, business="Warung", amount_requested=Decimal("2000000"),
                             amount_approved=Decimal("2000000"), status="disetujui")
        session.add(grant)
        session.flush()
        ids.append((grant.id, household.members[0].id))
    session.commit()
    start, outcomes = threading.Barrier(2), []

    def pay(grant_id, person_id):
        with Session(engine) as own:
            try:
                start.wait()
                cap.disburse(own, own.get(CapitalGrant, grant_id), "bendahara", "tunai", collector_id=person_id,
                             location="Balai", handed_over_by="Bu Rina")
                own.commit()
                outcomes.append("paid")
            except CapacityError as exc:
                own.rollback()
                outcomes.append(str(exc))
            except OperationalError:  # SQLite: the other writer held the database lock too long
                own.rollback()
                outcomes.append("locked")

    threads = [threading.Thread(target=pay, args=pair) for pair in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("paid") == 1, outcomes
    assert session.scalar(select(func.count()).select_from(LedgerEntry)
                          .where(LedgerEntry.capital_grant_id.is_not(None))) == 1
    assert source_status(session, source)["disbursed"] == Decimal("2000000")
    assert ledger.verify(session).ok


def test_loan_paid_out_in_two_tranches_each_in_the_ledger(session, cycle):
    household = ents(cycle)[0].household
    source = _source(session, cycle.programme, "5000000")
    loan = _approved(session, household, cycle.programme, source, "1000000", kind="pinjaman", instalments=2)
    account = BankAccount(person=household.members[0], bank_code="002", account_number="0099777001",
                          holder_name=household.members[0].name)
    session.add(account)
    session.commit()
    first = cap.disburse(session, loan, "bendahara", "bank", on=date(2027, 1, 5), key="t1", amount="400000",
                         bank_account_id=account.id, bank_reference="BRI-T1")
    session.commit()
    assert cap.disburse(session, loan, "bendahara", "bank", key="t1", amount="400000") is first  # retry: no-op
    assert (loan.status, loan.schedule) == ("disetujui", [])  # not fully paid: no schedule, no repayments yet
    with pytest.raises(CapacityError, match="melebihi sisa yang belum dicairkan"):
        cap.disburse(session, loan, "bendahara", "tunai", key="t2", amount="700000",
                     collector_id=household.members[0].id, location="Balai", handed_over_by="Bu Rina")
    session.rollback()
    cap.disburse(session, loan, "bendahara", "tunai", on=date(2027, 2, 5), key="t2",
                 collector_id=household.members[0].id, location="Balai", handed_over_by="Bu Rina")
    session.commit()
    assert loan.status == "dicairkan" and [i.due_on for i in loan.schedule] == [date(2027, 3, 5), date(2027, 4, 5)]
    assert [(e.event, e.amount) for e in _capital_entries(session, loan)] == [
        ("paid", Decimal("400000.00")), ("collected", Decimal("600000.00"))]
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "capital_grant",
                                                              AuditEntry.entity_id == str(loan.id))
                              .order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["tranche", "dicairkan"]
    assert source_status(session, source)["disbursed"] == Decimal("1000000")
    assert ledger.verify(session).ok
