"""Cycle screens through the test client, role by role: the operator prepares, the BPD records the
musyawarah, the kepala desa approves (and the generation task is queued), partners and auditors read."""
from __future__ import annotations

import io
import json
import uuid
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from services.common.privacy import mask_nik
from services.registry.models import (
    AuditEntry,
    Candidate,
    ChangeRequest,
    Cycle,
    CyclePlan,
    EligibilityRule,
    Enrolment,
    FundingSource,
    Household,
    HouseholdWelfare,
    Programme,
    ProgrammeExclusion,
)
from tests.admin.stack import login, queued_tasks

RULE = {"all": [{"field": "band", "op": "le", "value": 2}, {"field": "dusun", "op": "ne", "value": "-"}]}


@pytest.fixture
def blt(stack, db):
    """BLT-DD with a funding source, eight scored households and a fresh cycle (names unique per test)."""
    programme = db.scalars(select(Programme).where(Programme.code == "BLT-DD-2026")).one()
    households = db.scalars(select(Household).order_by(Household.id).offset(200).limit(8)).all()
    for rank, household in enumerate(households, start=1):
        # The demo seed scores every household (surveys, map): these eight get known desil bands.
        db.merge(HouseholdWelfare(household_id=household.id, band="1" if rank <= 5 else "6", rank=rank,
                                  score=Decimal(rank)))
    count = uuid.uuid4().hex[:6]  # the stack is shared by the module's tests: names must not repeat
    source = FundingSource(programme_id=programme.id, name=f"Dana Desa uji {count}", kind="dana_desa",
                           budget=Decimal(3_000_000), fiscal_year=2027)
    rule = EligibilityRule(programme_id=programme.id, name=f"Miskin {count}", condition=RULE)
    db.add_all([source, rule])
    db.commit()
    return programme, source, rule, households, f"Siklus uji {count}"


def _flash(response) -> str:
    return response.get_data(as_text=True)


