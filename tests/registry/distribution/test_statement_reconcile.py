"""Bank files that reconcile: every line of every version matched or refused or held, returns and
reversals undo a payment and keep the bank's code, batch bookings matched through their PmtInfId or held
until camt.054 brings the details, and a file for another account or currency changes nothing."""
from __future__ import annotations

from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from services.registry.cli.distribution import import_bank_statement
from services.registry.distribution import ledger, statements
from services.registry.distribution.common import DistributionError
from services.registry.distribution.statement_report import report_lines, summarize
from services.registry.models import AuditEntry, BankStatement, LedgerEntry, PaymentItem
from tests.fakes.bank_statement import VERSIONS, Entry, write_camt
from tests.helpers.builders import exported_batch

AMOUNT = Decimal("300000.00")
SQLITE = pytest.mark.parametrize("registry_url", ["sqlite"], indirect=True)


def _items(session, items):
    session.expire_all()
    return [(i.status, i.reason_code) for i in (session.get(PaymentItem, item.id) for item in items)]


def _apply(session, engine, path, **options):
    statement = statements.create_statement(session, path, path.name, "operator", **options)
    return statements.apply_statement(engine, statement.id)


def _count(session, model):
    return session.execute(select(func.count()).select_from(model)).scalar_one()


@SQLITE
@pytest.mark.parametrize("version", VERSIONS)
def test_a_real_shaped_file_of_every_version_reconciles(session, engine, tmp_path, version):
    cycle, batch, items = exported_batch(session, engine)
    e2e = [i.end_to_end_id for i in items]
    path = write_camt(tmp_path / "m.xml", [
        Entry([(e2e[0], AMOUNT)]),
        Entry([(e2e[1], AMOUNT)], "returned", "AC04"),  # refused by the bank before it was paid
        Entry([(e2e[2], AMOUNT)]),
        Entry([(e2e[2], AMOUNT)], "reversal_dbit", "AC06"),  # paid, then reversed: returned
        Entry([("BSK-999-999", AMOUNT)]),
        Entry([(e2e[3], AMOUNT)], "pending"),
        Entry(amount=Decimal("6500"), details=False),
    ], version=version)
    done = _apply(session, engine, path)
    report = summarize(done)
    assert done.message_version == version and report["entries"] == 7 and report["lines"] == 7
    assert (report["paid"], report["rejected_by_bank"], report["returned"]) == (2, 1, 1)
    assert (report["matched"], len(report["refused"]), len(report["unresolved"])) == (4, 3, 0)
    assert report["accounted"] and not report["clean"]
    assert [r["row"] for r in report["refused"]] == [5, 6, 7] and all(r["reason"] for r in report["refused"])
    assert _items(session, items) == [("dibayar", None), ("gagal", "AC04"), ("dikembalikan", "AC06"),
                                      ("dikirim", None)]
    if version.startswith("camt.053"):
        assert report["balances"][0]["balanced"] is True
    assert ledger.verify(session).ok
    assert session.execute(select(LedgerEntry.event).order_by(LedgerEntry.seq)).scalars().all() == [
        "paid", "paid", "returned"]


def test_a_payment_is_never_paid_after_its_return(session, engine, tmp_path):
    cycle, batch, items = exported_batch(session, engine, households=2)
    e2e = [i.end_to_end_id for i in items]
    # The return comes first in the file, the debit after it: the bank refused it, it is not paid.
    first = _apply(session, engine, write_camt(tmp_path / "a.xml", [
        Entry([(e2e[0], AMOUNT)], "reversal", "AC06"), Entry([(e2e[0], AMOUNT)]), Entry([(e2e[1], AMOUNT)])]))
    assert _items(session, items) == [("gagal", "AC06"), ("dibayar", None)]
    assert "berstatus gagal" in first.rejections[0]["reason"]
    back = _apply(session, engine, write_camt(tmp_path / "b.xml", [Entry([(e2e[1], AMOUNT)], "returned", "AC06")],
                                               version="camt.054.001.08"))
    assert back.returned == 1 and _items(session, items)[1] == ("dikembalikan", "AC06")
    again = _apply(session, engine, write_camt(tmp_path / "c.xml", [Entry([(e2e[1], AMOUNT)])],
                                                version="camt.053.001.04"))
    assert again.paid == 0 and "berstatus dikembalikan" in again.rejections[0]["reason"]
    assert _items(session, items) == [("gagal", "AC06"), ("dikembalikan", "AC06")]
    assert ledger.verify(session).ok


@pytest.mark.parametrize("account,currency,iban,words", [
    ("NL77ABNA0417164300", "EUR", True, "rekening NL77ABNA0417164300"),
    ("0021010000000001", "EUR", False, "bermata uang EUR"),
    ("0099990000000009", "IDR", False, "rekening 0099990000000009"),
])
def test_a_file_for_another_account_or_currency_changes_nothing(session, engine, tmp_path, account, currency,
                                                                   iban, words):
    cycle, batch, items = exported_batch(session, engine, households=2)
    path = write_camt(tmp_path / "x.xml", [Entry([(i.end_to_end_id, AMOUNT)]) for i in items], account=account,
                      currency=currency, iban=iban)
    audit_before = _count(session, AuditEntry)
    with pytest.raises(DistributionError, match=f"{words}.*seluruh berkas ditolak"):
        statements.create_statement(session, path, "x.xml", "operator", cycle_id=cycle.id)
    session.rollback()
    assert _count(session, BankStatement) == 0 and _count(session, AuditEntry) == audit_before
    assert _items(session, items) == [("dikirim", None)] * 2 and _count(session, LedgerEntry) == 0


