"""Task names and payload schemas: the only contract between services.

Every cross-service task takes one keyword argument, ``payload``, a small JSON object validated
against the schema below by the sender (``send``) and again by the receiver (``contract_task``).
The queue of a task is the first part of its dotted name.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsonschema

_ID = {"type": "integer", "minimum": 1}
_KEY = {"type": "string", "minLength": 1, "maxLength": 200}

TASKS: dict[str, dict[str, Any]] = {
    "registry.import_roster": {
        "type": "object",
        "required": ["import_id"],
        "properties": {"import_id": _ID},
        "additionalProperties": False,
    },
    "registry.dedup_run": {
        "type": "object",
        "required": ["run_key"],
        "properties": {"run_key": _KEY, "requested_by": {"type": "string", "maxLength": 100}},
        "additionalProperties": False,
    },
    "notifications.send_batch": {
        "type": "object",
        "required": ["campaign_key", "name", "channel", "template", "total", "batch_no", "recipients"],
        "properties": {
            "campaign_key": _KEY,
            "name": {"type": "string", "maxLength": 200},
            "channel": {"type": "string", "enum": ["sms"]},
            "template": {"type": "string", "minLength": 1, "maxLength": 2000},
            "total": {"type": "integer", "minimum": 0},
            "batch_no": {"type": "integer", "minimum": 0},
            "source": {"type": "object"},
            "recipients": {
                "type": "array",
                "maxItems": 1000,
                "items": {
                    "type": "object",
                    "required": ["recipient_key", "phone"],
                    "properties": {
                        "recipient_key": _KEY,
                        "phone": {"type": ["string", "null"], "maxLength": 20},
                        "vars": {"type": "object"},
                    },
                    "additionalProperties": False,
                },
            },
        },
        "additionalProperties": False,
    },
    "reports.generate": {
        "type": "object",
        "required": ["run_key", "report", "params", "formats"],
        "properties": {
            "run_key": _KEY,
            "report": {"type": "string", "enum": ["programme_recipients"]},
            "params": {
                "type": "object",
                "required": ["programme_id"],
                "properties": {"programme_id": _ID, "period": {"type": "string"}},
            },
            "formats": {
                "type": "array",
                "minItems": 1,
                "items": {"type": "string", "enum": ["pdf", "xlsx", "csv"]},
            },
            "requested_by": {"type": "string", "maxLength": 200},
        },
        "additionalProperties": False,
    },
    "reports.monthly": {"type": "object", "properties": {"period": {"type": "string"}}},
}

QUEUES = ("registry", "notifications", "reports")
TASK_ROUTES = {f"{queue}.*": {"queue": queue} for queue in QUEUES}


class ContractError(ValueError):
    """A payload does not match its task's schema."""


def queue_of(name: str) -> str:
    return name.split(".", 1)[0]


def validate(name: str, payload: Any) -> dict:
    if name not in TASKS:
        raise ContractError(f"Tugas tidak dikenal: {name}")
    try:
        jsonschema.validate(payload, TASKS[name])
    except jsonschema.ValidationError as exc:
        raise ContractError(f"Data tugas {name} tidak sah: {exc.message}") from exc
    return payload


def send(celery_app, name: str, payload: dict, **options):
    """Send a task by name to its service's queue after validating the payload."""
    validate(name, payload)
    return celery_app.send_task(name, kwargs={"payload": payload}, queue=queue_of(name), **options)


def contract_task(celery_app, name: str, **task_options) -> Callable:
    """Register ``func(payload)`` as the task ``name``; the payload is validated on arrival."""

    def decorator(func: Callable[[dict], Any]):
        def run(payload: dict):
            return func(validate(name, payload))

        run.__name__ = func.__name__
        run.__doc__ = func.__doc__
        # shared=False: each service app keeps its own task object; a process-wide shared task
        # would be re-registered (and warned about) every time a second app is built, e.g. in tests.
        task_options.setdefault("shared", False)
        return celery_app.task(name=name, **task_options)(run)

    return decorator
