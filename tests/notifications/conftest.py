"""Fixtures of the notifications tests: the fake SMS gateway and the providers' stand-in, apps on SQLite and
PostgreSQL, payloads."""
from __future__ import annotations

import pytest

from services.notifications import schema
from services.notifications.app import create_app
from tests.fakes.providers import ProviderStandIn
from tests.fakes.sms_gateway import FakeSmsGateway

TOKEN = "test-service-token"


@pytest.fixture
def gateway():
    with FakeSmsGateway() as fake:
        yield fake


@pytest.fixture
def stand_in():
    """Zenziva, Infobip, WhatsApp Cloud and Graph publishing (tests/fakes/providers.py)."""
    with ProviderStandIn() as fake:
        yield fake


@pytest.fixture
def graph(stand_in):
    """The same stand-in, named for the Facebook Page / Instagram tests."""
    return stand_in


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app(request, tmp_var):
    """A notifications app (not started) on a migrated database of each kind; file channel by default."""
    if request.param == "postgres":
        url = request.getfixturevalue("pg").create("notif")
    else:
        url = f"sqlite:///{tmp_var / 'notifications.db'}"
    schema.upgrade(url)
    flask_app = create_app({"DATABASE_URL": url, "SERVICE_TOKEN": TOKEN, "CELERY_BROKER_URL": "memory://",
                            "OUTBOX_DIR": str(tmp_var / "outbox"), "SMS_GATEWAY_URL": None})
    yield flask_app
    flask_app.extensions["database"].engine.dispose()


def make_payload(key: str = "kampanye-uji", count: int = 3, batch_no: int = 0, start: int = 0, **extra) -> dict:
    recipients = [{"recipient_key": f"enrolment-{i}", "phone": f"+62812000{i:05d}",
                   "vars": {"nama": f"Warga {i}", "program": "BLT Dana Desa 2026"}}
                  for i in range(start, start + count)]
    payload = {"campaign_key": key, "name": "Uji", "channel": "sms", "total": count, "batch_no": batch_no,
               "template": "Yth. {{ nama }}, bantuan {{ program }} siap diambil.", "recipients": recipients}
    payload.update(extra)
    return payload
