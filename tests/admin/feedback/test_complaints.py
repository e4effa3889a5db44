"""Admin complaint screens: staff entry, the clock steps with audit, sensitive categories only for the
restricted roles (Admin, Auditor, Pengawas Pengaduan), partners shut out, and the SP4N-LAPOR! export."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from services.common.db import utcnow
from services.registry.models import AuditEntry, Complaint
from tests.admin.stack import login, make_admin_app, prepare_admin_database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def admin_app(request, tmp_var):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_var / 'registry.db'}"
    else:
        url = request.getfixturevalue("pg").create("admin")
    prepare_admin_database(url)
    app = make_admin_app(url, "filesystem://", bootstrap=False)
    yield app
    app.extensions["database"].engine.dispose() if "database" in app.extensions else None


def _add(client, category: str, body: str, **extra):
    return client.post("/complaints/add", data={"channel": "staf", "category": category, "title": "",
                                                "body": body, "location": "Dusun Krajan", "phone": "",
                                                "sender_name": "", **extra}, follow_redirects=True)


def _complaints(app) -> list[Complaint]:
    with app.app_context():
        from admin.extensions import db_session

        return list(db_session().scalars(select(Complaint).order_by(Complaint.id)))


def test_staff_entry_steps_and_sensitive_scoping(admin_app):
    client = admin_app.test_client()
    login(client, "operator")
    _add(client, "tidak_menerima", "Disampaikan di musyawarah dusun: belum menerima BLT", phone="0812 3456 7890")
    _add(client, "pungli", "Ada pungutan Rp20.000 saat pengambilan beras", anonymous="y", phone="081299998888")
    ordinary, sensitive = _complaints(admin_app)
    assert ordinary.recorded_by == "operator" and ordinary.phone == "+6281234567890" and ordinary.channel == "staf"
    assert re.fullmatch(r"ADU-[A-Z0-9]{8}", ordinary.tracking_code)
    assert sensitive.sensitive and sensitive.anonymous and sensitive.phone is None

    listing = client.get("/complaints/list/").get_data(as_text=True)
    assert ordinary.tracking_code in listing and sensitive.tracking_code not in listing
    assert "Diteruskan paling lambat" in listing
    assert client.get(f"/complaints/show/{sensitive.id}").status_code == 404
    assert client.post(f"/complaints/step/{sensitive.id}", data={"note": "x"}).status_code == 404

    for note in ("Kasi Kesejahteraan Sosial", "Dicek: nama tertukar saat cetak", "Sudah menerima susulan"):
        client.post(f"/complaints/step/{ordinary.id}", data={"note": note})
    ordinary = _complaints(admin_app)[0]
    assert ordinary.status == "selesai" and ordinary.forwarded_to == "Kasi Kesejahteraan Sosial"
    assert ordinary.resolution == "Sudah menerima susulan"
    with admin_app.app_context():
        from admin.extensions import db_session

        actions = db_session().scalars(select(AuditEntry.action).where(
            AuditEntry.entity == "complaint", AuditEntry.entity_id == ordinary.tracking_code)).all()
    assert actions.count("update") == 3

    operator_csv = client.get("/complaints/lapor.csv").get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(operator_csv)))) == 2  # header + the ordinary one

    login(client, "pengawas")
    assert sensitive.tracking_code in client.get("/complaints/list/").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(client.get("/complaints/lapor.csv").get_data(as_text=True))))
    assert rows[0][:6] == ["judul", "isi", "kategori", "tanggal", "lokasi", "status"] and len(rows) == 3

    login(client, "auditor")
    assert sensitive.tracking_code in client.get("/complaints/list/").get_data(as_text=True)
    assert client.post(f"/complaints/step/{sensitive.id}", data={"note": "x"}).status_code in (302, 403)
    assert _complaints(admin_app)[1].status == "baru"  # auditors read, never change

    login(client, "mitra_lsm")
    assert client.get("/complaints/list/").status_code in (302, 403)


def test_overdue_view_lists_late_complaints(admin_app):
    client = admin_app.test_client()
    login(client, "operator")
    _add(client, "data_salah", "Nama di kartu salah ketik sejak tahun lalu")
    _add(client, "layanan", "Petugas tidak ada di balai desa saat jam layanan")
    with admin_app.app_context():
        from admin.extensions import db_session

        session = db_session()
        late = session.scalars(select(Complaint).order_by(Complaint.id)).first()
        late.received_at = utcnow() - timedelta(days=14)
        session.commit()
        code_late = late.tracking_code
    page = client.get("/complaints/overdue").get_data(as_text=True)
    assert code_late in page and "TERLAMBAT" in page
    assert _complaints(admin_app)[1].tracking_code not in page
