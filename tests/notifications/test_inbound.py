"""Inbound webhooks: SMS token, WhatsApp hub.challenge and X-Hub-Signature-256, STOP -> opt-out, ADUAN ->
registry task, receipts -> delivered/failed; and the campaign rules: opt-outs, legally required, segments,
quiet hours, template validation."""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime

import pytest
from sqlalchemy import select, update

from services.common.db import utcnow
from services.notifications import inbound
from services.notifications.models import Message, OptOut
from services.notifications.policy import quiet_wait_seconds, sms_segments
from services.notifications.rendering import validate_template
from tests.notifications.conftest import make_payload

SECRET = "app-secret"


@pytest.fixture
def hooks(app, monkeypatch):
    app.config.update(INBOUND_SMS_TOKEN="masuk", WHATSAPP_APP_SECRET=SECRET, WHATSAPP_VERIFY_TOKEN="verif")
    sent = []
    monkeypatch.setattr(inbound, "send", lambda celery, name, payload: sent.append((name, payload)))
    return app.test_client(), sent


def _sms(client, msg_id, sender, text, token="masuk"):
    return client.post(f"/webhooks/sms?token={token}", json={"id": msg_id, "from": sender, "text": text})


def _rows(app, model):
    with app.extensions["database"].transaction() as session:
        return list(session.scalars(select(model)))


def test_sms_token_required(hooks):
    client, _ = hooks
    assert _sms(client, "1", "0812", "halo", token="salah").status_code == 403


def test_stop_opts_out_and_later_campaigns_skip_except_legally_required(app, hooks):
    client, sent = hooks
    assert _sms(client, "m1", "081200000001", "berhenti").get_json()["kind"] == "opt_out"
    assert [o.address for o in _rows(app, OptOut)] == ["+6281200000001"] and sent == []
    task = app.extensions["celery"].tasks["notifications.send_batch"]
    task.apply(kwargs={"payload": make_payload(key="biasa", count=3)}).get()
    task.apply(kwargs={"payload": make_payload(key="wajib", count=3, legally_required=True)}).get()
    status = {(m.campaign_id, m.recipient_key): m.status for m in _rows(app, Message)}
    assert sorted(status.values()).count("opted_out") == 1
    assert [k for k, s in status.items() if s == "opted_out"][0][1] == "enrolment-1"
    assert sum(1 for s in status.values() if s == "sent") == 5


def test_complaint_and_inbox_go_to_registry_once(hooks):
    client, sent = hooks
    assert _sms(client, "m2", "081234567890", "ADUAN beras belum diterima").get_json()["kind"] == "complaint"
    assert _sms(client, "m2", "081234567890", "ADUAN beras belum diterima").get_json()["duplicate"] is True
    _sms(client, "m3", "081234567890", "Kapan pencairan?")
    assert sent == [
        ("registry.record_inbound", {"key": "sms:m2", "kind": "complaint", "channel": "sms",
                                     "phone": "+6281234567890", "text": "beras belum diterima"}),
        ("registry.record_inbound", {"key": "sms:m3", "kind": "inbox", "channel": "sms",
                                     "phone": "+6281234567890", "text": "Kapan pencairan?"})]


def test_whatsapp_verification_and_signature(app, hooks):
    client, sent = hooks
    ok = client.get("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verif&hub.challenge=12345")
    assert ok.status_code == 200 and ok.get_data(as_text=True) == "12345"
    assert client.get("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1").status_code == 403
    task = app.extensions["celery"].tasks["notifications.send_batch"]
    task.apply(kwargs={"payload": make_payload(key="wa", count=1)}).get()
    [message] = _rows(app, Message)
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages",
        "value": {"messaging_product": "whatsapp",
                  "messages": [{"from": "6281200000009", "id": "wamid.IN1", "type": "text",
                                "text": {"body": "ADUAN bantuan tidak sampai"}}],
                  "statuses": [{"id": message.provider_message_id, "status": "delivered",
                                "recipient_id": "6281200000000"}]}}]}]}).encode()
    bad = client.post("/webhooks/whatsapp", data=body, content_type="application/json",
                      headers={"X-Hub-Signature-256": "sha256=" + "0" * 64})
    assert bad.status_code == 403 and sent == []
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    good = client.post("/webhooks/whatsapp", data=body, content_type="application/json",
                       headers={"X-Hub-Signature-256": signature})
    assert good.get_json() == {"messages": 1, "statuses": 1}
    assert sent[0][1]["kind"] == "complaint" and sent[0][1]["channel"] == "whatsapp"
    assert _rows(app, Message)[0].status == "delivered"


