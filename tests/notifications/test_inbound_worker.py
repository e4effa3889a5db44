"""An SMS "ADUAN ..." through the notifications webhook reaches a real registry worker as
``registry.record_inbound`` and becomes a complaint matched to the sender; the provider's retry adds nothing."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from services.notifications import schema as notifications_schema
from services.notifications.app import create_app
from services.registry import schema as registry_schema
from services.registry.models import Complaint, Household, InboxMessage, Person
from tests.helpers import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


def test_complaint_by_sms_reaches_the_registry_worker(pg, redis_url, processes, tmp_var):
    registry_url = pg.create("reginbound")
    registry_schema.upgrade(registry_url)
    engine = create_engine(registry_url)
    with Session(engine) as session:
        household = Household(no_kk="3526010101019999", dusun="Kamal Timur")
        person = Person(household=household, nik="3526014101809999", name="Siti Aminah", sex="P",
                        birth_date=date(1980, 1, 1), phone="+6281234567890")
        session.add_all([household, person])
        session.commit()
        person_id = person.id
    processes.celery_worker("services.registry.worker", "registry",
                            {"REGISTRY_DATABASE_URL": registry_url, "CELERY_BROKER_URL": redis_url},
                            name="registry-inbound", concurrency=1)
    notif_url = f"sqlite:///{tmp_var / 'notifications.db'}"
    notifications_schema.upgrade(notif_url)
    app = create_app({"DATABASE_URL": notif_url, "CELERY_BROKER_URL": redis_url, "INBOUND_SMS_TOKEN": "masuk"})
    client = app.test_client()
    for _ in range(2):  # the gateway retries the same message
        answer = client.post("/webhooks/sms?token=masuk", json={"id": "gw-77", "from": "081234567890",
                                                               "text": "ADUAN nama saya tidak ada di daftar BLT"})
        assert answer.status_code == 200
    client.post("/webhooks/sms?token=masuk", json={"id": "gw-78", "from": "081234567890", "text": "Terima kasih"})

    def recorded():
        with Session(engine) as session:
            return (session.scalars(select(Complaint)).all(), session.scalars(select(InboxMessage)).all())

    complaints, inbox = wait_for(lambda: all(recorded()) and recorded(), timeout=60, message="complaint recorded")
    [complaint] = complaints
    assert complaint.person_id == person_id and complaint.body == "nama saya tidak ada di daftar BLT"
    assert complaint.tracking_code.startswith("ADU-") and complaint.channel == "sms"
    assert [m.text for m in inbox] == ["Terima kasih"] and inbox[0].person_id == person_id
    app.extensions["database"].engine.dispose()
    engine.dispose()
