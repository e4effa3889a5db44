"""Training invitations reach people through a real notifications worker (embedded default: SQLite,
filesystem broker, file channel); sending the same invitations twice delivers each SMS once."""
from __future__ import annotations

import base64
import json
from datetime import date

import pytest
from celery import Celery

from services.common.settings import broker_transport_options
from services.notifications import schema as notifications_schema
from services.registry.capacity import trainings as tr
from services.registry.models import Training, TrainingSession
from tests.helpers import wait_for
from tests.registry.capacity.capacity_data import village

pytestmark = pytest.mark.slow


def test_invitations_delivered_once_by_the_notifications_worker(session, processes, tmp_var, monkeypatch):
    env = {"BANSOS_VAR": str(tmp_var), "BANSOS_DEMO": "1"}
    for name in ("NOTIFICATIONS_DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "SMS_GATEWAY_URL", "OUTBOX_DIR"):
        monkeypatch.delenv(name, raising=False)
    notifications_schema.upgrade()
    processes.celery_worker("services.notifications.worker", "notifications", env, name="notif-training")

    village(session)
    training = Training(topic="Menjahit", capacity=5, target_rule={"sex": "P", "programme_code": "BLT-DD"})
    training.sessions = [TrainingSession(held_on=date(2026, 12, 1), place="Balai Desa Kamal")]
    session.add(training)
    invited = tr.invite(session, training, tr.eligible_persons(session, training, today=date(2026, 11, 29)), "op")
    session.commit()

    producer = Celery("producer-training", set_as_current=False)
    producer.conf.update(broker_url="filesystem://", broker_transport_options=broker_transport_options("filesystem://"),
                         task_serializer="json")
    tr.send_invitations(producer, training, invited, "op")
    tr.send_invitations(producer, training, invited, "op")  # a double click: nobody gets two SMS

    outbox = tmp_var / "outbox" / "sms.jsonl"
    wait_for(lambda: outbox.exists() and len(outbox.read_text().splitlines()) >= 2, timeout=60,
             message="invitations in the outbox")
    broker = tmp_var / "broker"
    # Left for the registry worker (not running here): notifications' replies to the outbox batches.
    wait_for(lambda: not list(broker.glob("*.notifications.msg")), timeout=30, message="filesystem queue drained")
    replies = [json.loads(base64.b64decode(json.loads(f.read_text())["body"]))[1]["payload"]
               for f in broker.glob("*.registry.msg")]
    assert replies and {r["campaign_key"] for r in replies} == {f"training-{training.id}-invite"}
    lines = [json.loads(line) for line in outbox.read_text().splitlines()]
    assert sorted(x["recipient_key"] for x in lines) == sorted(f"training-enrolment-{e.id}" for e in invited)
    assert all("pelatihan Menjahit mulai 01-12-2026 di Balai Desa Kamal" in x["body"] for x in lines), lines[0]
