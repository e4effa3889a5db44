"""The notifications JSON API: bearer token, campaign list and detail with counts."""
from __future__ import annotations

from tests.notifications.conftest import TOKEN, make_payload

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _send(app, payload):
    app.extensions["celery"].tasks["notifications.send_batch"].apply(kwargs={"payload": payload}).get()


def test_api_requires_service_token(app):
    client = app.test_client()
    response = client.get("/api/campaigns")
    assert response.status_code == 401 and "token" in response.get_json()["error"]
    assert client.get("/api/campaigns", headers={"Authorization": "Bearer salah"}).status_code == 401


def test_campaign_counts_and_messages(app):
    payload = make_payload(key="kamp-api", count=4, total=5)
    payload["recipients"][0]["phone"] = None
    payload["recipients"][1]["vars"] = {}
    _send(app, payload)
    _send(app, make_payload(key="kamp-lain", count=1))
    client = app.test_client()
    listing = client.get("/api/campaigns", headers=AUTH).get_json()["campaigns"]
    assert {c["key"] for c in listing} == {"kamp-api", "kamp-lain"}
    detail = client.get("/api/campaigns/kamp-api", headers=AUTH).get_json()
    assert detail["total"] == 5 and detail["channel"] == "sms" and detail["name"] == "Uji"
    # 4 of 5 recipients stored: the fifth is "missing" (its batch has not arrived), so the counts add up.
    assert detail["counts"] == {"queued": 0, "sending": 0, "sent": 2, "failed": 1, "skipped": 1,
                                "unknown": 0, "delivered": 0, "opted_out": 0, "missing": 1}
    assert sum(detail["counts"].values()) == detail["total"]
    by_key = {m["recipient_key"]: m for m in detail["messages"]}
    assert by_key["enrolment-0"]["status"] == "skipped" and by_key["enrolment-0"]["error"] == "Nomor HP tidak ada"
    assert by_key["enrolment-2"]["sent_at"] and by_key["enrolment-2"]["phone"] == "+6281200000002"
    assert set(by_key["enrolment-3"]) == {"recipient_key", "phone", "status", "error", "sent_at", "channel",
                                          "attempts"}
    assert by_key["enrolment-3"]["attempts"] == 1 and by_key["enrolment-3"]["channel"] == "sms"


def test_unknown_campaign_is_404(app):
    response = app.test_client().get("/api/campaigns/tidak-ada", headers=AUTH)
    assert response.status_code == 404 and "tidak ditemukan" in response.get_json()["error"]


def test_health_is_open(app):
    body = app.test_client().get("/health").get_json()
    assert body["service"] == "notifications" and body["database"] == "ok"


def test_preview_validates_and_counts_segments(app):
    client = app.test_client()
    ok = client.post("/api/preview", headers=AUTH, json={
        "template": "Yth. {{ nama }}, bantuan {{ program }} siap.", "allowed": ["nama", "program"],
        "samples": [{"nama": "Siti", "program": "BLT"}]}).get_json()
    assert ok == {"problems": [], "samples": [{"body": "Yth. Siti, bantuan BLT siap.", "encoding": "GSM-7",
                                                "segments": 1}]}
    bad = client.post("/api/preview", headers=AUTH, json={"template": "{{ nik }}", "allowed": ["nama"]}).get_json()
    assert "nik" in bad["problems"][0] and bad["samples"] == []


def test_test_message_and_channels(app, tmp_var):
    client = app.test_client()
    sent = client.post("/api/test-message", headers=AUTH, json={"channel": "sms", "to": "0812-1111-2222"}).get_json()
    assert sent["provider"] == "file" and sent["to"] == "+6281211112222"
    assert "+6281211112222" in (tmp_var / "outbox" / "sms.jsonl").read_text()
    bad = client.post("/api/test-message", headers=AUTH, json={"channel": "sms", "to": "abc"})
    assert bad.status_code == 400 and "tidak sah" in bad.get_json()["error"]
    channels = {c["name"]: c for c in client.get("/api/channels", headers=AUTH).get_json()["channels"]}
    assert channels["sms"]["ready"] and not channels["email"]["ready"] and "SMTP_HOST" in channels["email"]["error"]
    assert client.get("/api/opt-outs", headers=AUTH).get_json() == {"opt_outs": []}
