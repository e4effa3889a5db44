"""Distribution screens through the test client, on SQLite and PostgreSQL: pickup desk (typed QR text,
second pickup refused), partner scoping, cards PDF, bank batch download, statement upload, ledger check."""
from __future__ import annotations

import itertools
from decimal import Decimal

from sqlalchemy import select

from services.registry.distribution import batches, cards, statements
from services.registry.models import BankStatement, Entitlement, LedgerEntry, PaymentBatch, PaymentItem
from tests.admin.stack import login, queued_tasks
from tests.fakes.bank_statement import Entry, write_camt, write_result_csv
from tests.helpers.builders import ents, make_cycle

_codes = itertools.count(1)


def _cycle(db, **kwargs):
    n = next(_codes)
    return make_cycle(db, code=f"DIST-{n}", kk_prefix=f"35269{n:03d}9999", **kwargs)


def test_pickup_desk_records_once_and_refuses_the_second(client, db):
    cycle = _cycle(db, households=2)
    entitlement = ents(cycle)[0]
    token = cards.make_token(entitlement.id, cycle.id)
    login(client, "operator")
    page = client.post("/distribution/pickup", data={"token": token.lower()}).data.decode()
    assert "Moh. Sholeh" in page and "Siti Aminah" in page and "Ahmad Kecil" not in page
    assert entitlement.recipient.nik in page  # the operator sees the full NIK
    done = client.post("/distribution/pickup/record", data={
        "token": token, "collector_id": entitlement.recipient_id, "location": "Balai Desa Kamal",
        "handed_over_by": "Bu Rina"}, follow_redirects=True).data.decode()
    assert "Tercatat" in done
    again = client.post("/distribution/pickup", data={"token": token}).data.decode()
    assert "SUDAH DIAMBIL" in again and 'id="record-form"' not in again
    replay = client.post("/distribution/pickup/record", data={
        "token": token, "collector_id": entitlement.recipient_id, "location": "Balai", "handed_over_by": "X"},
        follow_redirects=True).data.decode()
    assert "SUDAH DIAMBIL" in replay
    db.expire_all()
    assert db.get(Entitlement, entitlement.id).status == "disalurkan"
    assert len(db.scalars(select(LedgerEntry).where(LedgerEntry.entitlement_id == entitlement.id)).all()) == 1
    forged = client.post("/distribution/pickup", data={"token": token[:-3] + "AAA"}).data.decode()
    assert "palsu" in forged


def test_partner_sees_only_own_programmes_and_auditor_cannot_record(client, db):
    cycle = _cycle(db, households=1)
    entitlement = ents(cycle)[0]
    token = cards.make_token(entitlement.id, cycle.id)
    login(client, "mitra_lsm")
    assert client.get(f"/distribution/cycles/{cycle.id}").status_code == 404
    assert "bukan wewenang" in client.post("/distribution/pickup", data={"token": token}).data.decode()
    login(client, "auditor")
    page = client.get(f"/distribution/cycles/{cycle.id}").data.decode()
    assert "Hash kepala" in page and 'id="create-batch"' not in page  # reads, changes nothing
    client.post("/distribution/pickup/record", data={"token": token, "collector_id": entitlement.recipient_id,
                                                     "location": "Balai", "handed_over_by": "X"})
    db.expire_all()
    assert db.get(Entitlement, entitlement.id).status == "menunggu"


