"""Webhooks the providers call: inbound SMS and WhatsApp messages, and delivery receipts.

Auth per provider: the SMS gateway and receipts carry ``INBOUND_SMS_TOKEN`` (``?token=`` or the
``X-Inbound-Token`` header); WhatsApp signs each POST with ``X-Hub-Signature-256`` (HMAC-SHA256 of the
raw body with the app secret) and verifies the URL once with a GET carrying ``hub.challenge``."""
from __future__ import annotations

import hashlib
import hmac

from flask import Blueprint, current_app, jsonify, request

from services.common.db import current_database
from services.notifications.inbound import apply_receipt, handle_inbound, zenziva_receipt_state

webhooks = Blueprint("notifications_webhooks", __name__, url_prefix="/webhooks")


def _denied(text: str):
    return jsonify({"error": text}), 403


def _token_ok(setting: str = "INBOUND_SMS_TOKEN") -> bool:
    expected = (current_app.config.get(setting) or current_app.config.get("INBOUND_SMS_TOKEN")
                or current_app.config.get("SERVICE_TOKEN"))
    given = request.args.get("token") or request.headers.get("X-Inbound-Token") or ""
    return bool(expected) and hmac.compare_digest(given.encode(), str(expected).encode())


def _celery():
    return current_app.extensions["celery"]


def _bad(text: str):
    return jsonify({"error": text}), 400


class BadBody(ValueError):
    """A webhook body that is not shaped as the provider documents: answered 400 with this reason."""


def _text(value, name: str, limit: int, required: bool = True) -> str | None:
    """A scalar field as text; refuses objects, over-long values and NUL (PostgreSQL cannot store it)."""
    if value is None or value == "":
        if required:
            raise BadBody(f"{name} wajib diisi")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise BadBody(f"{name} harus teks")
    text = str(value)
    if len(text) > limit:
        raise BadBody(f"{name} terlalu panjang (maks. {limit} karakter)")
    if "\x00" in text:
        raise BadBody(f"{name} memuat karakter NUL")
    return text


def _objects(value, name: str) -> list[dict]:
    """A list of JSON objects (missing = empty); anything else is refused."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise BadBody(f"{name} harus daftar objek")
    return value


def _object(value, name: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadBody(f"{name} harus objek")
    return value


@webhooks.post("/sms")
def inbound_sms():
    """Generic gateway: JSON or form ``{"id", "from", "text"}``."""
    if not _token_ok():
        return _denied("Token webhook salah")
    data = request.get_json(silent=True) if request.is_json else request.form.to_dict()
    if not isinstance(data, dict) or not data.get("id") or not data.get("from") or data.get("text") is None:
        return _bad("Data tidak lengkap: id, from dan text wajib")
    try:
        key, sender = _text(data["id"], "id", 150), _text(data["from"], "from", 200)
        text = _text(data["text"], "text", 5000, required=False) or ""
    except BadBody as exc:
        return _bad(str(exc))
    with current_database().transaction() as session:
        result = handle_inbound(session, _celery(), "sms", key, sender, text)
    return jsonify(result)


@webhooks.post("/receipts")
def receipts():
    """Delivery receipts: the generic ``{"message_id", "status", "error"}`` or Infobip's ``{"results": [...]}``."""
    if not _token_ok():
        return _denied("Token webhook salah")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _bad("Badan permintaan harus objek JSON")
    try:
        items = [(_text(r.get("messageId"), "messageId", 200, False),
                  _text(_object(r.get("status"), "status").get("groupName"), "status.groupName", 50, False),
                  _text(_object(r.get("error"), "error").get("name"), "error.name", 500, False))
                 for r in _objects(data.get("results"), "results")] or [
            (_text(data.get("message_id"), "message_id", 200, False), _text(data.get("status"), "status", 50, False),
             _text(data.get("error"), "error", 500, False))]
    except BadBody as exc:
        return _bad(str(exc))
    updated = 0
    with current_database().transaction() as session:
        for provider_id, state, error in items:
            if provider_id and state:
                updated += apply_receipt(session, provider_id, state, error)
    return jsonify({"updated": updated})


