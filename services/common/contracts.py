"""Task names and payload schemas: the only contract between services.

Every cross-service task takes one keyword argument, ``payload``, a small JSON object validated
against the schema below by the sender (``send``) and again by the receiver (``contract_task``).
The queue of a task is the first part of its dotted name.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import fastjsonschema
import jsonschema

_ID = {"type": "integer", "minimum": 1}
_KEY = {"type": "string", "minLength": 1, "maxLength": 200}
_ISO_TIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?$"
_PERIODIC_REPORTS = ("realisasi_bulanan", "mitra_triwulan", "tahunan_kabupaten")
# A complaint's category (key -> the label people read) and the channel it came by: the payload schema,
# the registry's complaint model and the public and admin forms all take them from here.
COMPLAINT_CATEGORIES = {
    "salah_sasaran": "Salah sasaran", "tidak_menerima": "Tidak menerima", "dipotong": "Bantuan dipotong",
    "pungli": "Pungutan liar (pungli)", "nepotisme": "Nepotisme", "data_salah": "Data salah",
    "layanan": "Layanan", "lainnya": "Lainnya",
}
COMPLAINT_CHANNELS = ("web", "sms", "whatsapp", "staf")


def _when_report(reports: list[str], required: list[str]) -> dict:
    """If the payload's report is one of ``reports``, its params must carry ``required``."""
    return {"if": {"properties": {"report": {"enum": reports}}, "required": ["report"]},
            "then": {"properties": {"params": {"required": required}}}}


