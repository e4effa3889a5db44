"""The operator sets a programme's payment channel and paying account on the programme form; the change
is audited and a malformed account number is refused with an Indonesian message."""
from __future__ import annotations

from sqlalchemy import select

from services.registry.models import AuditEntry, Programme
from tests.admin.stack import login


def _form(programme, **changes):
    data = {"code": programme.code, "name": programme.name, "kind": programme.kind, "description": "",
            "benefit_amount": "300000", "period_start": "", "period_end": "", "status": "aktif",
            "payment_channel": "tunai", "paying_account": ""}
    data.update(changes)
    return data


def test_operator_switches_programme_to_transfer_where_account_exists(client, db):
    programme = Programme(code="BLT-TRF", name="BLT Transfer", kind="tunai", benefit_amount=300000)
    db.add(programme)
    db.commit()
    login(client, "operator")
    form = client.get(f"/programmes/edit/{programme.id}").data.decode()
    assert "Transfer bila rekening terverifikasi" in form and "Rekening pembayar desa" in form
    bad = client.post(f"/programmes/edit/{programme.id}", data=_form(programme, paying_account="12ab"),
                      follow_redirects=True).data.decode()
    assert "Nomor rekening harus 5-34 angka" in bad
    client.post(f"/programmes/edit/{programme.id}",
                data=_form(programme, payment_channel="bank_jika_ada", paying_account="0021010000000001"),
                follow_redirects=True)
    db.expire_all()
    saved = db.get(Programme, programme.id)
    assert (saved.payment_channel, saved.paying_account) == ("bank_jika_ada", "0021010000000001")
    audit = db.scalars(select(AuditEntry).where(AuditEntry.entity == "programme", AuditEntry.action == "update")
                       .order_by(AuditEntry.id.desc())).first()
    assert "payment_channel" in str(audit.details) and "bank_jika_ada" in str(audit.details)
