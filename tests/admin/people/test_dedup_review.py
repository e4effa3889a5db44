"""Kasus data ganda in the admin: operators decide (audited), auditors only read, partners see nothing;
Siapa Dapat Apa: full numbers for staff, own programmes and masked numbers for partners."""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from services.common.privacy import mask_nik
from services.registry.models import AuditEntry, DedupCluster, Enrolment, Person, PersonSkill, Programme
from tests.admin.people.dedup_cases import add_cases
from tests.admin.stack import login, queued_tasks

_CALLS = itertools.count()


@pytest.fixture
def cases(stack):
    return add_cases(stack.app.extensions["database"].engine, next(_CALLS))


def test_operator_sees_the_case_side_by_side(client, cases):
    login(client, "operator")
    listing = client.get("/dedup/").data.decode()
    assert f"/dedup/{cases['nik']}" in listing and "NIK sama di dua KK" in listing
    page = client.get(f"/dedup/{cases['nik']}").data.decode()
    assert "Moh. Kholil" in page and "Mochammad Cholil" in page and 'id="do-merge"' in page


def test_dismiss_needs_a_reason_then_closes_the_case_with_an_audit_entry(client, db, cases):
    login(client, "operator")
    refused = client.post(f"/dedup/{cases['name']}/decide", data={"action": "dismiss", "reason": ""},
                          follow_redirects=True)
    assert "Alasan wajib diisi" in refused.data.decode()
    assert db.get(DedupCluster, cases["name"]).status == "terbuka"
    client.post(f"/dedup/{cases['name']}/decide", data={"action": "dismiss", "reason": "Kakak beradik, dicek RT"})
    db.expire_all()
    case = db.get(DedupCluster, cases["name"])
    assert (case.status, case.decided_by, case.reason) == ("bukan_duplikat", "operator", "Kakak beradik, dicek RT")
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "dedup_dismiss",
                                                AuditEntry.entity_id == str(case.id))).one()
    assert entry.actor == "operator" and entry.details["after"] == {"status": "bukan_duplikat"}


def test_merge_from_the_admin_keeps_the_chosen_record(client, db, cases):
    login(client, "operator")
    copy = next(m.person_ref for m in db.get(DedupCluster, cases["nik"]).members
                if m.person_ref != cases["kholil_person"])
    db.add_all([PersonSkill(person_id=cases["kholil_person"], skill="nelayan", level="dasar"),
                PersonSkill(person_id=copy, skill="nelayan", level="mahir")])
    db.commit()
    answer = client.post(f"/dedup/{cases['nik']}/decide", follow_redirects=True,
                         data={"action": "merge", "survivor_id": cases["kholil_person"]}).data.decode()
    # the clash resolved by rule is shown to the reviewer, not hidden
    assert "Data digabungkan" in answer and "Keterampilan &#39;nelayan&#39; tercatat dua kali" in answer
    db.expire_all()
    kept = select(PersonSkill.person_id, PersonSkill.level).where(
        PersonSkill.skill == "nelayan", PersonSkill.person_id.in_([cases["kholil_person"], copy]))
    assert [tuple(row) for row in db.execute(kept)] == [(cases["kholil_person"], "mahir")]
    assert db.get(DedupCluster, cases["nik"]).status == "digabung"
    assert db.get(Person, cases["kholil_person"]).name == "Moh. Kholil"
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "dedup_merge",
                                                AuditEntry.entity_id == str(cases["kholil_person"]))).one()
    assert db.get(Person, entry.details["removed"][0]) is None
    page = client.get(f"/dedup/{cases['nik']}").data.decode()
    assert "sudah dihapus (digabung)" in page and 'id="do-merge"' not in page


def test_auditor_reads_but_cannot_decide_and_partners_see_no_cases(client, db, cases):
    login(client, "auditor")
    page = client.get(f"/dedup/{cases['name']}")
    assert page.status_code == 200 and 'id="do-merge"' not in page.data.decode()
    client.post(f"/dedup/{cases['name']}/decide", data={"action": "dismiss", "reason": "coba"})
    db.expire_all()
    assert db.get(DedupCluster, cases["name"]).status == "terbuka"
    login(client, "mitra_lsm")
    assert client.get("/dedup/").status_code == 403


def test_run_button_sends_the_dedup_task(client, stack):
    stack.flush_broker()
    login(client, "operator")
    assert client.post("/dedup/run").status_code == 302
    [(name, kwargs)] = queued_tasks(stack.broker, stack.var, "registry")
    assert name == "registry.dedup_run" and kwargs["payload"]["requested_by"] == "operator"
    stack.flush_broker()
    # the run is recorded before the task leaves, so the list can show it waiting
    assert "Pemeriksaan terakhir: antre" in client.get("/dedup/").data.decode()


def _blt_recipient(db):
    return db.execute(select(Person, Programme).join(Enrolment, Enrolment.recipient_id == Person.id)
                      .join(Programme).where(Programme.code == "BLT-DD-2026").order_by(Person.id)).first()


def test_who_gets_what_for_staff_and_partners(client, db):
    person, programme = _blt_recipient(db)
    login(client, "operator")
    staff = client.get(f"/who-gets-what/?q={person.nik}").data.decode()
    assert person.nik in staff and "BLT-DD-2026" in staff
    login(client, "mitra_lsm")
    # what the partner typed is echoed in the search box; the result itself shows only the masked NIK
    partner = client.get(f"/who-gets-what/?q={person.nik}").data.decode().split('id="who-result"', 1)[1]
    assert mask_nik(person.nik) in partner and person.nik not in partner and "BLT-DD-2026" in partner
    login(client, "mitra_csr")  # the CSR partner does not run BLT: nothing to see
    assert 'id="who-none"' in client.get(f"/who-gets-what/?q={person.nik}").data.decode()
    assert "16 angka" in client.get("/who-gets-what/?q=Siti").data.decode()
