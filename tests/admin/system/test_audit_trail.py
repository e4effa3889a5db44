"""Auditors read, export and check the hash-chained audit trail; changes made in the admin land in it."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select, update

from services.registry.models import AuditEntry, Household
from tests.admin.stack import login


def test_an_admin_edit_is_chained_with_who_from_where_and_before_after(client, db):
    household = db.scalars(select(Household).order_by(Household.id)).first()
    login(client, "operator")
    client.post(f"/households/edit/{household.id}", data={
        "no_kk": household.no_kk, "address": "Jl. Uji Audit 7", "rt": household.rt or "", "rw": household.rw or "",
        "dusun": household.dusun or "", "desa": household.desa or ""})
    entry = db.scalars(select(AuditEntry).where(AuditEntry.entity == "household",
                                                AuditEntry.entity_id == str(household.id))
                       .order_by(AuditEntry.seq.desc())).first()
    assert entry is not None and entry.actor == "operator" and entry.source == "127.0.0.1"
    assert entry.details["address"][1] == "Jl. Uji Audit 7" and entry.seq and len(entry.hash) == 64


def test_auditor_exports_the_trail_and_the_chain_checks_out(client, db):
    login(client, "auditor")
    page = client.get("/audit/verify")
    assert b"audit-chain-ok" in page.data
    exported = client.get("/audit/export.csv")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    assert rows[0][:3] == ["NO", "WAKTU", "PELAKU"]
    count = db.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
    assert len(rows) - 1 == count and rows[-1][0] == str(count)


def test_the_operator_cannot_export_and_a_tampered_entry_is_named(client, db):
    login(client, "operator")
    assert client.get("/audit/export.csv").status_code in (302, 403)
    first = db.scalars(select(AuditEntry).order_by(AuditEntry.seq)).first()
    original = first.actor
    db.execute(update(AuditEntry).where(AuditEntry.id == first.id).values(actor="bukan_siapa_siapa"))
    db.commit()
    try:
        page = client.get("/audit/verify").get_data(as_text=True)
        assert "audit-chain-broken" in page and f"entri nomor {first.seq}" in page
    finally:
        db.execute(update(AuditEntry).where(AuditEntry.id == first.id).values(actor=original))
        db.commit()
