"""Bank results (camt.053 and CSV) mark payments paid, failed or returned; re-runs change nothing twice;
failed payments go into a new batch and are paid once."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from services.registry.distribution import batches, camt, ledger, statements
from services.registry.distribution.common import DistributionError
from services.registry.models import BankStatement, Entitlement, LedgerEntry, PaymentItem
from tests.fakes.bank_statement import write_camt053, write_result_csv
from tests.helpers.builders import ents, exported_batch

AMOUNT = Decimal("300000.00")


def _statuses(session, cycle):
    session.expire_all()
    return [session.get(Entitlement, e.id).status for e in ents(cycle)]


def _ledger_count(session, event=None):
    query = select(func.count()).select_from(LedgerEntry)
    if event:
        query = query.where(LedgerEntry.event == event)
    return session.execute(query).scalar_one()


def test_camt053_marks_paid_failed_and_rejects_unknown(session, engine, tmp_path):
    cycle, batch, items = exported_batch(session, engine)
    path = write_camt053(tmp_path / "stmt.xml", [
        (items[0].end_to_end_id, AMOUNT, "paid", None),
        (items[1].end_to_end_id, AMOUNT, "paid", None),
        (items[2].end_to_end_id, AMOUNT, "returned", "AC04"),  # refused before paying: failed
        ("BSK-999-999", AMOUNT, "paid", None),
    ])
    assert camt.validation_errors(path.read_bytes()) == ("camt.053.001.02", [])
    statement = statements.create_statement(session, path, "stmt.xml", "operator")
    done = statements.apply_statement(engine, statement.id)
    assert (done.status, done.paid, done.failed, done.returned) == ("selesai", 2, 1, 0)
    assert [r["reason"] for r in done.rejections] == ["referensi pembayaran tidak dikenal"]
    assert _statuses(session, cycle) == ["disalurkan", "disalurkan", "gagal", "menunggu"]
    session.expire_all()
    failed = session.get(PaymentItem, items[2].id)
    assert (failed.status, failed.reason_code, failed.live_entitlement_id) == ("gagal", "AC04", None)
    assert _ledger_count(session, "paid") == 2 and ledger.verify(session).ok


def test_same_statement_twice_changes_nothing_twice(session, engine, tmp_path):
    cycle, batch, items = exported_batch(session, engine)
    path = write_result_csv(tmp_path / "hasil.csv", [(i.end_to_end_id, AMOUNT, "berhasil", None) for i in items])
    first = statements.apply_statement(engine, statements.create_statement(session, path, "hasil.csv", "op").id)
    second = statements.apply_statement(engine, statements.create_statement(session, path, "hasil.csv", "op").id)
    assert (first.paid, second.paid, second.unchanged) == (4, 0, 4)
    assert statements.apply_statement(engine, first.id).paid == 4  # a finished job is left alone
    assert _ledger_count(session, "paid") == 4


def test_returned_after_paid_then_rebatched_and_paid_once(session, engine, tmp_path):
    cycle, batch, items = exported_batch(session, engine, households=2)
    paid = write_result_csv(tmp_path / "a.csv", [(i.end_to_end_id, AMOUNT, "paid", None) for i in items])
    statements.apply_statement(engine, statements.create_statement(session, paid, "a.csv", "op").id)
    back = write_camt053(tmp_path / "b.xml", [(items[0].end_to_end_id, AMOUNT, "returned", "AC06")])
    done = statements.apply_statement(engine, statements.create_statement(session, back, "b.xml", "op").id)
    assert done.returned == 1
    assert _statuses(session, cycle) == ["dikembalikan", "disalurkan"]
    rebatch, _ = batches.create_batch(session, cycle.id, "operator")
    assert rebatch.item_count == 1  # only the returned one; the paid one is never batched again
    new_item = session.execute(select(PaymentItem).where(PaymentItem.batch_id == rebatch.id)).scalar_one()
    assert new_item.entitlement_id == items[0].entitlement_id
    again = write_result_csv(tmp_path / "c.csv", [(new_item.end_to_end_id, AMOUNT, "paid", None),
                                                  (items[1].end_to_end_id, AMOUNT, "paid", None)])
    statements.apply_statement(engine, statements.create_statement(session, again, "c.csv", "op").id)
    assert _statuses(session, cycle) == ["disalurkan", "disalurkan"]
    events = session.execute(select(LedgerEntry.event).order_by(LedgerEntry.seq)).scalars().all()
    assert events == ["paid", "paid", "returned", "paid"]
    assert ledger.verify(session).ok


def test_failed_payment_rebatched_and_a_paid_one_is_never_paid_twice(session, engine, tmp_path):
    cycle, batch, items = exported_batch(session, engine, households=2)
    result = write_result_csv(tmp_path / "r.csv", [(items[0].end_to_end_id, None, "gagal", "AC01"),
                                                   (items[1].end_to_end_id, AMOUNT, "dibayar", None)], ",")
    statements.apply_statement(engine, statements.create_statement(session, result, "r.csv", "op").id)
    rebatch, _ = batches.create_batch(session, cycle.id, "operator")
    assert [i.entitlement_id for i in rebatch.items] == [items[0].entitlement_id]
    # A forged "paid" line for the old failed item does not pay it.
    forged = write_result_csv(tmp_path / "f.csv", [(items[0].end_to_end_id, AMOUNT, "paid", None)])
    done = statements.apply_statement(engine, statements.create_statement(session, forged, "f.csv", "op").id)
    assert done.paid == 0 and "gagal" in done.rejections[0]["reason"]


@pytest.mark.parametrize("registry_url", ["sqlite"], indirect=True)  # no PostgreSQL-specific behaviour
def test_bad_files_are_refused_with_a_reason(session, engine, tmp_path):
    exported_batch(session, engine, households=1)
    no_status = tmp_path / "x.csv"
    no_status.write_text("end_to_end_id,amount\nBSK-1-1,300000\n")
    with pytest.raises(DistributionError, match="kolom end_to_end_id dan status"):
        statements.create_statement(session, no_status, "x.csv", "op")
    bad_xml = tmp_path / "bad.xml"
    bad_xml.write_text('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt/></Document>')
    with pytest.raises(DistributionError, match="camt.053.001.02 tidak sah: baris 1: elemen BkToCstmrStmt tidak lengkap: kurang GrpHdr"):
        statements.create_statement(session, bad_xml, "bad.xml", "op")
    assert session.execute(select(func.count()).select_from(BankStatement)).scalar_one() == 0


@pytest.mark.parametrize("registry_url", ["sqlite"], indirect=True)  # no PostgreSQL-specific behaviour
def test_wrong_amount_and_unknown_status_are_reported_not_applied(session, engine, tmp_path):
    cycle, batch, items = exported_batch(session, engine, households=2)
    path = write_result_csv(tmp_path / "w.csv", [(items[0].end_to_end_id, Decimal("30000"), "paid", None),
                                                 (items[1].end_to_end_id, AMOUNT, "entah", None)])
    done = statements.apply_statement(engine, statements.create_statement(session, path, "w.csv", "op").id)
    assert done.paid == 0 and [r["row"] for r in done.rejections] == [2, 3]
    assert "berbeda" in done.rejections[0]["reason"] and "tidak dikenal" in done.rejections[1]["reason"]
    assert _statuses(session, cycle) == ["menunggu", "menunggu"]
