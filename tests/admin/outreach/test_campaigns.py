"""SMS campaigns: one notifications.send_batch per 500 recipients, each recipient exactly once."""
from __future__ import annotations

import math
import re

import pytest
from sqlalchemy import select

from services.registry.models import Enrolment
from tests.admin.stack import login, queued_tasks
from tests.admin.standins import StandIn, notifications_routes
from tests.helpers.builders import programme

TEMPLATE = "Yth. {{ nama }}, bantuan {{ program }} dapat diambil di balai desa."


def active_keys(db, programme_id) -> set[str]:
    ids = db.scalars(select(Enrolment.id).where(Enrolment.programme_id == programme_id, Enrolment.status == "aktif"))
    return {f"enrolment-{pk}" for pk in ids}


def send_campaign(client, programme_id, template=TEMPLATE) -> str:
    response = client.post("/campaigns/new", data={"programme_id": programme_id, "template": template})
    assert response.status_code == 302, response.data[:800]
    return re.search(r"/campaigns/([0-9a-f]{32})$", response.headers["Location"]).group(1)


@pytest.mark.parametrize("batch_size", [500, 25])
def test_campaign_sends_ceil_n_over_batch_tasks_with_every_recipient_once(client, db, stack, batch_size):
    stack.flush_broker()
    previous = stack.app.config["CAMPAIGN_BATCH_SIZE"]
    stack.app.config["CAMPAIGN_BATCH_SIZE"] = batch_size
    try:
        blt = programme(db, "BLT-DD-2026")
        expected = active_keys(db, blt.id)
        login(client, "operator")
        key = send_campaign(client, blt.id)
    finally:
        stack.app.config["CAMPAIGN_BATCH_SIZE"] = previous
    tasks = queued_tasks(stack.broker, stack.var, "notifications")
    assert len(tasks) == math.ceil(len(expected) / batch_size)
    payloads = [kwargs["payload"] for name, kwargs in tasks if name == "notifications.send_batch"]
    assert len(payloads) == len(tasks)
    keys = [r["recipient_key"] for p in payloads for r in p["recipients"]]
    assert len(keys) == len(set(keys)) and set(keys) == expected
    assert sorted(p["batch_no"] for p in payloads) == list(range(len(payloads)))
    assert {(p["campaign_key"], p["total"], p["template"], p["channel"]) for p in payloads} == {
        (key, len(expected), TEMPLATE, "sms")}
    assert all(len(p["recipients"]) <= batch_size for p in payloads)
    assert all(r["vars"]["program"] == blt.name and r["vars"]["nama"] for p in payloads for r in p["recipients"])
    stack.flush_broker()


def test_campaign_refused_to_partner_and_auditor(client, db, stack):
    stack.flush_broker()
    blt = programme(db, "BLT-DD-2026")
    for username in ("mitra_lsm", "auditor"):
        login(client, username)
        assert client.post("/campaigns/new", data={"programme_id": blt.id, "template": TEMPLATE}).status_code == 403
    assert queued_tasks(stack.broker, stack.var, "notifications") == []


def test_campaign_form_has_contract_fields(client):
    login(client, "operator")
    page = client.get("/campaigns/new").data.decode()
    assert 'name="programme_id"' in page and 'name="template"' in page and 'id="send-campaign"' in page
    assert "Yth. {{ nama }}, bantuan {{ program }} dapat diambil di balai desa." in page


@pytest.fixture
def notifications(stack):
    campaigns = {}
    server = StandIn(notifications_routes(campaigns))
    stack.app.config["NOTIFICATIONS_API_URL"] = server.url
    yield campaigns, server
    server.close()


def test_campaign_page_shows_counts_from_notifications_api(client, notifications):
    campaigns, server = notifications
    key = "a" * 32
    campaigns[key] = {"key": key, "name": "BLT Dana Desa 2026", "channel": "sms", "total": 3,
                      "created_at": "2026-11-29T00:00:00+00:00",
                      "counts": {"queued": 1, "sending": 0, "sent": 2, "failed": 0, "skipped": 0},
                      "messages": [{"recipient_key": "enrolment-1", "phone": "+6281234567890", "status": "sent",
                                    "error": None, "sent_at": "2026-11-29T00:00:01+00:00"}]}
    login(client, "operator")
    page = client.get(f"/campaigns/{key}").data.decode()
    assert re.search(r'id="count-queued">1<', page) and re.search(r'id="count-sent">2<', page)
    assert re.search(r'id="count-failed">0<', page) and "enrolment-1" in page
    campaigns[key]["counts"] = {"queued": 0, "sending": 0, "sent": 2, "failed": 1, "skipped": 0}
    status = client.get(f"/campaigns/{key}/status.json").get_json()
    assert status["counts"]["failed"] == 1 and status["known"] is True
    listing = client.get("/campaigns/").data.decode()
    assert f"/campaigns/{key}" in listing and "BLT Dana Desa 2026" in listing
    assert all(path.startswith("/api/campaigns") for path, _ in server.seen)


def test_campaign_unknown_to_notifications_shows_zero_counts(client, notifications):
    login(client, "operator")
    status = client.get(f"/campaigns/{'b' * 32}/status.json").get_json()
    assert status["known"] is False and status["counts"] == dict.fromkeys(
        ["queued", "sending", "sent", "delivered", "failed", "skipped", "opted_out", "unknown", "missing"], 0)


def test_wrong_service_token_is_reported_not_hidden(client, stack, notifications):
    stack.app.config["SERVICE_TOKEN"] = "salah"
    try:
        login(client, "operator")
        response = client.get(f"/campaigns/{'c' * 32}/status.json")
    finally:
        stack.app.config["SERVICE_TOKEN"] = "demo-service-token"
    assert response.status_code == 503 and "401" in response.get_json()["error"]
