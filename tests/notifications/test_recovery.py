"""Messages left 'sending' by a dead run: resent under the same idempotency key, or marked unknown; never twice."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select, update

from services.common.db import utcnow
from services.notifications.channels import FileChannel, HttpSmsGateway
from services.notifications.delivery import deliver_batch, store_batch
from services.notifications.models import Message
from tests.notifications.conftest import make_payload


def _store(app, payload) -> int:
    with app.extensions["database"].transaction() as session:
        return store_batch(session, payload)


def _left_sending(app, key: str, claimed_by: str, age: timedelta) -> None:
    """As if run ``claimed_by`` claimed ``key`` ``age`` ago and died before recording the outcome."""
    with app.extensions["database"].transaction() as session:
        session.execute(update(Message).where(Message.recipient_key == key).values(
            status="sending", attempts=1, claimed_at=utcnow() - age, claimed_by=claimed_by))


def _deliver(app, campaign_id, payload, channel, token=None):
    keys = [r["recipient_key"] for r in payload["recipients"]]
    return deliver_batch(app.extensions["database"], campaign_id, payload["campaign_key"], keys, channel, token=token)


def _messages(app) -> dict[str, Message]:
    with app.extensions["database"].transaction() as session:
        return {m.recipient_key: m for m in session.scalars(select(Message))}


def test_idempotent_gateway_resends_under_the_same_reference(app, gateway):
    channel = HttpSmsGateway(gateway.url, gateway.token, "DESAKAMAL")
    payload = make_payload(count=3)
    campaign_id = _store(app, payload)
    _deliver(app, campaign_id, payload, channel, token="run-1")
    # The first run's gateway call for enrolment-0 went out, but its outcome was never written.
    _left_sending(app, "enrolment-0", "run-1", timedelta(minutes=5))
    outcome = _deliver(app, campaign_id, payload, channel, token="run-2")  # the redelivery, after the lease
    assert outcome.resent_with_key == 1 and outcome.sent == 1
    assert [r["reference"] for r in gateway.duplicates()] == ["kampanye-uji:enrolment-0"]
    assert len(gateway.accepted()) == 3 and _messages(app)["enrolment-0"].status == "sent"


def test_file_channel_marks_interrupted_message_unknown(app, tmp_var):
    channel = FileChannel(str(tmp_var / "outbox"), "DESAKAMAL")
    payload = make_payload(count=3)
    campaign_id = _store(app, payload)
    _left_sending(app, "enrolment-1", "run-1", timedelta(minutes=5))
    outcome = _deliver(app, campaign_id, payload, channel, token="run-2")
    messages = _messages(app)
    assert (outcome.sent, outcome.unknown) == (2, 1)
    assert messages["enrolment-1"].status == "unknown" and "tidak dikirim ulang" in messages["enrolment-1"].error
    lines = [json.loads(x) for x in (tmp_var / "outbox" / "sms.jsonl").read_text().splitlines()]
    assert sorted(x["recipient_key"] for x in lines) == ["enrolment-0", "enrolment-2"]


def test_fresh_claim_of_another_run_is_left_alone_until_stale(app, tmp_var):
    channel = FileChannel(str(tmp_var / "outbox"), "DESAKAMAL")
    payload = make_payload(count=2)
    campaign_id = _store(app, payload)
    _left_sending(app, "enrolment-0", "other-run", timedelta(seconds=5))
    outcome = _deliver(app, campaign_id, payload, channel, token="run-2")
    assert (outcome.sent, outcome.unknown, outcome.already_handled, outcome.pending_elsewhere) == (1, 0, 1, 1)
    assert _messages(app)["enrolment-0"].status == "sending"  # the other run may still be working on it
    _left_sending(app, "enrolment-0", "other-run", timedelta(hours=1))
    assert _deliver(app, campaign_id, payload, channel, token="run-3").unknown == 1
    assert _messages(app)["enrolment-0"].status == "unknown"


def test_running_claim_renews_its_lease(app, tmp_var):
    from services.notifications.delivery import record_results

    payload = make_payload(count=1)
    _store(app, payload)
    _left_sending(app, "enrolment-0", "live-run", timedelta(seconds=25))
    record_results(app.extensions["database"], "live-run", [])  # a heartbeat with nothing to record yet
    age = utcnow() - _messages(app)["enrolment-0"].claimed_at.replace(tzinfo=utcnow().tzinfo)
    assert age < timedelta(seconds=20)


def test_late_result_of_a_superseded_run_does_not_overwrite(app, gateway):
    from services.notifications.delivery import record_results

    payload = make_payload(count=1)
    campaign_id = _store(app, payload)
    _left_sending(app, "enrolment-0", "old-run", timedelta(hours=1))
    _deliver(app, campaign_id, payload, HttpSmsGateway(gateway.url, gateway.token, "X"), token="new-run")
    message = _messages(app)["enrolment-0"]
    record_results(app.extensions["database"], "old-run", [{"b_id": message.id, "b_status": "failed", "b_error": "x",
                                                            "b_provider_id": None, "b_sent_at": None,
                                                            "b_attempts": 1}])
    assert _messages(app)["enrolment-0"].status == "sent"
