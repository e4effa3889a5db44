"""Registri > Pencacah: operators create ODK Collect accounts and change passwords; the Digest HA1 is set with
the password, neither secret reaches a page or the audit trail; auditors read, partners see nothing."""
from __future__ import annotations

import hashlib
import itertools

from sqlalchemy import select
from werkzeug.security import check_password_hash

from services.registry.models import AuditEntry, Enumerator
from tests.admin.stack import login

_NAMES = itertools.count()


def _ha1(username: str, password: str) -> str:
    return hashlib.md5(f"{username}:bansos-openrosa:{password}".encode()).hexdigest()


def test_operator_creates_an_enumerator_and_changes_the_password(client, db):
    username = f"pencacah-admin{next(_NAMES)}"
    login(client, "operator")
    short = client.post("/enumerators/add", data={"username": username, "full_name": "Pencacah Baru",
                                                  "active": "y", "password": "pendek"}, follow_redirects=True)
    assert "minimal 8 karakter" in short.data.decode()
    assert db.scalar(select(Enumerator).where(Enumerator.username == username)) is None

    made = client.post("/enumerators/add", data={"username": username, "full_name": "Pencacah Baru",
                                                 "phone": "+6281234567890", "active": "y",
                                                 "password": "sandi-lapangan-1"})
    assert made.status_code == 302
    enumerator = db.scalars(select(Enumerator).where(Enumerator.username == username)).one()
    assert check_password_hash(enumerator.password_hash, "sandi-lapangan-1")
    assert enumerator.digest_ha1 == _ha1(username, "sandi-lapangan-1")

    # an edit with the password left blank keeps it; a new one replaces hash and HA1 together
    client.post(f"/enumerators/edit/{enumerator.id}", data={"full_name": "Pencacah Dua", "active": "y",
                                                           "password": ""})
    db.expire_all()
    assert db.get(Enumerator, enumerator.id).digest_ha1 == _ha1(username, "sandi-lapangan-1")
    client.post(f"/enumerators/edit/{enumerator.id}", data={"full_name": "Pencacah Dua", "active": "y",
                                                           "password": "sandi-lapangan-2"})
    db.expire_all()
    changed = db.get(Enumerator, enumerator.id)
    assert changed.full_name == "Pencacah Dua" and changed.digest_ha1 == _ha1(username, "sandi-lapangan-2")
    assert check_password_hash(changed.password_hash, "sandi-lapangan-2")

    entries = db.scalars(select(AuditEntry).where(AuditEntry.entity == "survey_enumerator",
                                                  AuditEntry.entity_id == str(enumerator.id))
                         .order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["create", "update", "update"]
    assert entries[0].details["password"] == "diatur" and entries[2].details["password"] == "diganti"
    assert "password" not in entries[1].details
    text = " ".join(str(e.details) for e in entries)
    assert changed.digest_ha1 not in text and "pbkdf2" not in text and "scrypt" not in text

    page = client.get(f"/enumerators/show/{enumerator.id}").data.decode()
    assert "Pencacah Dua" in page and changed.digest_ha1 not in page and changed.password_hash not in page


def test_auditor_reads_enumerators_and_partners_see_nothing(client):
    login(client, "auditor")
    assert client.get("/enumerators/list/").status_code == 200
    assert client.get("/enumerators/add").status_code == 403
    login(client, "mitra_lsm")
    assert client.get("/enumerators/list/").status_code == 403
