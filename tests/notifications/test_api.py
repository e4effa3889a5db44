"""The notifications JSON API: bearer token, campaign list and detail with counts."""
from __future__ import annotations

from .conftest import TOKEN, make_payload

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
    assert detail["counts"] == {"queued": 0, "sending": 0, "sent": 2, "failed": 1, "skipped": 1,
                                "unknown": 0, "delivered": 0, "opted_out": 0}
    by_key = {m["recipient_key"]: m for m in detail["messages"]}
    assert by_key["enrolment-0"]["status"] == "skipped" and by_key["enrolment-0"]["error"] == "Nomor HP tidak ada"
    assert by_key["enrolment-2"]["sent_at"] and by_key["enrolment-2"]["phone"] == "+6281200000002"
    assert set(by_key["enrolment-3"]) == {"recipient_key", "phone", "status", "error", "sent_at"}


def test_unknown_campaign_is_404(app):
    response = app.test_client().get("/api/campaigns/tidak-ada", headers=AUTH)
    assert response.status_code == 404 and "tidak ditemukan" in response.get_json()["error"]


def test_health_is_open(app):
    body = app.test_client().get("/health").get_json()
    assert body["service"] == "notifications" and body["database"] == "ok"
