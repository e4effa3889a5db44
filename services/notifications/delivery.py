"""Storing a batch of messages idempotently and delivering each queued one exactly once."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.common.db import utcnow

from .channels import Channel, OutgoingMessage, PermanentChannelError, TemporaryChannelError
from .models import Campaign, Message
from .rendering import NO_PHONE, TemplateRenderError, compile_template, normalise_phone, render

log = logging.getLogger(__name__)
INTERRUPTED = ("Pengiriman terputus karena pekerja berhenti; status tidak pasti, "
               "tidak dikirim ulang agar warga tidak menerima pesan ganda")


@dataclass
class BatchOutcome:
    sent: int = 0
    failed: int = 0
    requeued: list[int] = field(default_factory=list)
    already_handled: int = 0


def _insert(session: Session, model):
    # ON CONFLICT DO NOTHING in each dialect's own spelling.
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


def store_batch(session: Session, payload: dict) -> int:
    """Upsert the campaign and insert the batch's messages (existing rows untouched); returns the campaign id."""
    session.execute(_insert(session, Campaign).values(
        key=payload["campaign_key"], name=payload["name"], channel=payload["channel"], template=payload["template"],
        total=payload["total"], source=payload.get("source"), created_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["key"]))
    campaign_id = session.scalar(select(Campaign.id).where(Campaign.key == payload["campaign_key"]))
    rows = _message_rows(campaign_id, payload)
    if rows:
        session.execute(_insert(session, Message).values(rows).on_conflict_do_nothing(
            index_elements=["campaign_id", "recipient_key", "channel"]))
    return campaign_id


def _message_rows(campaign_id: int, payload: dict) -> list[dict]:
    now = utcnow()
    try:
        template, template_error = compile_template(payload["template"]), None
    except TemplateRenderError as exc:
        template, template_error = None, str(exc)
    rows, seen = [], set()
    for recipient in payload["recipients"]:
        if recipient["recipient_key"] in seen:
            continue  # one INSERT cannot hold the same key twice on PostgreSQL
        seen.add(recipient["recipient_key"])
        row = {"campaign_id": campaign_id, "recipient_key": recipient["recipient_key"],
               "channel": payload["channel"], "phone": normalise_phone(recipient.get("phone")), "body": "",
               "status": "queued", "error": None, "attempts": 0, "queued_at": now}
        if row["phone"] is None:
            row.update(status="skipped", error=NO_PHONE, phone=(recipient.get("phone") or None))
        elif template_error:
            row.update(status="failed", error=template_error)
        else:
            try:
                row["body"] = render(template, recipient.get("vars") or {})
            except TemplateRenderError as exc:
                row.update(status="failed", error=str(exc))
        rows.append(row)
    return rows


def _claim(session: Session, message_id: int) -> bool:
    """queued -> sending; only the one caller whose UPDATE changed the row may send."""
    result = session.execute(update(Message).where(Message.id == message_id, Message.status == "queued")
                             .values(status="sending", attempts=Message.attempts + 1, claimed_at=utcnow()))
    session.commit()
    return result.rowcount == 1


def fail_interrupted(session: Session, campaign_id: int, recipient_keys: list[str], stale_seconds: int) -> int:
    """Messages claimed long ago and never finished (worker crash): failed, since they may have gone out."""
    cutoff = utcnow() - timedelta(seconds=stale_seconds)
    result = session.execute(update(Message).where(
        Message.campaign_id == campaign_id, Message.recipient_key.in_(recipient_keys), Message.status == "sending",
        Message.claimed_at < cutoff).values(status="failed", error=INTERRUPTED))
    return result.rowcount


def deliver_batch(db, campaign_id: int, campaign_key: str, recipient_keys: list[str], channel: Channel,
                  max_attempts: int = 5, stale_seconds: int = 600) -> BatchOutcome:
    """Send every queued message of this batch; temporary failures go back to queued until ``max_attempts``."""
    outcome = BatchOutcome()
    with db.transaction() as session:
        outcome.failed += fail_interrupted(session, campaign_id, recipient_keys, stale_seconds)
        queued = session.execute(select(Message.id, Message.phone, Message.body, Message.recipient_key).where(
            Message.campaign_id == campaign_id, Message.recipient_key.in_(recipient_keys),
            Message.status == "queued")).all()
    with db.transaction() as session:
        for message_id, phone, body, recipient_key in queued:
            if not _claim(session, message_id):
                outcome.already_handled += 1
                continue
            values = _send_one(channel, OutgoingMessage(message_id, phone, body, campaign_key, recipient_key))
            if values["status"] == "sending":  # temporary failure
                attempts = session.scalar(select(Message.attempts).where(Message.id == message_id))
                values["status"] = "failed" if attempts >= max_attempts else "queued"
                if values["status"] == "queued":
                    outcome.requeued.append(message_id)
            if values["status"] == "sent":
                outcome.sent += 1
            elif values["status"] == "failed":
                outcome.failed += 1
            session.execute(update(Message).where(Message.id == message_id).values(**values))
            # Commit per message: a crash later in the batch must not forget what was already sent.
            session.commit()
    return outcome


def _send_one(channel: Channel, message: OutgoingMessage) -> dict:
    try:
        provider_id = channel.send(message)
    except PermanentChannelError as exc:
        return {"status": "failed", "error": str(exc)}
    except TemporaryChannelError as exc:
        log.warning("pesan %s gagal sementara: %s", message.id, exc)
        return {"status": "sending", "error": str(exc)}
    return {"status": "sent", "error": None, "provider_message_id": provider_id, "sent_at": utcnow()}