def test_journey_by_role(client, stack, db, blt):
    programme, source, rule, households, name = blt
    stack.flush_broker()
    login(client, "operator")
    page = client.post("/cycles/new", data={"programme_id": programme.id, "name": name, "rule_id": rule.id,
                                            "funding_source_id": source.id, "benefit_amount": "300.000"},
                       follow_redirects=True)
    assert "Siklus dibuat" in _flash(page)
    cycle = db.scalars(select(Cycle).where(Cycle.name == name)).one()
    assert db.get(CyclePlan, cycle.id).benefit_amount == Decimal(300000)
    page = client.post(f"/cycles/{cycle.id}/plan", follow_redirects=True, data={
        "rule_id": rule.id, "funding_source_id": source.id, "benefit_amount": "Rp 250.000", "quota": "banyak"})
    assert "Kuota harus bilangan bulat" in _flash(page)
    client.post(f"/cycles/{cycle.id}/plan", data={"rule_id": rule.id, "funding_source_id": source.id,
                                                  "benefit_amount": "300.000", "quota": "10"})
    db.expire_all()
    assert db.get(CyclePlan, cycle.id).quota == 10
    assert db.scalars(select(AuditEntry).where(AuditEntry.entity == "cycle_plan",
                                               AuditEntry.entity_id == str(cycle.id))).one().actor == "operator"
    page = client.post(f"/cycles/{cycle.id}/generate", follow_redirects=True)
    assert "5 keluarga ditambahkan" in _flash(page)
    page = client.post(f"/cycles/{cycle.id}/candidates/add", data={"no_kk": households[6].no_kk, "reason": ""},
                       follow_redirects=True)
    assert "Alasan wajib diisi" in _flash(page)
    client.post(f"/cycles/{cycle.id}/candidates/add", data={"no_kk": households[6].no_kk, "reason": "rumah roboh"})
    page = client.post(f"/cycles/{cycle.id}/feedback", follow_redirects=True, content_type="multipart/form-data",
                       data={"kind": "sanggah", "no_kk": households[0].no_kk, "submitted_by": "warga RT 01",
                             "reason": "punya toko", "latitude": "-7.16", "longitude": "112.72",
                             "photo": (io.BytesIO(b"\xff\xd8jpeg"), "rumah.jpg")})
    assert "wajib dijawab paling lambat" in _flash(page)
    assert client.post(f"/cycles/{cycle.id}/approve").status_code == 403  # operators prepare, never approve
    assert client.get(f"/musyawarah/new/{cycle.id}").status_code == 403

    login(client, "bpd")
    page = client.post(f"/musyawarah/new/{cycle.id}", follow_redirects=True, data={
        "kind": "musdesus", "held_on": "15-01-2027", "place": "Balai Desa Kamal", "chair": "Ketua BPD",
        "attendees": "H. Rasyid; Kepala Desa; hadir\nSiti; Ketua BPD; hadir\nKarim; Tokoh agama; tidak"})
    assert "kuorum terpenuhi" in _flash(page)
    meeting_id = int(page.request.path.rsplit("/", 1)[1])
    page = client.post(f"/musyawarah/{meeting_id}/decide", follow_redirects=True,
                       data={"no_kk": households[1].no_kk, "decision": "ditolak", "reason": "mampu"})
    client.post(f"/musyawarah/{meeting_id}/approve-remaining")
    pdf = client.get(f"/musyawarah/{meeting_id}/berita-acara.pdf")
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert "MUSYAWARAH DESA KHUSUS" in text and "Jumlah KPM ditetapkan: 5" in text and "mampu" in text
    assert client.get(f"/musyawarah/{meeting_id}/bnba.csv").data.decode("utf-8-sig").startswith("NO;NIK;NO_KK")
    assert client.post(f"/cycles/{cycle.id}/approve").status_code == 403

    login(client, "kepala_desa")
    page = client.post(f"/cycles/{cycle.id}/approve", follow_redirects=True)
    assert "disetujui dan dibekukan: 5 KPM, total Rp1.500.000" in _flash(page)
    tasks = queued_tasks(stack.broker, stack.var, "registry")
    assert tasks[-1] == ("registry.generate_entitlements", {"payload": {"cycle_id": cycle.id}})
    db.expire_all()
    assert db.get(Cycle, cycle.id).status == "disetujui"
    assert db.scalars(select(AuditEntry).where(AuditEntry.action == "approve_cycle",
                                               AuditEntry.entity_id == str(cycle.id))).one().actor == "kepala_desa"
    assert "Rp1.500.000" in client.get("/funding/").get_data(as_text=True)

    login(client, "operator")
    page = client.post(f"/cycles/{cycle.id}/candidates/add", follow_redirects=True,
                       data={"no_kk": households[7].no_kk, "reason": "terlambat"})
    assert "dibekukan" in _flash(page)
    client.post(f"/cycles/{cycle.id}/changes", data={"kind": "tambah", "no_kk": households[7].no_kk,
                                                     "reason": "terlewat"})
    change = db.scalars(select(ChangeRequest).where(ChangeRequest.cycle_id == cycle.id)).one()
    decide = f"/cycles/{cycle.id}/changes/{change.id}/decide"
    assert client.post(decide, data={"decision": "setujui"}).status_code == 403
    login(client, "kepala_desa")
    page = client.post(f"/cycles/{cycle.id}/changes/{change.id}/decide", data={"decision": "setujui"},
                       follow_redirects=True)
    assert "Permintaan perubahan disetujui" in _flash(page)


def test_partner_reads_own_cycles_with_masked_nik_and_auditor_reads_only(client, db, blt):
    programme, source, rule, households, name = blt
    cycle = Cycle(programme_id=programme.id, name=name)
    db.add(cycle)
    db.flush()
    db.add(CyclePlan(cycle_id=cycle.id, rule_id=rule.id, funding_source_id=source.id,
                     benefit_amount=Decimal(300000)))
    db.commit()
    login(client, "operator")
    client.post(f"/cycles/{cycle.id}/generate")
    nik = db.scalars(select(Candidate).where(Candidate.cycle_id == cycle.id)).first().snapshot["nik"]
    login(client, "mitra_lsm")  # the LSM runs BLT-DD
    page = client.get(f"/cycles/{cycle.id}").get_data(as_text=True)
    assert mask_nik(nik) in page and nik not in page
    assert "larangan ganda" not in page
    assert client.post(f"/cycles/{cycle.id}/generate").status_code == 403
    login(client, "mitra_csr")  # the CSR partner has nothing to do with BLT-DD
    assert client.get(f"/cycles/{cycle.id}").status_code == 404
    login(client, "auditor")
    assert nik in client.get(f"/cycles/{cycle.id}").get_data(as_text=True)
    for path in (f"/cycles/{cycle.id}/generate", f"/cycles/{cycle.id}/approve", "/rules/new"):
        assert client.post(path).status_code == 403, path


