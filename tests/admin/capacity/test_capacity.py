"""Trainings, capital, meetings and the partner workspace through the admin (SQLite + PostgreSQL)."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from services.registry.models import (
    CapitalGrant,
    CommunityMeeting,
    Household,
    MeetingAction,
    Person,
    Training,
    TrainingEnrolment,
    TrainingSession,
)
from tests.admin.stack import login, queued_tasks
from tests.helpers.builders import programme

BLT, SEMBAKO = "BLT-DD-2026", "SEMBAKO-CSR-2026"


def make_training(db, code, topic, rule=None):
    training = Training(topic=topic, organiser_kind="lsm", capacity=3, programme=programme(db, code),
                        target_rule=rule or {"sex": "P", "programme_code": code})
    training.sessions = [TrainingSession(held_on=date(2026, 12, 1), place="Balai Desa Kamal")]
    db.add(training)
    db.commit()
    return training


def test_operator_invites_takes_attendance_and_certifies(stack, client, db):
    stack.flush_broker()
    training = make_training(db, BLT, "Menjahit untuk ibu penerima BLT")
    login(client, "operator")
    page = client.get(f"/training-work/{training.id}/invite").data.decode()
    ids = [int(x) for x in re.findall(r'name="person_id" value="(\d+)"', page)]
    assert ids, "the target group of BLT women must not be empty in the demo data"
    women = db.scalars(select(Person).where(Person.id.in_(ids))).all()
    assert {p.sex for p in women} == {"P"} and women[0].nik in page  # village staff see the full NIK
    client.post(f"/training-work/{training.id}/invite", data={"person_id": [str(i) for i in ids]})
    db.expire_all()
    enrolments = db.scalars(select(TrainingEnrolment).where(TrainingEnrolment.training_id == training.id)).all()
    assert len(enrolments) == min(3, len(ids))  # capacity 3
    tasks = queued_tasks(stack.broker, stack.var, "notifications")
    assert [name for name, _ in tasks] == ["notifications.send_batch"]
    assert tasks[0][1]["payload"]["campaign_key"] == f"training-{training.id}-invite"

    first = enrolments[0]
    client.post(f"/training-work/session/{training.sessions[0].id}/attendance", data={"present": [str(first.id)]})
    assert "Kehadiran" in client.get(f"/training-work/{training.id}/").data.decode()
    response = client.post(f"/training-work/participant/{enrolments[1].id}/complete", follow_redirects=True)
    assert "belum memenuhi syarat" in response.data.decode()
    client.post(f"/training-work/participant/{first.id}/complete")
    db.expire_all()
    certified = db.get(TrainingEnrolment, first.id)
    assert certified.status == "selesai" and certified.certificate_code
    pdf = client.get(f"/training-work/participant/{first.id}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"/training-work/participant/{enrolments[1].id}/certificate.pdf").status_code == 404
    stack.flush_broker()


def test_partner_sees_and_records_only_its_own_trainings(client, db):
    own = make_training(db, BLT, "Pembukuan usaha kecil")
    foreign = make_training(db, SEMBAKO, "Budidaya lele")
    login(client, "mitra_lsm")
    home = client.get("/").data.decode()
    assert "Ruang Mitra" in home and programme(db, BLT).name in home and programme(db, SEMBAKO).name not in home
    assert own.topic in home and foreign.topic not in home
    assert client.get(f"/trainings/show/{foreign.id}").status_code == 404
    assert client.get(f"/training-work/{foreign.id}/").status_code == 404
    assert client.get(f"/training-work/{foreign.id}/invite").status_code == 404
    assert client.get(f"/training-work/{own.id}/").status_code == 200
    invite = client.get(f"/training-work/{own.id}/invite").data.decode()
    niks = re.findall(r"\d{16}", invite)
    assert niks == [] and "••••" in invite  # masked NIKs only

    client.post("/trainings/add", data={"topic": "Pelatihan titipan", "organiser_kind": "csr", "capacity": "5",
                                        "programme": str(programme(db, SEMBAKO).id), "status": "direncanakan"})
    assert db.scalars(select(Training).where(Training.topic == "Pelatihan titipan")).first() is None
    client.post("/trainings/add", data={"topic": "Kerajinan anyaman", "organiser_kind": "desa", "capacity": "5",
                                        "programme": str(programme(db, BLT).id), "status": "direncanakan",
                                        "rule_text": '{"sex": "P"}'})
    created = db.scalars(select(Training).where(Training.topic == "Kerajinan anyaman")).one()
    assert (created.organisation.name, created.organiser_kind) == ("Yayasan Madura Sejahtera", "lsm")
    assert created.target_rule == {"sex": "P"}
    client.post("/training-sessions/add", data={"training": str(foreign.id), "held_on": "2026-12-05",
                                                "place": "Masjid"})
    assert db.scalars(select(TrainingSession).where(TrainingSession.place == "Masjid")).first() is None
    for path in ("/capital/list/", "/meetings/list/", "/funding-applications/list/", "/organisations/list/"):
        assert client.get(path).status_code == 403, path


def test_capital_grant_approval_disbursement_and_visit(client, db):
    household = db.scalars(select(Household).order_by(Household.id)).first()
    login(client, "operator")
    client.post("/capital/add", data={"kind": "pinjaman", "household": str(household.id), "business": "Warung sembako",
                                      "amount_requested": "1200000", "instalments": "4"})
    grant = db.scalars(select(CapitalGrant).where(CapitalGrant.business == "Warung sembako")).one()
    assert grant.status == "usulan"
    client.post(f"/capital-work/{grant.id}/assess", data={"assessment": "Layak"})
    refused = client.post(f"/capital-work/{grant.id}/decide", data={"decision": "setuju", "amount": "1200000"},
                          follow_redirects=True).data.decode()
    assert "pemisahan tugas" in refused
    login(client, "admin")
    client.post(f"/capital-work/{grant.id}/decide", data={"decision": "setuju", "amount": "1000000"})
    refused = client.post(f"/capital-work/{grant.id}/disburse", data={"channel": "tunai", "on": "2026-11-01"},
                          follow_redirects=True).data.decode()
    assert "Pengambil bukan anggota" in refused
    client.post(f"/capital-work/{grant.id}/disburse", data={
        "channel": "tunai", "on": "2026-11-01", "collector_id": str(household.members[0].id),
        "location": "Balai Desa", "handed_over_by": "Bu Rina"})
    client.post(f"/capital-work/{grant.id}/visit", data={"on": "2026-11-20", "business_status": "berjalan",
                                                         "income": "900000"})
    db.expire_all()
    grant = db.get(CapitalGrant, grant.id)
    assert grant.status == "dicairkan" and len(grant.schedule) == 4 and len(grant.visits) == 1
    page = client.get(f"/capital-work/{grant.id}/").data.decode()
    assert "Jadwal angsuran" in page and "Rp250.000" in page
    key = re.search(r'name="key" value="([0-9a-f]+)"', page).group(1)
    for form_key in (key, key, "lain"):  # a double submit records once; another form records again
        client.post(f"/capital-work/{grant.id}/pay", data={"amount": "100000", "on": "2026-11-25", "key": form_key})
    db.expire_all()
    assert [p.amount for p in db.get(CapitalGrant, grant.id).payments] == [100000, 100000]
    pathway = client.get(f"/capital-work/household/{household.id}/pathway").data.decode()
    assert "Warung sembako" in pathway and "Rp900.000" in pathway


def test_meeting_minutes_overdue_and_issue_forwarding(client, db):
    meeting = CommunityMeeting(title="Rembug Dusun Kamal Barat", held_on=date(2026, 10, 1), place="Balai Dusun",
                               agenda="Air bersih")
    meeting.actions = [MeetingAction(description="Ajukan pipa air", owner="Kasun", due_on=date(2026, 10, 15))]
    db.add(meeting)
    db.commit()
    login(client, "operator")
    assert "Ajukan pipa air" in client.get("/meeting-work/overdue").data.decode()
    pdf = client.get(f"/meeting-work/{meeting.id}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    login(client, "auditor")
    assert client.get(f"/meetings/show/{meeting.id}").status_code == 200
    assert client.get("/meetings/add").status_code == 403


@pytest.mark.parametrize("username", ["mitra_lsm", "mitra_csr"])
def test_partner_dashboard_masks_and_scopes(client, db, username):
    login(client, username)
    page = client.get("/mitra/").data.decode()
    other = SEMBAKO if username == "mitra_lsm" else BLT
    assert programme(db, other).name not in page
    assert not re.findall(r"\d{16}", page)


def test_follow_up_survey_scoped_and_answered(client, db):
    from services.registry.capacity import trainings as tr

    trainings = {}
    for code in (BLT, SEMBAKO):
        training = make_training(db, code, f"Survei {code}", rule={"programme_code": code})
        enrolment = tr.invite(db, training, tr.eligible_persons(db, training)[:1], "operator")[0]
        tr.record_attendance(db, training.sessions[0], {enrolment.id}, "operator")
        tr.complete(db, enrolment, "operator", on=date(2026, 1, 10))
        db.commit()
        trainings[code] = enrolment
    own, foreign = trainings[BLT].follow_ups[0], trainings[SEMBAKO].follow_ups[0]
    login(client, "mitra_lsm")
    listing = client.get("/training-follow-ups/list/?psize_TrainingFollowUpView=100").data.decode()
    shown = {int(pk) for pk in re.findall(r"/training-follow-ups/show/(\d+)", listing)}
    assert own.id in shown and foreign.id not in shown
    assert client.get(f"/training-follow-ups/edit/{foreign.id}").status_code == 404
    client.post(f"/training-follow-ups/edit/{own.id}", data={"monthly_income": "1250000", "work_status": "bekerja"})
    client.post(f"/training-follow-ups/edit/{trainings[BLT].follow_ups[1].id}",
                data={"monthly_income": "5", "work_status": "pensiun"})
    db.expire_all()
    answered, refused = db.get(type(own), own.id), db.get(type(own), trainings[BLT].follow_ups[1].id)
    assert answered.answered_at is not None and answered.work_status == "bekerja"
    assert refused.answered_at is None and refused.work_status is None


def test_agreement_document_upload_checks_type(stack, client, db):
    import io

    from services.registry.models import Organisation, PartnerAgreement

    org = db.scalars(select(Organisation).where(Organisation.kind == "csr")).first()
    agreement = PartnerAgreement(organisation=org, title="MoU Sembako 2026", starts_on=date(2026, 1, 1),
                                 ends_on=date(2026, 12, 31), committed_amount=50000000)
    db.add(agreement)
    db.commit()
    login(client, "operator")
    bad = client.post(f"/partner-documents/{agreement.id}/upload", follow_redirects=True,
                      data={"document": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "mou.pdf")},
                      content_type="multipart/form-data")
    assert "PDF tidak sah" in bad.data.decode()
    client.post(f"/partner-documents/{agreement.id}/upload", content_type="multipart/form-data",
                data={"document": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "mou.pdf")})
    db.expire_all()
    stored = db.get(PartnerAgreement, agreement.id).document
    assert stored and stored.startswith("agreements/mou-") and (stack.var / "uploads" / stored).exists()
    assert client.get(f"/partner-documents/{agreement.id}/download").data.startswith(b"%PDF")
    login(client, "mitra_csr")
    assert client.get(f"/partner-documents/{agreement.id}/upload").status_code == 403


def test_role_regexes_fit_the_view_menu_column():
    """FAB stores each view regex in ab_view_menu.name (VARCHAR(250) on PostgreSQL)."""
    from admin.roles import FAB_ROLES

    assert max(len(view) for rules in FAB_ROLES.values() for view, _ in rules) < 250


def test_participant_cannot_be_marked_complete_by_editing_the_status(client, db):
    from services.registry.capacity import trainings as tr

    training = make_training(db, BLT, "Status manual", rule={"programme_code": BLT})
    enrolment = tr.invite(db, training, tr.eligible_persons(db, training)[:1], "operator")[0]
    db.commit()
    login(client, "operator")
    client.post(f"/training-participants/edit/{enrolment.id}", data={"status": "selesai"})
    db.expire_all()
    assert db.get(TrainingEnrolment, enrolment.id).status == "diundang"
    client.post(f"/training-participants/edit/{enrolment.id}", data={"status": "keluar"})
    db.expire_all()
    assert db.get(TrainingEnrolment, enrolment.id).status == "keluar"
