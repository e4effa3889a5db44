"""Real Celery worker processes: tasks sent by name from a separate producer, sent twice, exact counts."""
from __future__ import annotations

import json
import time

import pytest

from services.common.contracts import send
from services.notifications import schema
from tests.helpers import wait_for
from tests.notifications.workers import WORKER
from tests.notifications.workers import batches as _batches
from tests.notifications.workers import producer as _producer
from tests.notifications.workers import status_counts as _status_counts

pytestmark = pytest.mark.slow


@pytest.mark.postgres
@pytest.mark.redis
def test_worker_on_postgres_redis_and_http_gateway(pg, redis_url, processes, gateway, tmp_var):
    url = pg.create("notifw")
    schema.upgrade(url)
    env = {"NOTIFICATIONS_DATABASE_URL": url, "CELERY_BROKER_URL": redis_url, "SMS_GATEWAY_URL": gateway.url,
           "SMS_GATEWAY_TOKEN": gateway.token, "NOTIFICATIONS_RETRY_BASE_SECONDS": "1"}
    # Two workers of two processes each compete for the same (duplicated) batches.
    processes.celery_worker(WORKER, "notifications", env, name="notif-a")
    processes.celery_worker(WORKER, "notifications", env, name="notif-b")
    gateway.fail_next(3, 500)  # temporary failures: those messages go back to queued and the task retries
    producer = _producer(redis_url)
    batches = _batches("kamp-pg", 120, 40)
    for payload in batches + batches:
        send(producer, "notifications.send_batch", payload)
    wait_for(lambda: _status_counts(url).get("sent") == 120, timeout=60, message="120 sent on PostgreSQL")
    assert _status_counts(url) == {"sent": 120}
    import redis

    client = redis.Redis.from_url(redis_url)
    wait_for(lambda: client.llen("notifications") == 0, timeout=30, message="queue drained")
    client.close()
    time.sleep(1.5)  # let the duplicate deliveries finish: they must find nothing left to send
    accepted = gateway.accepted()
    assert len(accepted) == 120
    assert len({r["reference"] for r in accepted}) == 120
    assert len(gateway.requests) == 123  # 3 simulated 500s, never a duplicate accepted send


def test_worker_on_embedded_default_sqlite_filesystem_file_channel(processes, tmp_var, monkeypatch):
    env = {"BANSOS_VAR": str(tmp_var), "BANSOS_DEMO": "1"}
    for name in ("NOTIFICATIONS_DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "SMS_GATEWAY_URL", "OUTBOX_DIR"):
        monkeypatch.delenv(name, raising=False)
    schema.upgrade()  # the default: var/notifications.db in BANSOS_VAR
    processes.celery_worker(WORKER, "notifications", env, name="notif-embedded")
    producer = _producer("filesystem://")
    batches = _batches("kamp-embedded", 60, 25)
    for payload in batches + batches:
        send(producer, "notifications.send_batch", payload)
    outbox = tmp_var / "outbox" / "sms.jsonl"
    url = f"sqlite:///{tmp_var / 'notifications.db'}"
    wait_for(lambda: _status_counts(url).get("sent") == 60, timeout=60, message="60 sent on SQLite")
    broker = tmp_var / "broker"
    wait_for(lambda: not list(broker.glob("*.msg")), timeout=30, message="filesystem queue drained")
    time.sleep(1.5)  # let the duplicate deliveries finish: they must find nothing left to send
    lines = [json.loads(line) for line in outbox.read_text().splitlines()]
    assert len(lines) == 60
    assert len({x["recipient_key"] for x in lines}) == 60 and {x["sender"] for x in lines} == {"DESAKAMAL"}
    assert _status_counts(url) == {"sent": 60}
