"""A campaign batch lost in Redis before notifications stored it is sent again by the registry's watchdog
from its outbox, and every recipient ends stored exactly once, however often a batch arrives."""
from __future__ import annotations

import base64
import json
import os
from datetime import timedelta

import pytest
from celery import Celery
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from services.common.db import make_engine, utcnow
from services.notifications import schema as notifications_schema
from services.notifications.delivery import store_batch_chunks
from services.notifications.models import Message
from services.registry import schema
from services.registry.distribution.watchdog import run_watchdogs, stuck_count
from services.registry.models import OutboxBatch
from services.registry.outreach.outbox import acknowledge
from services.registry.outreach.payloads import batches, send_batches

RECIPIENTS = 2_500  # three batches of at most 1,000


def _queued(redis_client) -> list[dict]:
    """The send_batch payloads waiting in Redis's notifications queue (Celery's message format)."""
    payloads = []
    for raw in redis_client.lrange("notifications", 0, -1):
        message = json.loads(raw)
        _, kwargs, _ = json.loads(base64.b64decode(message["body"]))
        payloads.append(kwargs["payload"])
    return payloads


@pytest.fixture
def redis_client():
    redis = pytest.importorskip("redis")
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL tidak diatur")
    client = redis.Redis.from_url(url)
    client.delete("notifications")
    yield client, url
    client.delete("notifications")


def test_a_batch_lost_in_redis_is_sent_again_and_stored_once(tmp_var, redis_client):
    client, url = redis_client
    registry_url = f"sqlite:///{tmp_var / 'registry.db'}"
    notifications_url = f"sqlite:///{tmp_var / 'notifications.db'}"
    schema.upgrade(registry_url)
    notifications_schema.upgrade(notifications_url)
    registry, notifications = make_engine(registry_url), make_engine(notifications_url)
    celery = Celery("sender", broker=url)
    recipients = [{"recipient_key": f"warga-{i}", "phone": f"+62812{i:07d}", "vars": {"nama": f"Warga {i}"}}
                  for i in range(RECIPIENTS)]
    try:
        with Session(registry) as session:
            sent, count = send_batches(celery, batches(recipients), session=session, campaign_key="uji-outbox",
                                       name="Uji", channel="sms", template="Yth. {{ nama }}", total=RECIPIENTS)
            session.commit()
        assert (sent, count) == (RECIPIENTS, 3)
        assert len(_queued(client)) == 3
        client.flushdb()  # Redis restarted without persistence: every batch is gone
        assert _queued(client) == []

        with Session(registry) as session:
            # Sent too recently: the watchdog leaves it alone (notifications may still be storing it).
            assert run_watchdogs(session, celery, timedelta(minutes=10)).detail == "tidak ada yang macet"
            session.execute(update(OutboxBatch).values(sent_at=utcnow() - timedelta(hours=1)))
            session.commit()
            assert stuck_count(session, timedelta(minutes=10)) == 3
            run = run_watchdogs(session, celery, timedelta(minutes=10))
            session.commit()
            assert "kampanye uji-outbox/0, uji-outbox/1, uji-outbox/2" in run.detail
        resent = _queued(client)
        assert sorted(p["batch_no"] for p in resent) == [0, 1, 2]
        assert all(p["outbox"] for p in resent)

        # Each batch arrives twice (a redelivery): nobody is stored twice.
        with Session(notifications) as session:
            for payload in resent + resent:
                store_batch_chunks(session, payload)
                session.commit()
            stored = session.scalar(select(func.count(Message.id)))
            distinct = session.scalar(select(func.count(func.distinct(Message.recipient_key))))
        assert (stored, distinct) == (RECIPIENTS, RECIPIENTS)

        # notifications' replies: nothing is sent again.
        with Session(registry) as session:
            for payload in resent:
                assert acknowledge(session, payload["campaign_key"], payload["batch_no"]) == 1
            session.execute(update(OutboxBatch).values(sent_at=utcnow() - timedelta(hours=2)))
            session.commit()
            client.delete("notifications")
            assert stuck_count(session, timedelta(minutes=10)) == 0
            run_watchdogs(session, celery, timedelta(minutes=10))
            session.commit()
        assert _queued(client) == []
        with Session(registry) as session:  # acknowledged payloads hold phone numbers: kept 30 days
            session.execute(update(OutboxBatch).values(acked_at=utcnow() - timedelta(days=31)))
            run_watchdogs(session, celery, timedelta(minutes=10))
            session.commit()
            assert session.scalar(select(func.count(OutboxBatch.id))) == 0
    finally:
        registry.dispose()
        notifications.dispose()


def test_a_campaign_sent_while_redis_is_down_is_kept_and_sent_by_the_watchdog(tmp_var, redis_client):
    from tests.helpers import free_port

    client, url = redis_client
    registry_url = f"sqlite:///{tmp_var / 'registry.db'}"
    schema.upgrade(registry_url)
    engine = make_engine(registry_url)
    dead = Celery("sender-dead", broker=f"redis://127.0.0.1:{free_port()}/0")
    dead.conf.broker_connection_retry = False
    dead.conf.broker_connection_max_retries = 0
    recipients = [{"recipient_key": f"warga-{i}", "phone": f"+62812{i:07d}"} for i in range(3)]
    try:
        with Session(engine) as session:
            assert send_batches(dead, batches(recipients), session=session, campaign_key="redis-mati", name="Uji",
                                channel="sms", template="Halo", total=3,
                                send_options={"retry": False}) == (3, 1)
            session.commit()
            session.execute(update(OutboxBatch).values(sent_at=utcnow() - timedelta(hours=1)))
            session.commit()
            run_watchdogs(session, Celery("sender", broker=url), timedelta(minutes=10))
            session.commit()
        assert [p["campaign_key"] for p in _queued(client)] == ["redis-mati"]
    finally:
        engine.dispose()


def test_a_second_send_of_the_same_campaign_keeps_one_outbox_row_per_batch(tmp_var):
    url = f"sqlite:///{tmp_var / 'registry.db'}"
    schema.upgrade(url)
    engine = make_engine(url)

    class Recorder:
        sent: list = []

        def send_task(self, name, **options):
            self.sent.append(name)

    recipients = [{"recipient_key": f"warga-{i}", "phone": f"+62812{i:07d}"} for i in range(5)]
    try:
        with Session(engine) as session:
            for _ in range(2):
                send_batches(Recorder(), batches(recipients, size=2), session=session, campaign_key="dua-kali",
                             name="Uji", channel="sms", template="Halo", total=5)
                session.commit()
            assert session.scalar(select(func.count(OutboxBatch.id))) == 3
    finally:
        engine.dispose()


def test_notifications_replies_only_to_an_outbox_batch_and_survives_a_broker_away():
    from kombu.exceptions import OperationalError

    from services.notifications.tasks import acknowledge_batch

    class Broker:
        def __init__(self, up=True):
            self.up, self.sent = up, []

        def send_task(self, name, kwargs, queue, **options):
            if not self.up:
                raise OperationalError("Redis tidak terjangkau")
            self.sent.append((name, kwargs["payload"], queue))

    broker = Broker()
    acknowledge_batch(broker, {"campaign_key": "uji", "batch_no": 2})
    assert broker.sent == [("registry.batch_stored", {"campaign_key": "uji", "batch_no": 2}, "registry")]
    acknowledge_batch(Broker(up=False), {"campaign_key": "uji", "batch_no": 2})  # logged; the outbox resends
