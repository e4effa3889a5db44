"""Bank file layouts: Mandiri MCM's header and detail lines, pain.001.001.09 against the official XSD, the
profiles without a public layout refused, and the format chosen per programme or per batch (audited)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from lxml import etree
from sqlalchemy import select

from services.registry.distribution import banks, batches, iso20022
from services.registry.distribution.banks import mandiri_mcm
from services.registry.distribution.common import DistributionError
from services.registry.distribution.iso20022 import Debtor
from services.registry.models import AuditEntry, PaymentItem
from tests.registry.distribution.distribution_fixtures import ents, make_cycle

VILLAGE = Debtor("Pemerintah Desa Kamal", "1410012345678", "BMRIIDJA")
ITEMS = [("BSK-7-101", Decimal("300000"), "008", "1410000000001", "Moh. Sholeh, Bin Ahmad", "Bansos BLT-DD Jan"),
         ("BSK-7-102", Decimal("250000.50"), "BRINIDJA", "002101000000222", "Siti Aminah", "Bansos BLT-DD Jan"),
         ("BSK-7-103", Decimal("300000"), "114", "0011223344", "Warga Tiga", "Bansos BLT-DD Jan")]


def _mcm(tmp_path, items=ITEMS, count=None, total=None):
    path = tmp_path / "mcm.csv"
    mandiri_mcm.write(path, execution_date=date(2027, 1, 20), debtor=VILLAGE,
                      count=len(items) if count is None else count,
                      total=sum(i[1] for i in items) if total is None else total, items=iter(items))
    return path.read_bytes().decode("utf-8").split("\r\n")


def test_mandiri_mcm_header_counts_total_and_one_line_per_transfer(tmp_path):
    lines = _mcm(tmp_path)
    assert lines[-1] == ""  # every line ends with CRLF
    header, details = lines[0].split(","), [line.split(",") for line in lines[1:-1]]
    assert header == ["P", "20270120", "1410012345678", "3", "850000.50"]
    assert len(details) == int(header[3])
    assert sum(Decimal(d[6]) for d in details) == Decimal(header[4])
    assert all(len(d) == 12 for d in details)
    first, second, third = details
    assert first[:2] == ["1410000000001", "Moh. Sholeh Bin Ahmad"]  # no stray field separator
    assert (first[5], first[6], first[8], first[9], first[10]) == ("IDR", "300000.00", "BSK-7-101", "IBU", "")
    assert (second[6], second[9], second[10], second[11]) == ("250000.50", "BAU", "BRINIDJA",
                                                              "BANK RAKYAT INDONESIA")
    assert (third[9], third[10], third[11]) == ("BAU", "114", "BANK JATIM")
    assert all(len(d[8]) <= mandiri_mcm.REFERENCE_MAX and len(d[1]) <= 40 and len(d[7]) <= 140 for d in details)


def test_mandiri_mcm_refuses_a_long_reference_and_a_header_that_would_lie(tmp_path):
    long_ref = [("BSK-123456-123456789", Decimal("1"), "008", "1410000000001", "A", "B")]
    with pytest.raises(DistributionError, match="lebih dari 19 karakter"):
        _mcm(tmp_path, long_ref)
    with pytest.raises(DistributionError, match="Isi batch berubah"):
        _mcm(tmp_path, count=4)
    with pytest.raises(DistributionError, match="Nomor rekening"):
        _mcm(tmp_path, [("BSK-1-1", Decimal("1"), "008", "12-34", "A", "B")])
    assert not (tmp_path / "mcm.csv").exists() or (tmp_path / "mcm.csv").read_text() == ""


def test_pain001_001_09_is_valid_against_the_official_xsd(tmp_path):
    path = tmp_path / "pain09.xml"
    iso20022.write_pain001(path, msg_id="BSK-7", created="2027-01-19T10:00:00", execution_date="2027-01-20",
                           debtor=VILLAGE, count=3, total=Decimal("850000.50"), items=iter(ITEMS),
                           version="pain.001.001.09")
    assert iso20022.validation_errors(path, "pain.001.001.09") == []
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
    doc = etree.parse(str(path))
    assert doc.findtext(".//p:PmtInf/p:ReqdExctnDt/p:Dt", namespaces=ns) == "2027-01-20"
    assert doc.findtext(".//p:DbtrAgt/p:FinInstnId/p:BICFI", namespaces=ns) == "BMRIIDJA"
    assert doc.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=ns) == "3"
    assert doc.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=ns) == "850000.50"
    members = doc.findall(".//p:CdtrAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId", ns)
    assert [m.text for m in members] == ["008", "114"]
    # The same file is not a valid .001.03 (the XSD check would catch a mixed-up version).
    assert iso20022.validation_errors(path, "pain.001.001.03") != []


def test_every_profile_names_its_source_and_layouts_without_a_specification_are_refused():
    assert all(f.source for f in banks.FORMATS.values())
    assert {c for c, _ in banks.choices(available_only=True)} == {"pain.001.001.03", "pain.001.001.09", "csv",
                                                                  "mandiri_mcm"}
    for code in ("bri_cms", "bni_direct", "bank_jatim"):
        with pytest.raises(DistributionError, match="tidak ada spesifikasi publik"):
            banks.export_format(code)
    with pytest.raises(DistributionError, match="tidak dikenal"):
        banks.export_format("swift-mt101")


def test_programme_format_is_the_batch_default_and_the_batch_can_change_it(session, engine, tmp_var):
    cycle = make_cycle(session, households=3, channel="bank", with_accounts=True)
    cycle.programme.payment_export, cycle.programme.paying_account = "mandiri_mcm", "1410012345678"
    session.commit()
    batch, _ = batches.create_batch(session, cycle.id, "operator")
    assert batch.export_format == "mandiri_mcm"
    done = batches.export_batch(engine, batch.id, "operator")
    assert done.status == "siap" and done.xml_path is None
    lines = open(done.export_path, encoding="utf-8").read().splitlines()
    assert lines[0].split(",")[2:] == ["1410012345678", "3", "900000.00"]  # the programme's paying account
    assert [line.split(",")[8] for line in lines[1:]] == [f"BSK-{batch.id}-{e.id}" for e in ents(cycle)]

    batches.choose_export(session, batch.id, "pain.001.001.09", "operator")
    again = batches.export_batch(engine, batch.id, "operator")
    assert again.xml_path == again.export_path
    assert iso20022.validation_errors(again.xml_path, "pain.001.001.09") == []
    change = session.scalars(select(AuditEntry).where(AuditEntry.action == "export_format")).one()
    assert change.details["before"] == {"export_format": "mandiri_mcm"}
    assert change.details["after"] == {"export_format": "pain.001.001.09"}
    exports = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert [e.details["format"] for e in exports] == ["mandiri_mcm", "pain.001.001.09"]

    with pytest.raises(DistributionError, match="spesifikasi publik"):
        batches.choose_export(session, batch.id, "bri_cms", "operator")
    item = session.scalars(select(PaymentItem).where(PaymentItem.batch_id == batch.id)).first()
    item.status = "dibayar"
    session.commit()
    with pytest.raises(DistributionError, match="sudah mengirim hasil"):
        batches.choose_export(session, batch.id, "csv", "operator")


def test_a_batch_the_layout_cannot_carry_fails_with_the_reason(session, engine, tmp_var):
    cycle = make_cycle(session, households=1, channel="bank", with_accounts=True)
    cycle.programme.payment_export = "mandiri_mcm"
    session.commit()
    batch, _ = batches.create_batch(session, cycle.id, "operator")
    item = session.scalars(select(PaymentItem).where(PaymentItem.batch_id == batch.id)).one()
    account = item.bank_account
    account.account_number = "0021-010"  # not digits: MCM cannot carry it
    session.commit()
    done = batches.export_batch(engine, batch.id, "operator")
    assert done.status == "gagal" and "tidak sah untuk Mandiri MCM" in done.error
    assert not list((tmp_var / "payments" / f"batch-{batch.id}").glob("*.tmp"))
    failed = session.scalars(select(AuditEntry).where(AuditEntry.action == "export_failed")).one()
    assert failed.details["format"] == "mandiri_mcm"
    batches.choose_export(session, batch.id, "csv", "operator")  # another format can still be chosen
    assert batches.export_batch(engine, batch.id, "operator").status == "siap"
