"""Login per role and what each role may open or change."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from services.registry.models import AuditEntry, Household
from tests.admin.stack import login

ALL_USERS = ["admin", "operator", "mitra_lsm", "mitra_csr", "auditor", "kepala_desa", "bpd"]


@pytest.mark.parametrize("username", ALL_USERS)
def test_each_demo_user_logs_in(client, username):
    response = login(client, username)
    assert response.status_code == 302
    assert "/login" not in response.headers["Location"]
    home = client.get("/")
    assert f"{username}".encode() in home.data or b"Keluar" in home.data or b"Logout" in home.data


def test_wrong_password_is_refused(client):
    response = login(client, "operator", "salah-sandi")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/households/list/").status_code in (302, 403)


def test_anonymous_is_sent_to_login(client):
    client.get("/logout/")
    response = client.get("/recipients/list/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]


@pytest.mark.parametrize(
    ("username", "path", "expected"),
    [
        ("operator", "/households/list/", 200), ("operator", "/imports/", 200), ("operator", "/campaigns/new", 200),
        ("operator", "/households/add", 200),
        ("mitra_lsm", "/households/list/", 403), ("mitra_lsm", "/persons/list/", 403),
        ("mitra_lsm", "/imports/", 403), ("mitra_lsm", "/imports/upload", 403), ("mitra_lsm", "/campaigns/new", 403),
        ("mitra_csr", "/campaigns/", 403), ("mitra_lsm", "/recipients/add", 403), ("mitra_lsm", "/users/list/", 403),
        ("auditor", "/households/list/", 200), ("auditor", "/persons/list/", 200),
        ("auditor", "/recipients/list/", 200),
        ("auditor", "/imports/", 403), ("auditor", "/imports/upload", 403), ("auditor", "/campaigns/new", 403),
        ("auditor", "/households/add", 403), ("auditor", "/persons/add", 403), ("auditor", "/programmes/add", 403),
        ("auditor", "/households/edit/1", 403), ("auditor", "/users/list/", 403),
        ("auditor", "/audit/list/", 200), ("operator", "/audit/list/", 200), ("mitra_lsm", "/audit/list/", 403),
    ],
)
def test_role_permissions(client, username, path, expected):
    login(client, username)
    assert client.get(path).status_code == expected


def test_auditor_cannot_edit_or_delete(client, db):
    household = db.scalars(select(Household).order_by(Household.id)).first()
    before = (household.address, household.rt)
    login(client, "auditor")
    edit = client.post(f"/households/edit/{household.id}", data={"no_kk": household.no_kk, "address": "Diubah"})
    delete = client.post(f"/households/delete/{household.id}")
    add = client.post("/households/add", data={"no_kk": "3526010101260999", "address": "Baru"})
    assert (edit.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    db.expunge_all()
    again = db.get(Household, household.id)
    assert again is not None and (again.address, again.rt) == before
    assert db.scalars(select(Household).where(Household.no_kk == "3526010101260999")).first() is None


def test_operator_adds_and_edits_a_household(client, db):
    login(client, "operator")
    no_kk = "3526011505260042"
    response = client.post("/households/add", data={"no_kk": no_kk, "address": "Jl. Raya Kamal 1", "rt": "001",
                                                    "rw": "002", "dusun": "Dusun Uji"})
    assert response.status_code == 302
    created = db.scalars(select(Household).where(Household.no_kk == no_kk)).one()
    client.post(f"/households/edit/{created.id}", data={"no_kk": no_kk, "address": "Jl. Raya Kamal 2", "rt": "001",
                                                         "rw": "002", "dusun": "Dusun Uji"})
    db.expunge_all()
    assert db.get(Household, created.id).address == "Jl. Raya Kamal 2"
    assert client.post(f"/households/delete/{created.id}").status_code == 302
    db.expunge_all()
    assert db.get(Household, created.id) is None
    trail = db.scalars(select(AuditEntry).where(AuditEntry.entity == "household",
                                                AuditEntry.entity_id == str(created.id)).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor) for e in trail] == [("create", "operator"), ("update", "operator"),
                                                     ("delete", "operator")]
    assert trail[1].details == {"address": ["Jl. Raya Kamal 1", "Jl. Raya Kamal 2"]}
    login(client, "auditor")
    newest_first = client.get("/audit/list/").data.decode()
    assert f"/audit/show/{trail[2].id}\"" in newest_first
    assert client.post(f"/audit/delete/{trail[2].id}").status_code in (403, 404, 405)


def test_operator_rejects_malformed_kk(client, db):
    login(client, "operator")
    response = client.post("/households/add", data={"no_kk": "12345", "address": "Salah"})
    assert response.status_code == 200 and b"Harus 16 angka" in response.data
    assert db.scalars(select(Household).where(Household.no_kk == "12345")).first() is None


def test_interface_is_indonesian_by_default_english_available(client):
    assert "Masukkan nama pengguna dan kata sandi" in client.get("/login/").data.decode()
    login(client, "operator")
    page = client.get("/households/list/").data.decode()
    assert "Daftar Keluarga" in page and "Kepala keluarga" in page and "Jumlah data" in page
    client.get("/lang/en")
    assert "Record Count" in client.get("/households/list/").data.decode()
    client.get("/lang/id")


def test_admin_manages_users_with_their_organisation(client, db):
    from admin.security import BansosUser

    login(client, "admin")
    form = client.get("/users/add").data.decode()
    assert 'name="organisation"' in form and "Yayasan Madura Sejahtera" in form
    mitra = db.scalars(select(BansosUser).where(BansosUser.username == "mitra_lsm")).one()
    shown = client.get(f"/users/show/{mitra.id}").data.decode()
    assert "Yayasan Madura Sejahtera" in shown and "Mitra LSM" in shown
