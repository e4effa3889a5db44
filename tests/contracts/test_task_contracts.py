"""The task names and payload schemas in services/common/contracts.py are the contract between services:
every name is registered by exactly one service, on that service's own queue, and both sides validate."""
from __future__ import annotations

import importlib

import pytest

from services.common import contracts

SERVICES = ("registry", "notifications", "reports")


@pytest.fixture
def service_celery_apps(tmp_var):
    apps = {}
    for service in SERVICES:
        module = importlib.import_module(f"services.{service}.app")
        flask_app = module.create_app({"TESTING": True})
        apps[service] = flask_app.extensions["celery"]
    return apps


def _own_tasks(celery) -> set[str]:
    return {name for name in celery.tasks if not name.startswith("celery.")}


def test_every_contract_task_is_registered_by_exactly_one_service(service_celery_apps):
    owners = {name: [svc for svc, app in service_celery_apps.items() if name in _own_tasks(app)]
              for name in contracts.TASKS}
    assert {name: svcs for name, svcs in owners.items() if len(svcs) != 1} == {}


def test_each_service_registers_only_contract_tasks_of_its_own_queue(service_celery_apps):
    for service, celery in service_celery_apps.items():
        for name in _own_tasks(celery):
            assert name in contracts.TASKS, f"{service} registers {name}, which is not in the contract"
            assert contracts.queue_of(name) == service


def test_routes_send_every_task_to_its_service_queue(service_celery_apps):
    celery = service_celery_apps["registry"]
    for name in contracts.TASKS:
        route = celery.amqp.router.route({}, name)
        assert route["queue"].name == contracts.queue_of(name)


@pytest.mark.parametrize(
    ("name", "payload", "fragment"),
    [
        ("registry.import_roster", {}, "import_id"),
        ("registry.import_roster", {"import_id": "7"}, "integer"),
        ("registry.generate_entitlements", {"cycle_id": 0}, "minimum"),
        ("registry.generate_entitlements", {"cycle_id": 3, "extra": 1}, "extra"),
        ("registry.rescore", {}, "rescore_key"),
        ("registry.rescore", {"rescore_key": "k", "instrument_code": ""}, "non-empty"),
        ("registry.export_payment_batch", {}, "batch_id"),
        ("registry.export_payment_batch", {"batch_id": 0}, "minimum"),
        ("registry.import_bank_statement", {"statement_id": 1, "rows": []}, "Additional properties"),
        ("notifications.send_batch", {"campaign_key": "k", "name": "n", "channel": "fax", "template": "t",
                                      "total": 1, "batch_no": 0, "recipients": []}, "fax"),
        ("reports.generate", {"run_key": "r", "report": "programme_recipients", "params": {}, "formats": ["pdf"]},
         "programme_id"),
        ("registry.record_inbound", {"key": "sms:1", "kind": "spam", "channel": "sms", "phone": None, "text": "x"},
         "spam"),
        ("notifications.send_batch", {"campaign_key": "k", "name": "n", "channel": "sms", "template": "t",
                                      "total": 1, "batch_no": 0, "recipients": [], "fallback": "merpati"},
         "merpati"),
        ("reports.generate", {"run_key": "r", "report": "programme_recipients", "params": {"programme_id": 1},
                              "formats": ["docx"]}, "docx"),
        ("registry.record_complaint", {"tracking_code": "ADU-AAAA2222", "channel": "web", "category": "gosip",
                                       "body": "x"}, "gosip"),
        ("registry.record_complaint", {"tracking_code": "123", "channel": "web", "category": "lainnya",
                                       "body": "x"}, "123"),
        ("registry.record_survey", {"code": "KUPON-1", "cycle_id": 1, "score": 6}, "6"),
        ("registry.compute_indicators", {"period": "2026-13"}, "2026-13"),
        ("registry.escalate_complaints", {"now": "x", "extra": 1}, "extra"),
        # A chunk task carries its number only: recipients never ride in the broker.
        ("notifications.send_chunk", {"campaign_id": 1, "chunk_no": 0, "channel": "sms", "recipients": []},
         "recipients"),
        ("notifications.send_chunk", {"campaign_id": 1, "chunk_no": -1, "channel": "sms"}, "minimum"),
        ("notifications.send_batch", {"campaign_key": "k", "name": "n", "channel": "sms", "template": "t",
                                      "total": 1, "batch_no": 0, "recipients": [], "send_at": "besok"}, "besok"),
        ("notifications.run_watchdog", {"requeue_seconds": 0}, "minimum"),
    ],
)
def test_sender_refuses_payloads_outside_the_schema(name, payload, fragment):
    with pytest.raises(contracts.ContractError) as err:
        contracts.validate(name, payload)
    assert fragment in str(err.value)


def test_receiver_validates_payload_before_running(service_celery_apps):
    task = service_celery_apps["registry"].tasks["registry.import_roster"]
    with pytest.raises(contracts.ContractError):
        task.run(payload={"import_id": -1})


def test_send_puts_the_task_on_its_service_queue(service_celery_apps):
    sent = []

    class Recorder:
        def send_task(self, name, kwargs, queue, **options):
            sent.append((name, kwargs, queue))

    contracts.send(Recorder(), "reports.monthly", {"period": "2026-11"})
    assert sent == [("reports.monthly", {"payload": {"period": "2026-11"}}, "reports")]


def test_unknown_task_name_is_refused():
    with pytest.raises(contracts.ContractError, match="tidak dikenal"):
        contracts.validate("registry.nonexistent", {})


def test_distribution_tasks_validate_on_arrival(service_celery_apps):
    for name, payload in (("registry.export_payment_batch", {"batch_id": "1"}),
                          ("registry.import_bank_statement", {"statement_id": None})):
        with pytest.raises(contracts.ContractError):
            service_celery_apps["registry"].tasks[name].run(payload=payload)
