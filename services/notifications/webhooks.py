"""Webhooks the providers call: inbound SMS and WhatsApp messages, and delivery receipts.

Auth per provider: the SMS gateway and receipts carry ``INBOUND_SMS_TOKEN`` (``?token=`` or the
``X-Inbound-Token`` header); WhatsApp signs each POST with ``X-Hub-Signature-256`` (HMAC-SHA256 of the
raw body with the app secret) and verifies the URL once with a GET carrying ``hub.challenge``."""
from __future__ import annotations

import hashlib
import hmac

from flask import Blueprint, current_app, jsonify, request

from services.common.db import current_database

from .inbound import apply_receipt, handle_inbound, zenziva_receipt_state

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


@webhooks.post("/sms")
def inbound_sms():
    """Generic gateway: JSON or form ``{"id", "from", "text"}``."""
    if not _token_ok():
        return _denied("Token webhook salah")
    data = request.get_json(silent=True) or request.form.to_dict()
    if not data.get("id") or not data.get("from") or data.get("text") is None:
        return jsonify({"error": "Data tidak lengkap: id, from dan text wajib"}), 400
    with current_database().transaction() as session:
        result = handle_inbound(session, _celery(), "sms", str(data["id"]), data["from"], str(data["text"]))
    return jsonify(result)


@webhooks.post("/receipts")
def receipts():
    """Delivery receipts: the generic ``{"message_id", "status", "error"}`` or Infobip's ``{"results": [...]}``."""
    if not _token_ok():
        return _denied("Token webhook salah")
    data = request.get_json(silent=True) or {}
    items = [(r.get("messageId"), (r.get("status") or {}).get("groupName"), (r.get("error") or {}).get("name"))
             for r in data.get("results", [])] or [(data.get("message_id"), data.get("status"), data.get("error"))]
    updated = 0
    with current_database().transaction() as session:
        for provider_id, state, error in items:
            if provider_id and state:
                updated += apply_receipt(session, str(provider_id), str(state), error)
    return jsonify({"updated": updated})


@webhooks.route("/zenziva", methods=["GET", "POST"])
def zenziva_report():
    """Zenziva's delivery report: the callback URL set in the Zenziva console (with ``?token=``).

    Fields as Zenziva names them in its send answer: ``messageId``, ``to``, ``status`` and ``text``;
    sent as a form POST, JSON, or a GET query string (states: ``inbound.ZENZIVA_REPORT_STATUS``)."""
    if not _token_ok("ZENZIVA_CALLBACK_TOKEN"):
        return _denied("Token webhook salah")
    data = {**request.args.to_dict(), **request.form.to_dict(), **(request.get_json(silent=True) or {})}
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
    data = request.get_json(silent=True) or {}
    handled = {"messages": 0, "statuses": 0}
    with current_database().transaction() as session:
        for entry in data.get("entry", []):
            for change in entry.get("changes", []):
                value = change.get("value") or {}
                for message in value.get("messages", []):
                    text = (message.get("text") or {}).get("body") or (message.get("button") or {}).get("text") or ""
                    handle_inbound(session, _celery(), "whatsapp", message["id"], message.get("from"), text)
                    handled["messages"] += 1
                for status in value.get("statuses", []):
                    error = ((status.get("errors") or [{}])[0]).get("title")
                    handled["statuses"] += apply_receipt(session, status["id"], status.get("status", ""), error)
    return jsonify(handled)
