"""Campaign form beyond programmes: audiences, template check before queueing, preview, schedule, channel."""
from __future__ import annotations

import pytest
from flask import Flask, jsonify, request
from sqlalchemy import select

from services.registry.core.areas import default_desa_code
from services.registry.models import Area, Household
from tests.admin.stack import login, queued_tasks
from tests.admin.standins import StandIn


def preview_routes(app: Flask) -> None:
    @app.post("/api/preview")
    def preview():
        # The real notifications preview code behind the stand-in's socket.
        from services.notifications.policy import sms_segments
        from services.notifications.rendering import compile_template, render, validate_template

        data = request.get_json()
        problems = validate_template(data["template"], set(data["allowed"]))
        template = compile_template(data["template"])
        samples = [{"body": body, "encoding": sms_segments(body)[0], "segments": sms_segments(body)[1]}
                   for body in (render(template, v) for v in data["samples"])]
        return jsonify({"problems": problems, "samples": samples})


@pytest.fixture
def preview_api(stack):
    server = StandIn(preview_routes)
    stack.app.config["NOTIFICATIONS_API_URL"] = server.url
    yield server
    server.close()


def _kamal(db) -> int:
    return db.scalar(select(Area.id).where(Area.code == default_desa_code()))


def _dusun(db) -> str:
    """A dusun of the operator's village (Desa Kamal; Gili Anyar has a "Pesisir" too)."""
    return db.scalars(select(Household.dusun).where(Household.dusun.is_not(None), Household.area_id == _kamal(db))
                      .order_by(Household.id).limit(1)).one()


def test_unknown_variable_refused_before_anything_is_queued(client, db, stack):
    stack.flush_broker()
    login(client, "operator")
    page = client.post("/campaigns/new", data={"audience": "area", "dusun": _dusun(db), "channel": "sms",
                                               "template": "Yth. {{ nama }}, NIK {{ nik }}", "action": "send"})
    assert page.status_code == 200 and "Variabel tidak dikenal: nik" in page.data.decode()
    assert queued_tasks(stack.broker, stack.var, "notifications") == []


def test_preview_shows_count_samples_and_segments(client, db, stack, preview_api):
    stack.flush_broker()
    login(client, "operator")
    dusun = _dusun(db)
    households = db.scalars(select(Household.id).where(Household.dusun == dusun, Household.area_id == _kamal(db))).all()
    page = client.post("/campaigns/new", data={"audience": "area", "dusun": dusun, "channel": "sms",
                                               "template": "Yth. {{ nama }} di {{ dusun }}, ada rapat desa.",
                                               "action": "preview"}).data.decode()
    assert f'id="preview-total">{len(households)}<' in page and 'id="preview-segments">1<' in page
    assert f"di {dusun}, ada rapat desa." in page
    assert queued_tasks(stack.broker, stack.var, "notifications") == []


def test_area_campaign_on_whatsapp_with_fallback_scheduled(client, db, stack):
    stack.flush_broker()
    login(client, "operator")
    dusun = _dusun(db)
    response = client.post("/campaigns/new", data={
        "audience": "area", "dusun": dusun, "channel": "whatsapp", "fallback_sms": "y", "legally_required": "y",
        "template": "Yth. {{ nama }}, rapat di dusun {{ dusun }}.", "send_at": "2030-01-02T09:30",
        "action": "send"})
    assert response.status_code == 302, response.data[:500]
    tasks = queued_tasks(stack.broker, stack.var, "notifications")
    payloads = [kwargs["payload"] for _, kwargs in tasks]
    assert payloads and {p["channel"] for p in payloads} == {"whatsapp"}
    assert all(p["fallback"] == "sms" and p["legally_required"] is True for p in payloads)
    # Scheduled in village time, carried in the payload: stored at once, sent by the watchdog when due.
    assert all(p["send_at"] == "2030-01-02T09:30:00+07:00" for p in payloads)
    assert all(r["recipient_key"].startswith("household-") and r["vars"]["dusun"] == dusun
               for p in payloads for r in p["recipients"])
    stack.flush_broker()


def test_training_participants_campaign(client, db, stack, preview_api):
    from services.registry.models import Person, Training, TrainingEnrolment

    stack.flush_broker()
    people = db.scalars(select(Person).where(Person.phone.is_not(None)).order_by(Person.id).limit(3)).all()
    training = Training(topic="Pelatihan Kue Kering", capacity=20, status="berjalan")
    db.add(training)
    db.flush()
    db.add_all([TrainingEnrolment(training_id=training.id, person_id=people[0].id, status="terdaftar"),
                TrainingEnrolment(training_id=training.id, person_id=people[1].id, status="selesai"),
                TrainingEnrolment(training_id=training.id, person_id=people[2].id, status="keluar")])
    db.commit()
    login(client, "operator")
    form = {"audience": "training", "training_id": str(training.id), "channel": "sms",
            "template": "Yth. {{ nama }}, {{ pelatihan }} dimulai besok."}
    page = client.post("/campaigns/new", data={**form, "action": "preview"}).data.decode()
    assert 'id="preview-total">2<' in page and "Pelatihan Kue Kering dimulai besok." in page
    missing = client.post("/campaigns/new", data={**form, "training_id": "0", "action": "send"}).data.decode()
    assert "Pilih pelatihan" in missing
    assert client.post("/campaigns/new", data={**form, "action": "send"}).status_code == 302
    [payload] = [kwargs["payload"] for _, kwargs in queued_tasks(stack.broker, stack.var, "notifications")]
    assert payload["total"] == 2 and payload["source"]["training_id"] == training.id
    assert {r["phone"] for r in payload["recipients"]} == {people[0].phone, people[1].phone}
    assert payload["name"].startswith("Peserta pelatihan Pelatihan Kue Kering")
    stack.flush_broker()