def test_receipts_generic_and_infobip(app, hooks):
    client, _ = hooks
    task = app.extensions["celery"].tasks["notifications.send_batch"]
    task.apply(kwargs={"payload": make_payload(key="dlr", count=2)}).get()
    first, second = _rows(app, Message)
    assert client.post("/webhooks/receipts?token=masuk", json={"message_id": first.provider_message_id,
                                                               "status": "delivered"}).get_json() == {"updated": 1}
    infobip = {"results": [{"messageId": second.provider_message_id, "status": {"groupName": "UNDELIVERABLE"},
                            "error": {"name": "EC_ABSENT_SUBSCRIBER"}}]}
    assert client.post("/webhooks/receipts?token=masuk", json=infobip).get_json() == {"updated": 1}
    first, second = _rows(app, Message)
    assert first.status == "delivered" and second.status == "failed" and "ABSENT" in second.error


@pytest.mark.parametrize("text,expected", [("a" * 160, ("GSM-7", 1)), ("a" * 161, ("GSM-7", 2)),
                                           ("a" * 306, ("GSM-7", 2)), ("a" * 307, ("GSM-7", 3)),
                                           ("€" * 80, ("GSM-7", 1)), ("€" * 81, ("GSM-7", 2)),
                                           ("ā" * 70, ("UCS-2", 1)), ("ā" * 71, ("UCS-2", 2)),
                                           ("ā" * 134, ("UCS-2", 2)), ("ā" * 135, ("UCS-2", 3))])
def test_sms_segments(text, expected):
    assert sms_segments(text) == expected


