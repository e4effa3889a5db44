"""Bank accounts (holder-name check), payment batches and their CSV / pain.001 files (XSD-validated)."""
from __future__ import annotations

import csv
from decimal import Decimal

import pytest
from lxml import etree
from sqlalchemy import func, select

from services.registry.distribution import accounts, batches, iso20022
from services.registry.distribution.common import DistributionError
from services.registry.models import AuditEntry, PaymentItem
from tests.helpers.builders import ents, make_cycle


@pytest.mark.parametrize(("holder", "person", "matches"), [
    ("MOH SHOLEH", "Mohammad Sholeh", True),
    ("Sholeh Muhammad", "Moh. Sholeh", True),
    ("SITI AMINAH", "Sitti Aminah", True),
    ("Abdul Rohman", "Siti Aminah", False),
])
def test_holder_name_token_ratio(holder, person, matches):
    assert (accounts.holder_score(holder, person) >= accounts.MATCH_THRESHOLD) is matches


@pytest.mark.parametrize("registry_url", ["sqlite"], indirect=True)  # no PostgreSQL-specific behaviour
def test_mismatched_holder_is_flagged_not_refused(session):
    cycle = make_cycle(session, households=1, channel="bank")
    head = ents(cycle)[0].recipient
    ok = accounts.save_account(session, head.id, "002", "0021-0100-12345", "MOH SHOLEH BIN AHMAD 0", "operator")
    other = accounts.save_account(session, head.id, "BRINIDJA", "9988776655", "Abdul Rohman", "operator")
    assert ok.holder_name_matches and ok.account_number == "0021010012345"
    assert other.holder_name_matches is False
    audit = session.execute(select(AuditEntry).where(AuditEntry.entity == "bank_account")).scalars().all()
    assert [a.details["holder_name_matches"] for a in audit] == [True, False]
    assert "9988776655" not in str(audit[1].details)  # the audit keeps a masked number
    with pytest.raises(DistributionError, match="Nomor rekening"):
        accounts.save_account(session, head.id, "002", "12ab", "Moh Sholeh", "operator")


def test_batch_from_approved_cycle_exports_valid_pain001_and_csv(session, engine, tmp_var):
    cycle = make_cycle(session, households=5, channel="bank", with_accounts=True)
    no_account = make_cycle(session, households=1, channel="bank", code="PKH")
    batch, skipped = batches.create_batch(session, cycle.id, "operator")
    assert (batch.item_count, batch.total_amount, skipped) == (5, Decimal("1500000.00"), [])
    done = batches.export_batch(engine, batch.id)
    assert (done.status, done.exported_items, done.progress_percent) == ("siap", 5, 100)
    assert iso20022.validation_errors(tmp_var / "payments" / f"batch-{batch.id}" / "pain.001.xml",
                                      "pain.001.001.03") == []
    doc = etree.parse(done.xml_path)
    ns = {"p": iso20022.PAIN001}
    assert doc.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=ns) == "5"
    assert doc.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=ns) == "1500000.00"
    assert len(doc.findall(".//p:CdtTrfTxInf", ns)) == 5
    with open(done.csv_path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["end_to_end_id"] for r in rows] == [f"BSK-{batch.id}-{e.id}" for e in ents(cycle)]
    assert rows[0]["amount"] == "300000.00" and rows[0]["currency"] == "IDR"
    # Exporting again is a no-op; building another batch finds nobody left to pay.
    again = batches.export_batch(engine, batch.id)
    assert again.exported_at.replace(tzinfo=None) == done.exported_at.replace(tzinfo=None)
    assert session.execute(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "export")
                           ).scalar_one() == 1
    assert batches.create_batch(session, cycle.id, "operator") == (None, [])
    none, skipped = batches.create_batch(session, no_account.id, "operator")
    assert none is None and skipped[0]["reason"] == "Rekening penerima belum dicatat"


def test_schema_rejects_a_broken_pain001(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text(f'<Document xmlns="{iso20022.PAIN001}"><CstmrCdtTrfInitn/></Document>')
    assert iso20022.validation_errors(bad, "pain.001.001.03")


@pytest.mark.parametrize("registry_url", ["sqlite"], indirect=True)  # no PostgreSQL-specific behaviour
def test_draft_cycle_cannot_be_batched(session):
    draft = make_cycle(session, households=1, channel="bank", status="draft", with_accounts=True)
    with pytest.raises(DistributionError, match="disetujui"):
        batches.create_batch(session, draft.id, "operator")
    assert session.execute(select(func.count()).select_from(PaymentItem)).scalar_one() == 0