def test_rule_preview_and_bad_json_are_reported(client, db, blt):
    programme, *_ = blt
    login(client, "operator")
    page = client.post("/rules/new", data={"programme_id": programme.id, "name": "x", "action": "preview",
                                           "condition": json.dumps(RULE)}).get_data(as_text=True)
    assert 'id="preview-count"' in page and "keluarga memenuhi aturan ini" in page
    page = client.post("/rules/new", data={"programme_id": programme.id, "name": "x", "action": "save",
                                           "condition": '{"field": "gaji"'}).get_data(as_text=True)
    assert "bukan JSON yang sah" in page
    unknown = '{"field": "gaji", "op": "eq", "value": 1}'
    page = client.post("/rules/new", data={"programme_id": programme.id, "name": "x", "action": "save",
                                           "condition": unknown}).get_data(as_text=True)
    assert "Kolom &#39;gaji&#39; tidak dikenal" in page or "Kolom 'gaji' tidak dikenal" in page


def test_funding_source_screens_validate_audit_and_scope(client, db, blt):
    programme, *_ = blt
    sembako = db.scalars(select(Programme).where(Programme.code == "SEMBAKO-CSR-2026")).one()
    login(client, "operator")
    bad = client.post("/funding-sources/add", follow_redirects=True,
                      data={"programme": programme.id, "name": "Salah jenis", "kind": "hibah", "budget": "1000"})
    assert "Jenis sumber dana harus salah satu dari" in bad.get_data(as_text=True)
    assert db.scalars(select(FundingSource).where(FundingSource.name == "Salah jenis")).first() is None
    client.post("/funding-sources/add", data={"programme": sembako.id, "name": "CSR Garam 2027", "kind": "csr",
                                              "budget": "2500000"})
    added = db.scalars(select(FundingSource).where(FundingSource.name == "CSR Garam 2027")).one()
    audit = db.scalars(select(AuditEntry).where(AuditEntry.entity == "funding_source",
                                                AuditEntry.entity_id == str(added.id))).one()
    assert audit.actor == "operator" and audit.details["budget"] in ("2500000", "2500000.00")
    login(client, "mitra_lsm")  # BLT-DD only: the CSR's source is not theirs
    page = client.get("/funding/").get_data(as_text=True)
    assert "CSR Garam 2027" not in page and "Dana Desa uji" in page
    assert client.post("/funding-sources/add", data={"programme": programme.id, "name": "x", "kind": "lsm",
                                                     "budget": "1"}).status_code == 403
    login(client, "mitra_csr")
    assert "Rp2.500.000" in client.get("/funding/").get_data(as_text=True)


def test_candidate_page_flags_a_family_that_joined_an_excluding_programme(client, db, blt):
    programme, source, rule, households, name = blt
    sembako = db.scalars(select(Programme).where(Programme.code == "SEMBAKO-CSR-2026")).one()
    cycle = Cycle(programme_id=programme.id, name=name)
    db.add(cycle)
    db.flush()
    db.add(CyclePlan(cycle_id=cycle.id, rule_id=rule.id, funding_source_id=source.id, benefit_amount=Decimal(1)))
    db.commit()
    login(client, "operator")
    client.post(f"/cycles/{cycle.id}/generate")
    exclusion = ProgrammeExclusion(programme_id=programme.id, excluded_programme_id=sembako.id, reason="uji")
    enrolment = Enrolment(programme_id=sembako.id, household_id=households[0].id, status="aktif")
    db.add_all([exclusion, enrolment])
    db.commit()
    try:
        page = client.get(f"/cycles/{cycle.id}").get_data(as_text=True)
        assert page.count("larangan ganda: sudah menerima Paket Sembako CSR 2026") == 1
    finally:  # the stack is shared: leave no exclusion behind for the other tests
        db.delete(enrolment)
        db.delete(exclusion)
        db.commit()