def test_quiet_hours_in_jakarta_time():
    from zoneinfo import ZoneInfo

    night = datetime(2026, 11, 29, 22, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    day = datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert quiet_wait_seconds("21:00-06:00", "sms", night) == 8 * 3600 + 1
    assert quiet_wait_seconds("21:00-06:00", "sms", day) == 0
    assert quiet_wait_seconds("21:00-06:00", "email", night) == 0
    assert quiet_wait_seconds("", "sms", night) == 0


def test_template_validation_refuses_unknown_variables():
    assert validate_template("Yth. {{ nama }}, {{ program }}", {"nama", "program"}) == []
    [problem] = validate_template("Yth. {{ nama }} {{ nik }}", {"nama", "program"})
    assert "nik" in problem and "tidak dikenal" in problem
    assert "tidak sah" in validate_template("{{ nama ", {"nama"})[0]


def test_whatsapp_failure_falls_back_to_sms(app, tmp_var):
    task = app.extensions["celery"].tasks["notifications.send_batch"]
    # No WhatsApp configured in this app: every WhatsApp message fails for good, then goes as SMS: the
    # failed rows are copied as a fallback chunk of the same number and sent in the same run.
    task.apply(kwargs={"payload": make_payload(key="wa-sms", count=2, channel="whatsapp", fallback="sms")}).get()
    task.apply(kwargs={"payload": make_payload(key="wa-sms", count=2, channel="whatsapp", fallback="sms")}).get()
    rows = {(m.recipient_key, m.channel): m for m in _rows(app, Message)}
    assert rows[("enrolment-0", "whatsapp")].status == "failed" and "belum dikonfigurasi" in rows[
        ("enrolment-0", "whatsapp")].error
    assert rows[("enrolment-0", "sms")].status == rows[("enrolment-1", "sms")].status == "sent"
    assert len((tmp_var / "outbox" / "sms.jsonl").read_text().splitlines()) == 2
    detail = app.test_client().get("/api/campaigns/wa-sms", headers={"Authorization": "Bearer test-service-token"})
    body = detail.get_json()
    # The fallback copies are counted apart: the campaign's own counts still add up to its total.
    assert body["counts"]["failed"] == 2 and sum(body["counts"].values()) == body["total"] == 2
    assert body["fallback"] == "sms" and body["fallback_counts"]["sent"] == 2


def test_read_gammu_inbox_command(tmp_var, monkeypatch):
    from click.testing import CliRunner

    from services.notifications import schema as notifications_schema
    from services.notifications.cli import read_gammu_inbox

    inbox = tmp_var / "gammu-inbox"
    inbox.mkdir()
    (inbox / "IN20261129_101500_00_+6281200000005_00.txt").write_text("STOP")
    monkeypatch.setenv("GAMMU_INBOX", str(inbox))
    monkeypatch.setenv("CELERY_BROKER_URL", "memory://")
    notifications_schema.upgrade()
    result = CliRunner().invoke(read_gammu_inbox, [])
    assert result.exit_code == 0, result.output
    assert "opt_out: 1" in result.output and (inbox / "processed").is_dir() and not list(inbox.glob("IN*.txt"))


def test_quiet_hours_store_the_batch_and_the_watchdog_sends_it_later(app, tmp_var):
    from services.notifications.models import CampaignChunk

    celery = app.extensions["celery"]
    app.config["QUIET_HOURS"] = "00:00-23:59"  # quiet all day: nothing may go out now
    celery.tasks["notifications.send_batch"].apply(kwargs={"payload": make_payload(key="malam", count=2)}).get()
    [chunk] = _rows(app, CampaignChunk)
    assert chunk.status == "waiting" and chunk.not_before.replace(tzinfo=utcnow().tzinfo) > utcnow()
    assert {m.status for m in _rows(app, Message)} == {"queued"}
    assert not (tmp_var / "outbox" / "sms.jsonl").exists()
    watchdog = celery.tasks["notifications.run_watchdog"]
    assert watchdog.apply(kwargs={"payload": {}}).get()["requeued"] == 0  # not due yet
    app.config["QUIET_HOURS"] = ""
    with app.extensions["database"].transaction() as session:
        session.execute(update(CampaignChunk).values(not_before=utcnow()))
    assert watchdog.apply(kwargs={"payload": {}}).get()["requeued"] == 1  # due: sent (here in-process)
    assert {m.status for m in _rows(app, Message)} == {"sent"} and _rows(app, CampaignChunk)[0].status == "done"
    assert len((tmp_var / "outbox" / "sms.jsonl").read_text().splitlines()) == 2


def test_zenziva_delivery_reports_against_the_stand_in(app, hooks, stand_in):
    """A campaign sent through Zenziva (local stand-in); Zenziva's reports come back to /webhooks/zenziva."""
    from tests.fakes.providers import ZENZIVA_PATH

    client, _ = hooks
    app.config.update(SMS_PROVIDER="zenziva", SMS_GATEWAY_URL=stand_in.url + ZENZIVA_PATH, ZENZIVA_USERKEY="uk",
                      ZENZIVA_PASSKEY="pk", ZENZIVA_CALLBACK_TOKEN="zz-rahasia")
    app.extensions.pop("notification_channels", None)
    task = app.extensions["celery"].tasks["notifications.send_batch"]
    task.apply(kwargs={"payload": make_payload(key="zenziva-dlr", count=3)}).get()
    sent = stand_in.zenziva_sent()
    assert len(sent) == 3 and {m.provider_message_id for m in _rows(app, Message)} == {s["messageId"] for s in sent}
    delivered, failed, pending = (stand_in.zenziva_report(s["messageId"], status)
                                  for s, status in zip(sent, ["DELIVERED", "FAILED", "SENT"], strict=True))
    assert client.post("/webhooks/zenziva?token=salah", data=delivered).status_code == 403
    assert client.post("/webhooks/zenziva", data=delivered).status_code == 403
    assert client.post("/webhooks/zenziva?token=zz-rahasia", data=delivered).get_json() == {
        "updated": 1, "status": "delivered"}
    assert client.post("/webhooks/zenziva?token=zz-rahasia", data=failed).get_json()["updated"] == 1
    # An intermediate state changes nothing; the same report again changes nothing more.
    assert client.post("/webhooks/zenziva?token=zz-rahasia", data=pending).get_json()["updated"] == 0
    assert client.get("/webhooks/zenziva", query_string={**delivered, "token": "zz-rahasia"}).status_code == 200
    bad = client.post("/webhooks/zenziva?token=zz-rahasia", data={"messageId": "1", "status": "ENTAHLAH"})
    assert bad.status_code == 400 and "tidak dikenal" in bad.get_json()["error"]
    missing = client.post("/webhooks/zenziva?token=zz-rahasia", data={"status": "DELIVERED"})
    assert missing.status_code == 400 and "messageId" in missing.get_json()["error"]
    by_id = {m.provider_message_id: m for m in _rows(app, Message)}
    assert by_id[sent[0]["messageId"]].status == "delivered"
    assert by_id[sent[1]["messageId"]].status == "failed" and "Gagal terkirim" in by_id[sent[1]["messageId"]].error
    assert by_id[sent[2]["messageId"]].status == "sent"