@SQLITE
def test_the_programmes_own_paying_account_is_the_one_checked(session, engine, tmp_path):
    cycle, batch, items = exported_batch(session, engine, households=1)
    cycle.programme.paying_account = "1230006789"
    session.commit()
    village_default = write_camt(tmp_path / "a.xml", [Entry([(items[0].end_to_end_id, AMOUNT)])])
    with pytest.raises(DistributionError, match="bukan rekening pembayar program \\(1230006789\\)"):
        statements.create_statement(session, village_default, "a.xml", "operator")
    session.rollback()
    own = write_camt(tmp_path / "b.xml", [Entry([(items[0].end_to_end_id, AMOUNT)])], account="123-000-6789")
    assert _apply(session, engine, own).paid == 1


@SQLITE
def test_bom_statement_is_read_as_xml(session, engine, tmp_path):
    cycle, batch, items = exported_batch(session, engine, households=1)
    path = write_camt(tmp_path / "bom.xml", [Entry([(items[0].end_to_end_id, AMOUNT)])], bom=True)
    done = _apply(session, engine, path)
    assert (done.file_format, done.message_version, done.paid) == ("camt053", "camt.053.001.08", 1)


def test_batch_booking_matched_by_its_pmtinfid(session, engine, tmp_path):
    cycle, batch, items = exported_batch(session, engine, households=3)
    path = write_camt(tmp_path / "b.xml", [Entry([], batch=batch.reference, nb_of_txs=3, amount=AMOUNT * 3)],
                      version="camt.053.001.02")
    done = _apply(session, engine, path)
    report = summarize(done)
    assert (report["lines"], report["matched"], report["paid"], report["clean"]) == (1, 1, 3, True)
    assert _items(session, items) == [("dibayar", None)] * 3
    twice = _apply(session, engine, path)
    assert (twice.paid, twice.unchanged, summarize(twice)["clean"]) == (0, 1, True)
    assert _count(session, LedgerEntry) == 3 and ledger.verify(session).ok


@SQLITE
def test_a_batch_booking_that_does_not_add_up_is_held_until_camt054_brings_details(session, engine, tmp_path,
                                                                                   monkeypatch, registry_url):
    cycle, batch, items = exported_batch(session, engine, households=3)
    monkeypatch.setenv("REGISTRY_DATABASE_URL", registry_url)
    booking = write_camt(tmp_path / "stmt.xml", [Entry([], batch=batch.reference, nb_of_txs=2, amount=AMOUNT * 2)])
    result = CliRunner().invoke(import_bank_statement, [str(booking), "--batch", str(batch.id)])
    assert result.exit_code == 1, result.output
    assert "belum terselesaikan 1" in result.output and "menunggu rincian transaksi (camt.054)" in result.output
    assert "Baris di berkas 1 = cocok 0 + ditolak 0 + belum terselesaikan 1" in result.output
    assert _items(session, items) == [("dikirim", None)] * 3
    details = write_camt(tmp_path / "ntf.xml", [Entry([(items[0].end_to_end_id, AMOUNT), (items[1].end_to_end_id, AMOUNT)],
                                                      batch=batch.reference),
                                                Entry([(items[2].end_to_end_id, AMOUNT)], "returned", "AC01")],
                         version="camt.054.001.08")
    result = CliRunner().invoke(import_bank_statement, [str(details)])
    assert result.exit_code == 0, result.output
    assert "dibayar 2, dikembalikan 0, ditolak bank 1" in result.output
    assert f"entri batch {batch.reference} dari berkas #1 kini terselesaikan" in result.output
    session.expire_all()
    held = session.get(BankStatement, 1)
    assert summarize(held)["unresolved"] == [] and held.summary["resolved"][0]["by_statement"] == 2
    assert _items(session, items) == [("dibayar", None), ("dibayar", None), ("gagal", "AC01")]


@SQLITE
def test_cli_refuses_another_batch_and_a_foreign_file(session, engine, tmp_path, monkeypatch, registry_url):
    cycle, batch, items = exported_batch(session, engine, households=1)
    monkeypatch.setenv("REGISTRY_DATABASE_URL", registry_url)
    path = write_camt(tmp_path / "a.xml", [Entry([(items[0].end_to_end_id, AMOUNT)])])
    result = CliRunner().invoke(import_bank_statement, [str(path), "--batch", str(batch.id + 1)])
    assert result.exit_code == 2 and "tidak ditemukan" in result.output
    foreign = write_camt(tmp_path / "b.xml", [Entry([(items[0].end_to_end_id, AMOUNT)])], currency="EUR")
    result = CliRunner().invoke(import_bank_statement, [str(foreign)])
    assert result.exit_code == 2 and "Berkas ditolak" in result.output
    result = CliRunner().invoke(import_bank_statement, [str(path), "--batch", str(batch.id)])
    assert result.exit_code == 0 and "Cocok 1: dibayar 1" in result.output
    assert "saldo awal 50000000.00" in result.output and ": cocok" in result.output


@SQLITE
def test_report_lines_name_every_refusal(session, engine, tmp_path):
    cycle, batch, items = exported_batch(session, engine, households=1)
    done = _apply(session, engine, write_camt(tmp_path / "a.xml", [
        Entry([(items[0].end_to_end_id, Decimal("1000"))]), Entry([("X-1", AMOUNT)], "credit")]))
    text = "\n".join(report_lines(done))
    assert "ditolak baris 1 (baris XML" in text and "berbeda dari yang dikirim" in text
    assert "entri kredit tanpa keterangan pengembalian" in text