def test_cards_pdf_and_ledger_check(client, db):
    cycle = _cycle(db, households=3)
    login(client, "operator")
    pdf = client.get(f"/distribution/cycles/{cycle.id}/cards.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    checked = client.post("/distribution/ledger/check", follow_redirects=True).data.decode()
    assert "Buku besar utuh" in checked


def test_bank_batch_download_and_statement_upload(client, db, stack, tmp_path):
    cycle = _cycle(db, households=3, channel="bank", with_accounts=True)
    stack.flush_broker()
    login(client, "operator")
    created = client.post(f"/payments/cycles/{cycle.id}/batches", follow_redirects=True).data.decode()
    batch = db.scalars(select(PaymentBatch).where(PaymentBatch.cycle_id == cycle.id)).one()
    assert batch.reference in created
    assert ("registry.export_payment_batch", {"payload": {"batch_id": batch.id, "requested_by": "operator"}}) in \
        queued_tasks(stack.broker, stack.var, "registry")
    batches.export_batch(stack.app.extensions["database"].engine, batch.id)  # what the worker does
    xml = client.get(f"/payments/batches/{batch.id}/xml")
    assert xml.status_code == 200 and b"pain.001.001.03" in xml.data
    login(client, "mitra_lsm")
    assert client.get(f"/payments/batches/{batch.id}/csv").status_code != 200
    login(client, "operator")
    items = db.scalars(select(PaymentItem).where(PaymentItem.batch_id == batch.id)).all()
    result = write_result_csv(tmp_path / "hasil.csv", [(i.end_to_end_id, Decimal("300000"), "paid", None)
                                                       for i in items])
    with result.open("rb") as handle:
        client.post(f"/payments/cycles/{cycle.id}/statements",
                    data={"statement": (handle, "hasil.csv")}, content_type="multipart/form-data")
    statement = db.scalars(select(BankStatement).order_by(BankStatement.id.desc())).first()
    statements.apply_statement(stack.app.extensions["database"].engine, statement.id)
    page = client.get(f"/payments/statements/{statement.id}").data.decode()
    assert "dibayar 3, gagal 0" in page


def test_camt_upload_report_accounts_for_every_entry(client, db, stack, tmp_path):
    cycle = _cycle(db, households=3, channel="bank", with_accounts=True)
    batch, _ = batches.create_batch(db, cycle.id, "operator")
    engine = stack.app.extensions["database"].engine
    batches.export_batch(engine, batch.id)
    items = db.scalars(select(PaymentItem).where(PaymentItem.batch_id == batch.id).order_by(PaymentItem.id)).all()
    amount = Decimal("300000")
    login(client, "operator")
    before = db.scalars(select(BankStatement.id)).all()
    foreign = write_camt(tmp_path / "nl.xml", [Entry([(items[0].end_to_end_id, amount)])],
                         account="NL77ABNA0417164300", currency="EUR", iban=True)
    with foreign.open("rb") as handle:
        page = client.post(f"/payments/cycles/{cycle.id}/statements", data={"statement": (handle, "nl.xml")},
                           content_type="multipart/form-data", follow_redirects=True).data.decode()
    assert "NL77ABNA0417164300" in page and "seluruh berkas ditolak" in page
    assert db.scalars(select(BankStatement.id)).all() == before
    path = write_camt(tmp_path / "stmt.xml", [
        Entry([(items[0].end_to_end_id, amount)]), Entry([(items[1].end_to_end_id, amount)], "returned", "AC04"),
        Entry([], batch="BSK-LAIN-1", nb_of_txs=1, amount=amount), Entry(amount=Decimal("6500"), details=False)],
        version="camt.053.001.04", bom=True)
    with path.open("rb") as handle:
        client.post(f"/payments/cycles/{cycle.id}/statements", data={"statement": (handle, "stmt.xml")},
                    content_type="multipart/form-data")
    statement = db.scalars(select(BankStatement).where(BankStatement.id.not_in(before or [0]))).one()
    statements.apply_statement(engine, statement.id)
    page = client.get(f"/payments/statements/{statement.id}").data.decode()
    assert "camt.053.001.04" in page and "4 entri, 4 baris transaksi" in page
    assert '<td id="report-paid">1</td>' in page and '<td id="report-rejected-by-bank">1</td>' in page
    assert '<td id="report-refused">2</td>' in page and '<td id="report-unresolved">0</td>' in page
    assert "baris 4 = cocok 2 + ditolak 2 + belum terselesaikan 0" in page
    assert "batch BSK-LAIN-1 tidak dikenal" in page and "NtryDtls" in page and "cocok</strong>" in page


def test_bad_statement_upload_is_refused_with_reason(client, db):
    cycle = _cycle(db, households=1, channel="bank", with_accounts=True)
    login(client, "operator")
    import io

    page = client.post(f"/payments/cycles/{cycle.id}/statements",
                       data={"statement": (io.BytesIO(b"foo,bar\n1,2\n"), "x.csv")},
                       content_type="multipart/form-data", follow_redirects=True).data.decode()
    assert "kolom end_to_end_id dan status" in page


def test_account_with_other_holder_name_is_flagged(client, db):
    cycle = _cycle(db, households=1)
    person = ents(cycle)[0].recipient
    login(client, "operator")
    page = client.post("/payments/accounts/add", data={"nik": person.nik, "bank_code": "002",
                                                       "account_number": "1234567890", "holder_name": "Abdul Rohman"},
                       follow_redirects=True).data.decode()
    assert "TIDAK COCOK" in page and "tidak cocok dengan" in page


def test_partner_records_pickup_for_own_programme_with_masked_nik(client, db):
    from services.registry.models import Organisation, ProgrammePartner

    cycle = _cycle(db, households=1)
    organisation = db.scalars(select(Organisation).where(Organisation.name == "Yayasan Madura Sejahtera")).one()
    db.add(ProgrammePartner(programme_id=cycle.programme_id, organisation_id=organisation.id, role="pelaksana"))
    db.commit()
    entitlement = ents(cycle)[0]
    token = cards.make_token(entitlement.id, cycle.id)
    login(client, "mitra_lsm")
    assert client.get(f"/distribution/cycles/{cycle.id}").status_code == 200
    page = client.post("/distribution/pickup", data={"token": token}).data.decode()
    assert entitlement.recipient.nik not in page and entitlement.recipient.nik[-4:] in page
    client.post("/distribution/pickup/record", data={"token": token, "collector_id": entitlement.recipient_id,
                                                     "location": "Posko LSM", "handed_over_by": "Relawan"})
    db.expire_all()
    assert db.get(Entitlement, entitlement.id).status == "disalurkan"


def test_batch_exported_again_in_another_format_from_the_batch_screen(client, db, stack):
    cycle = _cycle(db, households=2, channel="bank", with_accounts=True)
    engine = stack.app.extensions["database"].engine
    login(client, "operator")
    client.post(f"/payments/cycles/{cycle.id}/batches")
    batch = db.scalars(select(PaymentBatch).where(PaymentBatch.cycle_id == cycle.id)).one()
    batches.export_batch(engine, batch.id)
    page = client.get(f"/payments/batches/{batch.id}").data.decode()
    assert 'id="choose-export"' in page and "BRI CMS" in page and "tidak ada spesifikasi publik" in page
    stack.flush_broker()
    refused = client.post(f"/payments/batches/{batch.id}/export", data={"export_format": "bri_cms"},
                          follow_redirects=True).data.decode()
    assert "belum bisa dipilih" in refused and queued_tasks(stack.broker, stack.var, "registry") == []
    done = client.post(f"/payments/batches/{batch.id}/export", data={"export_format": "mandiri_mcm"},
                       follow_redirects=True).data.decode()
    assert "diekspor ulang sebagai Mandiri MCM" in done
    assert ("registry.export_payment_batch", {"payload": {"batch_id": batch.id, "requested_by": "operator"}}) in \
        queued_tasks(stack.broker, stack.var, "registry")
    batches.export_batch(engine, batch.id)
    mcm = client.get(f"/payments/batches/{batch.id}/bank")
    assert mcm.status_code == 200 and mcm.data.startswith(b"P,")
    assert f"{batch.reference}-mandiri-mcm.csv" in mcm.headers["Content-Disposition"]
    assert client.get(f"/payments/batches/{batch.id}/xml").status_code == 404  # no pain.001 for this one
