"""The beat task registry.escalate_complaints in a real registry worker, sent by name with a fixed "now"."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.contracts import send
from services.common.db import make_engine
from services.registry.feedback.complaints import record_complaint
from services.registry.models import AuditEntry, Complaint
from tests.conftest import wait_for


@pytest.fixture
def broker(registry_url, request):
    return request.getfixturevalue("redis_url") if registry_url.startswith("postgresql") else "filesystem://"


def _levels(url: str) -> list[tuple[str, int, str]]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return [(c.tracking_code, c.escalation_level, c.status)
                    for c in session.scalars(select(Complaint).order_by(Complaint.id))]
    finally:
        engine.dispose()


def test_escalation_runs_in_the_worker_once(registry_url, broker, processes, monkeypatch):
    engine = make_engine(registry_url)
    with Session(engine) as session:
        record_complaint(session, {"tracking_code": "ADU-LATE2222", "channel": "sms", "category": "layanan",
                                   "body": "Belum ada jawaban"}, "uji", now=datetime(2027, 1, 4, 3, tzinfo=UTC))
        record_complaint(session, {"tracking_code": "ADU-NEWW3333", "channel": "web", "category": "layanan",
                                   "body": "Baru saja"}, "uji", now=datetime(2027, 1, 14, 3, tzinfo=UTC))
        session.commit()
    engine.dispose()
    env = {"REGISTRY_DATABASE_URL": registry_url, "CELERY_BROKER_URL": broker}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    from services.registry.app import create_app

    app = create_app()
    processes.celery_worker("services.registry.worker", "registry", env)
    # Sent twice as a redelivery would be; that the second changes nothing is checked in test_complaints.py.
    for _ in range(2):
        send(app.extensions["celery"], "registry.escalate_complaints", {"now": "2027-01-14T05:00:00+00:00"})
    wait_for(lambda: _levels(registry_url)[0][1] == 1, timeout=60, message="eskalasi")
    engine = make_engine(registry_url)
    with Session(engine) as session:
        escalations = session.scalars(select(AuditEntry).where(AuditEntry.action == "escalate")).all()
    engine.dispose()
    assert _levels(registry_url) == [("ADU-LATE2222", 1, "baru"), ("ADU-NEWW3333", 0, "baru")]
    assert [e.entity_id for e in escalations] == ["ADU-LATE2222"]
