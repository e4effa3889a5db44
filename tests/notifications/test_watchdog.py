"""The durable campaign in process: stored in chunks before any task, a lost task or a dead run recovered by
the watchdog (settled at the provider's status API or as unknown, never resent blindly), scheduled
campaigns waiting in the database, and /health telling the operator what the next tick will do."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from services.common.db import utcnow
from services.notifications.channels import Channel, FileChannel
from services.notifications.chunks import CHUNK_SIZE, MAX_CHUNK_RUNS, chunk_no
from services.notifications.delivery import store_batch_chunks
from services.notifications.models import CampaignChunk, Message
from services.notifications.watchdog import run_watchdog
from tests.helpers import free_port, wait_for
from tests.helpers.servers import redis_pings, redis_server
from tests.notifications.conftest import TOKEN, make_payload

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _store(app, payload) -> tuple[int, list[int]]:
    with app.extensions["database"].transaction() as session:
        return store_batch_chunks(session, payload)


def _rows(app, model) -> list:
    with app.extensions["database"].transaction() as session:
        return list(session.scalars(select(model).order_by(model.id)))


def _age_chunks(app, **values) -> None:
    with app.extensions["database"].transaction() as session:
        session.execute(update(CampaignChunk).values(**values))


def _watchdog(app) -> dict:
    return app.extensions["celery"].tasks["notifications.run_watchdog"].apply(kwargs={"payload": {}}).get()


def test_a_batch_is_stored_in_numbered_chunks_before_any_task(app):
    payload = make_payload(key="besar", count=CHUNK_SIZE + 10, batch_no=2)
    campaign_id, numbers = _store(app, payload)
    assert numbers == [chunk_no(2, 0), chunk_no(2, CHUNK_SIZE)] == [8, 9]
    chunks = _rows(app, CampaignChunk)
    assert [(c.chunk_no, c.size, c.status) for c in chunks] == [(8, CHUNK_SIZE, "queued"), (9, 10, "queued")]
    assert {m.status for m in _rows(app, Message)} == {"queued"}
    assert _store(app, payload) == (campaign_id, numbers)  # a redelivered batch adds nothing
    assert len(_rows(app, Message)) == CHUNK_SIZE + 10 and len(_rows(app, CampaignChunk)) == 2


def test_a_chunk_whose_task_was_lost_is_sent_by_the_watchdog(app, tmp_var):
    _store(app, make_payload(key="hilang", count=3))  # stored, but the broker lost the task
    client = app.test_client()
    assert _watchdog(app)["requeued"] == 0  # just sent: its task may still be on its way
    _age_chunks(app, enqueued_at=utcnow() - timedelta(hours=1))
    assert client.get("/health").get_json()["stuck_chunks"] == 1
    assert _watchdog(app)["requeued"] == 1
    assert {m.status for m in _rows(app, Message)} == {"sent"} and _rows(app, CampaignChunk)[0].status == "done"
    assert len((tmp_var / "outbox" / "sms.jsonl").read_text().splitlines()) == 3
    assert client.get("/health").get_json()["stuck_chunks"] == 0
    assert _watchdog(app)["requeued"] == 0  # done chunks are left alone


def _dead_run(app, sending_key: str) -> None:
    """As if a run claimed the chunk, sent ``sending_key`` and died before recording anything."""
    old = utcnow() - timedelta(minutes=5)
    _age_chunks(app, status="running", claimed_by="dead-run", heartbeat_at=old, runs=1)
    with app.extensions["database"].transaction() as session:
        session.execute(update(Message).where(Message.recipient_key == sending_key).values(
            status="sending", attempts=1, claimed_at=old, claimed_by="dead-run"))


def test_a_dead_runs_chunk_is_settled_as_unknown_and_the_rest_sent(app, tmp_var):
    _store(app, make_payload(key="mati", count=3))
    _dead_run(app, "enrolment-1")
    result = _watchdog(app)
    assert result == {"requeued": 1, "unknown": 1, "given_up": 0}
    messages = {m.recipient_key: m for m in _rows(app, Message)}
    assert messages["enrolment-1"].status == "unknown" and "tidak dikirim ulang" in messages["enrolment-1"].error
    assert messages["enrolment-0"].status == messages["enrolment-2"].status == "sent"
    lines = [json.loads(x) for x in (tmp_var / "outbox" / "sms.jsonl").read_text().splitlines()]
    assert sorted(x["recipient_key"] for x in lines) == ["enrolment-0", "enrolment-2"]
    body = app.test_client().get("/api/campaigns/mati", headers=AUTH).get_json()
    assert body["counts"]["sent"] == 2 and body["counts"]["unknown"] == 1
    assert sum(body["counts"].values()) == body["total"] == 3


class LookupChannel(Channel):
    """A provider with a status API: it knows enrolment-0 (accepted before the crash), not enrolment-1."""

    name = "lookup"
    has_lookup = True

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, message):
        self.sent.append(message.recipient_key)
        return f"id-{message.recipient_key}"

    def lookup(self, message):
        return "prov-0" if message.recipient_key == "enrolment-0" else None


def test_the_providers_status_api_settles_a_dead_runs_messages(app):
    _store(app, make_payload(key="tanya", count=3))
    _dead_run(app, "enrolment-0")
    with app.extensions["database"].transaction() as session:
        session.execute(update(Message).where(Message.recipient_key == "enrolment-1").values(
            status="sending", attempts=1, claimed_at=utcnow() - timedelta(minutes=5), claimed_by="dead-run"))
    channel, sent_again = LookupChannel(), []
    with app.app_context():
        result = run_watchdog(app.extensions["database"], sent_again.append, lambda name: channel,
                              stale_seconds=30, requeue_seconds=300)
    messages = {m.recipient_key: m for m in _rows(app, Message)}
    assert result["unknown"] == 1 and len(sent_again) == 1
    assert (messages["enrolment-0"].status, messages["enrolment-0"].provider_message_id) == ("sent", "prov-0")
    assert messages["enrolment-1"].status == "unknown" and "penyedia tidak mencatat" in messages["enrolment-1"].error
    assert messages["enrolment-2"].status == "queued" and channel.sent == []  # nothing resent by the watchdog


def test_a_chunk_that_keeps_dying_is_given_up_with_the_reason(app):
    _store(app, make_payload(key="racun", count=2))
    _dead_run(app, "enrolment-0")
    _age_chunks(app, runs=MAX_CHUNK_RUNS)
    assert _watchdog(app)["given_up"] == 1
    messages = {m.recipient_key: m for m in _rows(app, Message)}
    assert messages["enrolment-0"].status == "unknown" and messages["enrolment-1"].status == "failed"
    assert "percobaan" in messages["enrolment-1"].error and _rows(app, CampaignChunk)[0].status == "done"


def test_a_scheduled_campaign_is_stored_now_and_waits_in_the_database(app, tmp_var):
    later = (utcnow() + timedelta(days=2)).isoformat()
    task = app.extensions["celery"].tasks["notifications.send_batch"]
    assert task.apply(kwargs={"payload": make_payload(key="terjadwal", count=2, send_at=later)}).get()["chunks"] == 0
    [chunk] = _rows(app, CampaignChunk)
    assert chunk.status == "waiting" and {m.status for m in _rows(app, Message)} == {"queued"}
    assert _watchdog(app)["requeued"] == 0 and not (tmp_var / "outbox" / "sms.jsonl").exists()
    _age_chunks(app, not_before=utcnow())
    assert _watchdog(app)["requeued"] == 1 and {m.status for m in _rows(app, Message)} == {"sent"}


def test_a_live_run_is_left_alone(app):
    from services.notifications.chunks import claim_chunk

    campaign_id, [number] = _store(app, make_payload(key="hidup", count=1))
    with app.extensions["database"].transaction() as session:
        assert claim_chunk(session, campaign_id, number, "sms", "live-run", 30) is not None
        # A duplicate task of the same chunk finds it held.
        assert claim_chunk(session, campaign_id, number, "sms", "duplicate", 30) is None
    assert _watchdog(app)["requeued"] == 0 and _rows(app, CampaignChunk)[0].claimed_by == "live-run"


@pytest.mark.redis
def test_health_warns_about_a_broker_redis_without_persistence(app, tmp_path, monkeypatch):
    from services.notifications import health

    port = free_port()
    server = redis_server(port, folder=tmp_path)  # --save "" and appendonly no: a restart loses the queue
    try:
        wait_for(lambda: redis_pings(port), timeout=20, message="own redis-server up")
        monkeypatch.delenv("BANSOS_DEMO", raising=False)
        app.config["CELERY_BROKER_URL"] = f"redis://127.0.0.1:{port}/0"
        with app.app_context():
            assert health.warnings() == [health.NO_PERSISTENCE]
            assert app.test_client().get("/health").get_json()["warnings"] == [health.NO_PERSISTENCE]
        monkeypatch.setenv("BANSOS_DEMO", "1")
        with app.app_context():
            assert health.warnings() == []  # the demo's broker is nobody's production queue
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert health.broker_persistence(lambda name: {"appendonly": "yes"} if name == "appendonly" else {"save": ""})
    assert health.broker_persistence(lambda name: {"appendonly": "no"} if name == "appendonly" else
                                     {"save": "3600 1"})
    assert not health.broker_persistence(lambda name: {"appendonly": "no"} if name == "appendonly" else {"save": ""})


def test_lost_redis_loses_no_recipient_channel_file(app, tmp_var):
    """Everything the broker held is gone; the database alone brings every recipient to an end state."""
    for payload in [make_payload(key="tanpa-redis", count=5, start=n * 5, batch_no=n, total=10) for n in (0, 1)]:
        _store(app, payload)
    _age_chunks(app, enqueued_at=utcnow() - timedelta(hours=1))
    assert _watchdog(app)["requeued"] == 2
    assert len(FileChannel(str(tmp_var / "outbox"), "X").path.read_text().splitlines()) == 10
    body = app.test_client().get("/api/campaigns/tanpa-redis", headers=AUTH).get_json()
    assert body["counts"]["sent"] == 10 == body["total"] and body["counts"]["missing"] == 0
