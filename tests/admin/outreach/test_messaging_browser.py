"""Real Chromium over the messaging screens with a real notifications app behind the admin: campaign
preview, channels + kirim pesan uji, opt-outs from a STOP reply, the inbox and complaints; screenshots."""
from __future__ import annotations

import json
from datetime import date

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifications import schema as notifications_schema
from services.notifications.app import create_app as create_notifications_app
from services.registry.core.models.areas import default_desa_code
from services.registry.feedback.inbound import record_inbound
from services.registry.models import Area, Household, Person, Training, TrainingEnrolment, TrainingSession
from tests.helpers.browser import Screenshots, log_in, needs_chromium, waiting
from tests.helpers.servers import ServedApp

pytestmark = needs_chromium
shot = Screenshots("admin")


@pytest.fixture
def notifications_server(served_admin, tmp_var):
    app, _ = served_admin
    url = f"sqlite:///{tmp_var / 'notifications.db'}"
    notifications_schema.upgrade(url)
    notif = create_notifications_app({"DATABASE_URL": url, "SERVICE_TOKEN": app.config["SERVICE_TOKEN"],
                                      "CELERY_BROKER_URL": "memory://", "OUTBOX_DIR": str(tmp_var / "outbox"),
                                      "SMS_GATEWAY_URL": None, "INBOUND_SMS_TOKEN": "masuk"})
    with ServedApp(notif) as served:
        app.config["NOTIFICATIONS_API_URL"] = served.url
        yield notif
    notif.extensions["database"].engine.dispose()


def test_messaging_screens_in_chromium(served_admin, notifications_server, browser, tmp_var):
    app, base = served_admin
    with Session(app.extensions["database"].engine) as session:
        # The operator is Desa Kamal's: a dusun of its own village (Gili Anyar has dusun of its own).
        dusun = session.scalars(select(Household.dusun).join(Area, Area.id == Household.area_id).where(
            Household.dusun.is_not(None), Area.code == default_desa_code()).limit(1)).one()
        person = session.scalars(select(Person).where(Person.phone.is_not(None)).limit(1)).one()
        record_inbound(session, {"key": "sms:in-1", "kind": "complaint", "channel": "sms", "phone": person.phone,
                                 "text": "Beras bulan ini belum diterima"})
        training = Training(topic="Pelatihan Menjahit", capacity=10, status="berjalan")
        session.add(training)
        session.flush()
        session.add(TrainingSession(training_id=training.id, held_on=date(2026, 12, 1), place="Balai Desa"))
        people = session.scalars(select(Person).where(Person.phone.is_not(None)).order_by(Person.id).limit(3)).all()
        session.add_all([TrainingEnrolment(training_id=training.id, person_id=p.id, status=status)
                         for p, status in zip(people, ["terdaftar", "selesai", "keluar"], strict=True)])
        training_id = training.id
        record_inbound(session, {"key": "sms:in-2", "kind": "inbox", "channel": "sms", "phone": "+6289900001111",
                                 "text": "Kapan pendataan ulang?"})
        session.commit()
    client = notifications_server.test_client()
    stop = client.post("/webhooks/sms?token=masuk", json={"id": "in-3", "from": "081299990000", "text": "BERHENTI"})
    assert stop.get_json()["kind"] == "opt_out"

    log_in(browser, base, "operator")
    browser.get(f"{base}/campaigns/new")
    Select(browser.find_element(By.ID, "audience")).select_by_value("area")
    assert not browser.find_element(By.ID, "programme_id").is_displayed()
    browser.find_element(By.ID, "dusun").send_keys(dusun)
    template = browser.find_element(By.ID, "template")
    template.clear()
    template.send_keys("Yth. {{ nama }}, warga dusun {{ dusun }} diundang rapat desa Senin pukul 09.00.")
    browser.find_element(By.ID, "preview-campaign").click()
    waiting(browser, 30).until(lambda d: d.find_elements(By.ID, "campaign-preview"))
    assert int(browser.find_element(By.ID, "preview-total").text) >= 1
    assert browser.find_element(By.ID, "preview-segments").text == "1"
    assert f"warga dusun {dusun} diundang" in browser.page_source
    shot(browser, "campaign-preview-operator.png")

    # A training's participants: the one who left is not counted.
    Select(browser.find_element(By.ID, "audience")).select_by_value("training")
    Select(browser.find_element(By.ID, "training_id")).select_by_value(str(training_id))
    template = browser.find_element(By.ID, "template")
    template.clear()
    template.send_keys("Yth. {{ nama }}, {{ pelatihan }}: {{ jadwal }}.")
    browser.find_element(By.ID, "preview-campaign").click()
    waiting(browser, 30).until(lambda d: "Pelatihan Menjahit:" in d.page_source)
    assert browser.find_element(By.ID, "preview-total").text == "2"
    assert "01-12-2026 Balai Desa" in browser.page_source
    shot(browser, "campaign-preview-training-operator.png")

    browser.get(f"{base}/channels/")
    assert "siap" in browser.find_element(By.ID, "channels-table").text
    browser.find_element(By.ID, "to").send_keys("0812-3456-0000")
    browser.find_element(By.ID, "send-test").click()
    waiting(browser, 30).until(lambda d: "Pesan uji terkirim" in d.page_source)
    shot(browser, "channels-test-message-operator.png")
    [line] = (tmp_var / "outbox" / "sms.jsonl").read_text().splitlines()
    assert json.loads(line)["to"] == "+6281234560000"

    browser.get(f"{base}/opt-outs/")
    assert "+6281299990000" in browser.find_element(By.ID, "opt-outs-table").text
    browser.find_element(By.ID, "address").send_keys("0813 1111 2222")
    browser.find_element(By.ID, "add-opt-out").click()
    waiting(browser, 30).until(lambda d: "+6281311112222" in d.find_element(By.ID, "opt-outs-table").text)
    shot(browser, "opt-outs-operator.png")

    # The inbound "ADUAN" became an ordinary complaint, with its tracking code and clock.
    browser.get(f"{base}/complaints/list/")
    assert "Pengaduan lewat SMS" in browser.page_source and "ADU-" in browser.page_source
    shot(browser, "complaints-operator.png")
    browser.get(f"{base}/inboxview/list/")
    assert "Kapan pendataan ulang?" in browser.page_source
    shot(browser, "inbox-operator.png")

    log_in(browser, base, "mitra_lsm")
    browser.get(f"{base}/inboxview/list/")
    assert "Kapan pendataan ulang?" not in browser.page_source
