"""Trainings end to end on SQLite and PostgreSQL: target group, invitations, attendance, certificates."""
from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import func, select

from services.common.contracts import validate
from services.registry.app import create_app
from services.registry.capacity import trainings as tr
from services.registry.capacity.certificates import certificate_pdf, short_name, verify_code
from services.registry.capacity.common import CapacityError
from services.registry.models import AuditEntry, PersonSkill, Training, TrainingSession
from tests.registry.capacity.capacity_data import village

TODAY = date(2026, 11, 29)


@pytest.fixture
def setup(session):
    data = village(session)
    training = Training(topic="Menjahit", organiser_kind="lsm", organisation=data["org"], capacity=10,
                        target_rule={"sex": "P", "age_min": 18, "age_max": 55, "programme_code": "BLT-DD"})
    training.sessions = [TrainingSession(held_on=date(2026, 12, 1), place="Balai Desa Kamal"),
                         TrainingSession(held_on=date(2026, 12, 8), place="Balai Desa Kamal")]
    session.add(training)
    session.commit()
    return data, training


def audits(session, action):
    return session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == action))


def test_target_rule_picks_adult_women_of_recipient_households(session, setup):
    _, training = setup
    names = [p.name for p in tr.eligible_persons(session, training, today=TODAY)]
    # Nur Aini is 16, Dewi's household receives nothing, the men are out.
    assert names == ["Siti Aminah Rahayu", "Fatimah Zahro"]
    session.get(type(setup[0]["a"].members[0]), setup[0]["a"].members[0].id).occupation = "Petani / Pekebun"
    training.target_rule = {"occupation": "petani"}
    assert [p.name for p in tr.eligible_persons(session, training, today=TODAY)] == ["Ahmad Fauzi"]
    training.target_rule = {"dusun": "Kamal Timur"}
    assert [p.name for p in tr.eligible_persons(session, training, today=TODAY)] == [
        "Ahmad Fauzi", "Siti Aminah Rahayu", "Nur Aini", "Rudi Hartono", "Dewi Lestari"]


def test_invite_respects_capacity_and_sends_valid_batches(session, setup):
    _, training = setup
    training.capacity = 1
    invited = tr.invite(session, training, tr.eligible_persons(session, training, today=TODAY), "operator")
    session.commit()
    assert [e.person.name for e in invited] == ["Siti Aminah Rahayu"]
    assert tr.invite(session, training, [invited[0].person], "operator") == []  # already in: nothing twice

    sent = []

    class Celery:
        def send_task(self, name, kwargs, queue):
            sent.append((name, kwargs["payload"], queue))

    key = tr.send_invitations(Celery(), training, invited, "operator")
    assert key == f"training-{training.id}-invite"
    name, payload, queue = sent[0]
    assert (name, queue) == ("notifications.send_batch", "notifications")
    validate(name, payload)
    assert payload["recipients"][0]["recipient_key"] == f"training-enrolment-{invited[0].id}"
    assert payload["recipients"][0]["vars"]["tanggal"] == "01-12-2026"
    assert audits(session, "invite") == 1


def _enrol_both(session, training):
    enrolments = tr.invite(session, training, tr.eligible_persons(session, training, today=TODAY), "operator")
    session.commit()
    return enrolments


def test_attendance_is_idempotent_and_audited(session, setup):
    _, training = setup
    siti, fatimah = _enrol_both(session, training)
    first = training.sessions[0]
    changes = tr.record_attendance(session, first, {siti.id}, "operator")
    session.commit()
    assert changes == {siti.id: [None, True], fatimah.id: [None, False]}
    assert siti.status == "terdaftar" and fatimah.status == "diundang"
    assert tr.record_attendance(session, first, {siti.id}, "operator") == {}
    assert audits(session, "attendance") == 1
    with pytest.raises(CapacityError, match="tidak terdaftar"):
        tr.record_attendance(session, first, {99999}, "operator")


