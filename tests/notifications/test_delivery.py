"""Storing and delivering batches in-process on SQLite and PostgreSQL: templates, idempotency, retries."""
from __future__ import annotations

import json

from sqlalchemy import select

from services.notifications.channels import HttpSmsGateway
from services.notifications.delivery import deliver_batch, store_batch
from services.notifications.models import Message
from tests.notifications.conftest import make_payload


def _run(app, payload, channel, max_attempts=5):
    db = app.extensions["database"]
    with db.transaction() as session:
        campaign_id = store_batch(session, payload)
    keys = [r["recipient_key"] for r in payload["recipients"]]
    return deliver_batch(db, campaign_id, payload["campaign_key"], keys, channel, max_attempts)


def _messages(app) -> dict[str, Message]:
    with app.extensions["database"].transaction() as session:
        return {m.recipient_key: m for m in session.scalars(select(Message))}


def test_same_payload_twice_reaches_gateway_once_per_recipient(app, gateway):
    channel = HttpSmsGateway(gateway.url, gateway.token, "DESAKAMAL")
    payload = make_payload(count=5)
    first = _run(app, payload, channel)
    second = _run(app, payload, channel)
    assert (first.sent, second.sent) == (5, 0)
    assert len(gateway.requests) == 5
    assert sorted(r["reference"] for r in gateway.requests) == [f"kampanye-uji:enrolment-{i}" for i in range(5)]
    messages = _messages(app)
    assert {m.status for m in messages.values()} == {"sent"}
    assert messages["enrolment-2"].body == "Yth. Warga 2, bantuan BLT Dana Desa 2026 siap diambil."
    assert all(m.provider_message_id and m.sent_at for m in messages.values())


def test_missing_template_variable_fails_only_that_message(app, gateway):
    payload = make_payload(count=3)
    del payload["recipients"][1]["vars"]["nama"]
    outcome = _run(app, payload, HttpSmsGateway(gateway.url, gateway.token, "DESAKAMAL"))
    messages = _messages(app)
    assert outcome.sent == 2 and len(gateway.requests) == 2
    assert messages["enrolment-1"].status == "failed"
    error = messages["enrolment-1"].error
    assert "Variabel templat tidak tersedia" in error and "nama" in error


def test_broken_template_fails_every_message(app, tmp_var):
    from services.notifications.channels import FileChannel

    payload = make_payload(count=2, template="Halo {{ nama ")
    outcome = _run(app, payload, FileChannel(str(tmp_var / "outbox"), "DESAKAMAL"))
    assert outcome.sent == 0 and outcome.failed == 0  # failed at insert, never claimed
    assert all(m.status == "failed" and m.error.startswith("Templat pesan tidak sah") for m in _messages(app).values())
    assert not (tmp_var / "outbox" / "sms.jsonl").exists()


def test_sandbox_blocks_unsafe_template(app, gateway):
    payload = make_payload(count=1, template="{{ ''.__class__.__mro__ }}")
    _run(app, payload, HttpSmsGateway(gateway.url, gateway.token, "DESAKAMAL"))
    [message] = _messages(app).values()
    assert message.status == "failed" and gateway.requests == []


def test_missing_phone_is_skipped(app, gateway):
    payload = make_payload(count=3)
    payload["recipients"][0]["phone"] = None
    payload["recipients"][1]["phone"] = "bukan nomor"
    _run(app, payload, HttpSmsGateway(gateway.url, gateway.token, "DESAKAMAL"))
    messages = _messages(app)
    assert [messages[f"enrolment-{i}"].status for i in range(3)] == ["skipped", "skipped", "sent"]
    assert messages["enrolment-0"].error == "Nomor HP tidak ada"
    assert len(gateway.requests) == 1


def test_temporary_failure_requeues_then_sends(app, gateway):
    gateway.fail_next(2, 429)
    channel = HttpSmsGateway(gateway.url, gateway.token, "DESAKAMAL")
    payload = make_payload(count=3)
    first = _run(app, payload, channel)
    assert first.sent == 1 and len(first.requeued) == 2
    assert sorted(m.status for m in _messages(app).values()) == ["queued", "queued", "sent"]
    second = _run(app, payload, channel)
    assert second.sent == 2 and not second.requeued
    assert len(gateway.accepted()) == 3
    assert max(m.attempts for m in _messages(app).values()) == 2


def test_attempts_are_bounded(app, gateway):
    gateway.fail_next(10, 503)
    channel = HttpSmsGateway(gateway.url, gateway.token, "DESAKAMAL")
    payload = make_payload(count=1)
    for _ in range(3):
        _run(app, payload, channel, max_attempts=3)
    [message] = _messages(app).values()
    assert message.status == "failed" and message.attempts == 3 and "503" in message.error
    assert len(gateway.requests) == 3


def test_permanent_failure_keeps_gateway_reason(app, gateway):
    gateway.fail_next(1, 400)
    _run(app, make_payload(count=1), HttpSmsGateway(gateway.url, gateway.token, "DESAKAMAL"))
    [message] = _messages(app).values()
    assert message.status == "failed" and "menolak" in message.error and "simulated 400" in message.error


def test_task_runs_in_process_with_file_channel(app, tmp_var):
    task = app.extensions["celery"].tasks["notifications.send_batch"]
    payload = make_payload(key="kamp-file", count=4)
    task.apply(kwargs={"payload": payload}).get()
    task.apply(kwargs={"payload": payload}).get()
    lines = [json.loads(x) for x in (tmp_var / "outbox" / "sms.jsonl").read_text().splitlines()]
    assert len(lines) == 4 and {x["campaign"] for x in lines} == {"kamp-file"}