TASKS: dict[str, dict[str, Any]] = {
    "registry.import_roster": {
        "type": "object",
        "required": ["import_id"],
        "properties": {"import_id": _ID},
        "additionalProperties": False,
    },
    # Creates the next chunk of an approved cycle's entitlements and re-sends itself until none remain.
    "registry.generate_entitlements": {
        "type": "object",
        "required": ["cycle_id"],
        "properties": {"cycle_id": _ID},
        "additionalProperties": False,
    },
    # Re-rank every household from its latest survey response (one set-based statement; idempotent:
    # running it twice gives the same welfare rows).
    "registry.rescore": {
        "type": "object",
        "required": ["rescore_key"],
        "properties": {
            "rescore_key": _KEY,
            "instrument_code": {"type": "string", "minLength": 1, "maxLength": 40},
            "requested_by": {"type": "string", "maxLength": 200},
        },
        "additionalProperties": False,
    },
    # Write a payment batch's CSV and pain.001 files (chunked; a finished batch is left alone).
    "registry.export_payment_batch": {
        "type": "object",
        "required": ["batch_id"],
        "properties": {"batch_id": _ID, "requested_by": {"type": "string", "maxLength": 100}},
        "additionalProperties": False,
    },
    # Apply an uploaded bank result file (CSV, camt.053 or camt.054) to its payments, resuming where it stopped.
    # The registry beat's tick: re-send stuck entitlement generations, exports and bank-result imports.
    "registry.run_watchdogs": {
        "type": "object",
        "properties": {"older_than_seconds": {"type": "integer", "minimum": 60, "maximum": 86400}},
        "additionalProperties": False,
    },
    # Notifications' reply to an outbox batch: stored, so the registry beat need not send it again.
    "registry.batch_stored": {
        "type": "object",
        "required": ["campaign_key", "batch_no"],
        "properties": {"campaign_key": _KEY, "batch_no": {"type": "integer", "minimum": 0}},
        "additionalProperties": False,
    },
    "registry.import_bank_statement": {
        "type": "object",
        "required": ["statement_id"],
        "properties": {"statement_id": _ID, "requested_by": {"type": "string", "maxLength": 100}},
        "additionalProperties": False,
    },
    # An inbound SMS reply to a payment-verification question ("VERIF 12 YA"), forwarded by notifications.
    "registry.record_verification_reply": {
        "type": "object",
        "required": ["message_key", "phone", "text"],
        "properties": {"message_key": _KEY, "phone": {"type": "string", "maxLength": 20},
                       "text": {"type": "string", "maxLength": 500}},
        "additionalProperties": False,
    },
    "registry.record_inbound": {
        "type": "object",
        "required": ["key", "kind", "channel", "phone", "text"],
        "properties": {
            "key": _KEY,  # the provider's message id: the registry records each key once
            "kind": {"type": "string", "enum": ["complaint", "inbox"]},
            "channel": {"type": "string", "enum": ["sms", "whatsapp"]},
            "phone": {"type": ["string", "null"], "maxLength": 30},
            "text": {"type": "string", "maxLength": 5000},
            "category": {"type": "string", "maxLength": 50},
            "inbox_kind": {"type": "string", "maxLength": 20},
        },
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
            "channel": {"type": "string", "enum": ["sms", "whatsapp", "email"]},
            "template": {"type": "string", "minLength": 1, "maxLength": 2000},
            "total": {"type": "integer", "minimum": 0},
            "batch_no": {"type": "integer", "minimum": 0},
            "source": {"type": "object"},
            # Legally required notices reach recipients who opted out.
            "legally_required": {"type": "boolean"},
            # WhatsApp messages that fail for good are sent again as SMS (same campaign, channel "sms").
            "fallback": {"type": "string", "enum": ["sms"]},
            # A scheduled campaign (ISO 8601 with its offset): stored at once, sent by the watchdog when
            # due, instead of an ETA task waiting in a worker's memory for days.
            "send_at": {"type": "string", "maxLength": 40, "pattern": _ISO_TIME},
            # The sender kept the payload in its outbox: notifications replies with registry.batch_stored.
            "outbox": {"type": "boolean"},
            "recipients": {
                "type": "array",
                "maxItems": 1000,
                "items": {
                    "type": "object",
                    "required": ["recipient_key", "phone"],
                    "properties": {
                        "recipient_key": _KEY,
                        # A phone number, or the e-mail address on the email channel.
                        "phone": {"type": ["string", "null"], "maxLength": 200},
                        "vars": {"type": "object"},
                    },
                    "additionalProperties": False,
                },
            },
        },
        "additionalProperties": False,
    },
    # One stored chunk of a campaign (written by send_batch before this task is sent): the task carries
    # nothing else, so a lost task is rebuilt from the database by the watchdog.
    "notifications.send_chunk": {
        "type": "object",
        "required": ["campaign_id", "chunk_no", "channel"],
        "properties": {"campaign_id": _ID, "chunk_no": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
                       "channel": {"type": "string", "enum": ["sms", "whatsapp", "email"]}},
        "additionalProperties": False,
    },
    # The notifications beat's tick: re-send lost or interrupted chunks, settle stale "sending" claims.
    "notifications.run_watchdog": {
        "type": "object",
        "properties": {"requeue_seconds": {"type": "integer", "minimum": 1, "maximum": 86400}},
        "additionalProperties": False,
    },
    # A public announcement on the village's social pages; post_key makes it idempotent.
    "notifications.post_social": {
        "type": "object",
        "required": ["post_key", "text", "targets"],
        "properties": {
            "post_key": _KEY,
            "text": {"type": "string", "minLength": 1, "maxLength": 2000},
            "link": {"type": ["string", "null"], "maxLength": 500},
            "image_url": {"type": ["string", "null"], "maxLength": 500},
            "targets": {"type": "array", "minItems": 1, "uniqueItems": True,
                        "items": {"type": "string", "enum": ["facebook", "instagram"]}},
            "requested_by": {"type": "string", "maxLength": 200},
        },
        "additionalProperties": False,
    },
    # programme_recipients needs params.programme_id; the periodic reports need params.period
    # (YYYY-MM, YYYY-Qn or YYYY) and the partner report also params.organisation_id.
    "reports.generate": {
        "type": "object",
        "required": ["run_key", "report", "params", "formats"],
        "properties": {
            "run_key": _KEY,
            "report": {"type": "string", "enum": ["programme_recipients", *_PERIODIC_REPORTS]},
            "params": {
                "type": "object",
                "properties": {"programme_id": _ID, "period": {"type": "string", "maxLength": 10},
                               "organisation_id": _ID},
            },
            "formats": {
                "type": "array",
                "minItems": 1,
                "items": {"type": "string", "enum": ["pdf", "xlsx", "csv"]},
            },
            "requested_by": {"type": "string", "maxLength": 200},
        },
        "additionalProperties": False,
        "allOf": [
            _when_report(["programme_recipients"], ["programme_id"]),
            _when_report(["realisasi_bulanan", "tahunan_kabupaten"], ["period"]),
            _when_report(["mitra_triwulan"], ["period", "organisation_id"]),
        ],
    },
    "reports.monthly": {"type": "object", "properties": {"period": {"type": "string"}}},
    # Beat: one periodic report for the last closed period (mitra_triwulan: one per partner); "period"
    # only for tests and catch-up runs.
    "reports.periodic": {
        "type": "object",
        "required": ["report"],
        "properties": {"report": {"type": "string", "enum": list(_PERIODIC_REPORTS)},
                       "period": {"type": "string", "maxLength": 10}},
        "additionalProperties": False,
    },
    # A complaint from the public site (or another channel); the tracking code is the idempotency key.
    "registry.record_complaint": {
        "type": "object",
        "required": ["tracking_code", "channel", "category", "body"],
        "properties": {
            "tracking_code": {"type": "string", "pattern": "^ADU-[A-Z0-9]{8}$"},
            "channel": {"type": "string", "enum": list(COMPLAINT_CHANNELS)},
            "category": {"type": "string", "enum": list(COMPLAINT_CATEGORIES)},
            "title": {"type": "string", "maxLength": 200},
            "body": {"type": "string", "minLength": 1, "maxLength": 5000},
            "location": {"type": ["string", "null"], "maxLength": 200},
            "anonymous": {"type": "boolean"},
            "sender_name": {"type": ["string", "null"], "maxLength": 150},
            "phone": {"type": ["string", "null"], "maxLength": 20},
            "cycle_id": {"type": ["integer", "null"], "minimum": 1},
            "programme_id": {"type": ["integer", "null"], "minimum": 1},
            "photo_path": {"type": ["string", "null"], "maxLength": 300},
            # The Kemendagri code of the village whose public page it was sent from.
            "area_code": {"type": ["string", "null"], "pattern": r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"},
        },
        "additionalProperties": False,
    },
    # Beat: escalate overdue complaints and auto-close expired ones; "now" (ISO) only for tests/replays.
    "registry.escalate_complaints": {"type": "object", "properties": {"now": {"type": "string"}},
                                     "additionalProperties": False},
    # A satisfaction score after a distribution or training with an issued one-time code (used once;
    # the code says which cycle or training). cycle_id, when given, must be the code's cycle.
    "registry.record_survey": {
        "type": "object",
        "required": ["code", "score"],
        "properties": {
            "code": {"type": "string", "pattern": "^[A-Za-z0-9-]{6,40}$"},
            "cycle_id": _ID,
            "score": {"type": "integer", "minimum": 1, "maximum": 5},
            "comment": {"type": ["string", "null"], "maxLength": 1000},
        },
        "additionalProperties": False,
    },
    # Compute and store every active indicator for the period containing ``period`` (YYYY-MM; default:
    # the last complete month). Final values are kept unless ``force``; idempotent otherwise.
    "registry.compute_indicators": {
        "type": "object",
        "properties": {"period": {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"},
                       "force": {"type": "boolean"}, "requested_by": {"type": "string", "maxLength": 100}},
        "additionalProperties": False,
    },
}

QUEUES = ("registry", "notifications", "reports")
TASK_ROUTES = {f"{queue}.*": {"queue": queue} for queue in QUEUES}


class ContractError(ValueError):
    """A payload does not match its task's schema."""


def queue_of(name: str) -> str:
    return name.split(".", 1)[0]


_COMPILED: dict[str, Callable[[Any], Any]] = {}


def _compiled(name: str) -> Callable[[Any], Any]:
    # fastjsonschema compiles each schema to Python once: a 500-recipient campaign batch validates in
    # ~1 ms instead of ~20 ms (it is checked by the sender and again by the receiver).
    if name not in _COMPILED:
        _COMPILED[name] = fastjsonschema.compile(TASKS[name])
    return _COMPILED[name]


def validate(name: str, payload: Any) -> dict:
    if name not in TASKS:
        raise ContractError(f"Tugas tidak dikenal: {name}")
    try:
        _compiled(name)(payload)
    except fastjsonschema.JsonSchemaException:
        # Rejected: jsonschema names the offending value in its message, which the operator reads.
        try:
            jsonschema.validate(payload, TASKS[name])
        except jsonschema.ValidationError as exc:
            raise ContractError(f"Data tugas {name} tidak sah: {exc.message}") from exc
        raise ContractError(f"Data tugas {name} tidak sah") from None
    return payload


def send(celery_app, name: str, payload: dict, **options):
    """Send a task by name to its service's queue after validating the payload."""
    validate(name, payload)
    return celery_app.send_task(name, kwargs={"payload": payload}, queue=queue_of(name), **options)


DB_RETRIES = 30  # with the delay capped at DB_RETRY_MAX_DELAY: a database may be away ~25 minutes
DB_RETRY_MAX_DELAY = 60


def contract_task(celery_app, name: str, **task_options) -> Callable:
    """Register ``func(payload)`` as the task ``name``; the payload is validated on arrival."""

    # False for tasks whose work is rebuilt from the database by a watchdog: a retry would only wait in
    # the worker's memory (an ETA task) beside the watchdog's own re-send.
    retry_on_db_error = task_options.pop("retry_on_db_error", True)

    def decorator(func: Callable[[dict], Any]):
        def run(payload: dict):
            try:
                return func(validate(name, payload))
            except Exception as exc:
                if not retry_on_db_error:
                    raise
                # Every task is idempotent: when the database is down (PostgreSQL restarting, connections
                # cut) the task is sent again with a growing delay instead of failing and being acked away.
                from services.common.db import is_transient_db_error

                task = celery_app.current_task
                if not is_transient_db_error(exc) or task is None or task.name != name:
                    raise
                raise task.retry(exc=exc, countdown=min(DB_RETRY_MAX_DELAY, 2 ** task.request.retries),
                                 max_retries=DB_RETRIES) from exc

        run.__name__ = func.__name__
        run.__doc__ = func.__doc__
        # shared=False: each service app keeps its own task object; a process-wide shared task
        # would be re-registered (and warned about) every time a second app is built, e.g. in tests.
        task_options.setdefault("shared", False)
        return celery_app.task(name=name, **task_options)(run)

    return decorator