def test_completion_certificate_and_follow_ups(session, setup):
    _, training = setup
    siti, fatimah = _enrol_both(session, training)
    for one in training.sessions:
        tr.record_attendance(session, one, {siti.id}, "operator")
    with pytest.raises(CapacityError, match="Kehadiran 0 dari 2"):
        tr.complete(session, fatimah, "operator", on=TODAY)
    tr.complete(session, siti, "operator", on=date(2026, 12, 8))
    tr.complete(session, siti, "operator", on=date(2026, 12, 9))  # idempotent: nothing changes
    session.commit()
    assert siti.status == "selesai" and siti.completed_on == date(2026, 12, 8) and siti.skill_recorded
    # The skills registry learns it once: "Menjahit" -> menjahit, source pelatihan, dated the completion.
    skills = session.scalars(select(PersonSkill).where(PersonSkill.person_id == siti.person_id)).all()
    assert [(k.skill, k.source, k.recorded_on) for k in skills] == [("menjahit", "pelatihan", date(2026, 12, 8))]
    assert not session.scalars(select(PersonSkill).where(PersonSkill.person_id == fatimah.person_id)).all()
    assert [(f.months, f.due_on) for f in siti.follow_ups] == [(3, date(2027, 3, 8)), (6, date(2027, 6, 8))]
    assert verify_code(session, siti.certificate_code) is siti
    forged = siti.certificate_code[:-1] + ("0" if siti.certificate_code[-1] != "0" else "1")
    assert verify_code(session, forged) is None
    assert verify_code(session, f"{fatimah.id}-{siti.certificate_code.split('-')[1]}") is None
    pdf = certificate_pdf(siti)
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
    with pytest.raises(ValueError):
        certificate_pdf(fatimah)
    assert [f.months for f in tr.due_follow_ups(session, date(2027, 3, 8))] == [3]

    follow_up = siti.follow_ups[0]
    with pytest.raises(CapacityError, match="Status pekerjaan"):
        tr.record_follow_up(session, follow_up, 1000, "nganggur", "pendamping")
    with pytest.raises(CapacityError, match="bukan angka"):
        tr.record_follow_up(session, follow_up, "sejuta", "bekerja", "pendamping")
    tr.record_follow_up(session, follow_up, "1500000", "usaha_sendiri", "pendamping")
    session.commit()
    assert tr.due_follow_ups(session, date(2027, 3, 8)) == []


def test_public_page_verifies_without_personal_data(registry_url, session, setup):
    _, training = setup
    siti, _ = _enrol_both(session, training)
    for one in training.sessions:
        tr.record_attendance(session, one, {siti.id}, "operator")
    tr.complete(session, siti, "operator", on=date(2026, 12, 8))
    session.commit()
    client = create_app({"TESTING": True, "DATABASE_URL": registry_url}).test_client()
    page = client.get(f"/public/certificates/{siti.certificate_code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "SERTIFIKAT SAH" in html
    assert short_name("Siti Aminah Rahayu") == "Siti A. R." and "Siti A. R." in html
    assert "Menjahit" in html and "08-12-2026" in html
    assert "Siti Aminah Rahayu" not in html and siti.person.nik not in html and "Jl. Raya" not in html
    bad = client.get(f"/public/certificates/{siti.id}-00000000000000000000")
    assert bad.status_code == 404 and "TIDAK DITEMUKAN" in bad.get_data(as_text=True)


def test_attendance_sheet_photo_only_images_within_limit(session, setup, tmp_var, monkeypatch):
    _, training = setup
    first = training.sessions[0]
    png = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(png, "PNG")
    path = tr.attach_attendance_sheet(session, first, png.getvalue(), "operator")
    session.commit()
    assert first.attendance_sheet == path and (tmp_var / "uploads" / path).read_bytes() == png.getvalue()
    with pytest.raises(CapacityError, match="bukan gambar"):
        tr.attach_attendance_sheet(session, first, b"<script>alert(1)</script>", "operator")
    monkeypatch.setenv("UPLOAD_MAX_BYTES", "100")
    with pytest.raises(CapacityError, match="terlalu besar"):
        tr.attach_attendance_sheet(session, first, png.getvalue() + b"\0" * 200, "operator")
    assert first.attendance_sheet == path


@pytest.mark.parametrize("topic, skill", [
    ("Menjahit untuk ibu-ibu", "menjahit"), ("Pembukuan usaha kecil", "berdagang"),
    ("Budidaya ikan lele", "nelayan"), ("Rapat koordinasi", None)])
def test_training_topics_name_their_skill(topic, skill):
    assert tr.skill_for_topic(topic) == skill