@webhooks.route("/zenziva", methods=["GET", "POST"])
def zenziva_report():
    """Zenziva's delivery report: the callback URL set in the Zenziva console (with ``?token=``).

    Fields as Zenziva names them in its send answer: ``messageId``, ``to``, ``status`` and ``text``;
    sent as a form POST, JSON, or a GET query string (states: ``inbound.ZENZIVA_REPORT_STATUS``)."""
    if not _token_ok("ZENZIVA_CALLBACK_TOKEN"):
        return _denied("Token webhook salah")
    body = request.get_json(silent=True) if request.is_json else None
    if body is not None and not isinstance(body, dict):
        return _bad("Badan permintaan harus objek JSON")
    data = {**request.args.to_dict(), **request.form.to_dict(), **(body or {})}
    data.pop("token", None)
    message_id, state = str(data.get("messageId") or "").strip(), str(data.get("status") or "").strip()
    if not message_id or not state:
        return jsonify({"error": "Data tidak lengkap: messageId dan status wajib"}), 400
    receipt = zenziva_receipt_state(state)
    if receipt is None:
        return jsonify({"error": f"Status Zenziva tidak dikenal: {state[:50]}"}), 400
    with current_database().transaction() as session:
        updated = apply_receipt(session, message_id, receipt, str(data.get("text") or state)[:300])
    return jsonify({"updated": updated, "status": receipt})


@webhooks.get("/whatsapp")
def whatsapp_verify():
    expected = current_app.config.get("WHATSAPP_VERIFY_TOKEN")
    if (request.args.get("hub.mode") == "subscribe" and expected
            and hmac.compare_digest((request.args.get("hub.verify_token") or "").encode(), expected.encode())):
        return request.args.get("hub.challenge", ""), 200, {"Content-Type": "text/plain"}
    return _denied("Token verifikasi WhatsApp salah")


def _signature_ok(raw: bytes) -> bool:
    secret = current_app.config.get("WHATSAPP_APP_SECRET")
    header = request.headers.get("X-Hub-Signature-256", "")
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header[len("sha256="):], expected)


@webhooks.post("/whatsapp")
def whatsapp_events():
    raw = request.get_data()
    if not _signature_ok(raw):
        return _denied("Tanda tangan WhatsApp tidak sah")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _bad("Badan permintaan harus objek JSON")
    try:
        messages, statuses = _whatsapp_items(data)
    except BadBody as exc:
        return _bad(str(exc))
    # Checked in full before anything is stored: a malformed item refuses the whole call (Meta retries it).
    with current_database().transaction() as session:
        for key, sender, text in messages:
            handle_inbound(session, _celery(), "whatsapp", key, sender, text)
        updated = sum(apply_receipt(session, key, state, error) for key, state, error in statuses)
    return jsonify({"messages": len(messages), "statuses": updated})


def _whatsapp_items(data: dict) -> tuple[list[tuple], list[tuple]]:
    """(messages as (id, from, text), statuses as (id, status, error title)) of a Cloud API notification."""
    messages, statuses = [], []
    for entry in _objects(data.get("entry"), "entry"):
        for change in _objects(entry.get("changes"), "changes"):
            value = _object(change.get("value"), "value")
            for message in _objects(value.get("messages"), "messages"):
                text = (_object(message.get("text"), "text").get("body")
                        or _object(message.get("button"), "button").get("text") or "")
                messages.append((_text(message.get("id"), "messages.id", 150),
                                 _text(message.get("from"), "messages.from", 200, False),
                                 _text(text, "messages.text", 5000, False) or ""))
            for status in _objects(value.get("statuses"), "statuses"):
                errors = _objects(status.get("errors"), "errors")
                statuses.append((_text(status.get("id"), "statuses.id", 200),
                                 _text(status.get("status"), "statuses.status", 50, False) or "",
                                 _text((errors[0] if errors else {}).get("title"), "errors.title", 500, False)))
    return messages, statuses
