"""Inbound messages from residents and delivery receipts from providers.

- "ADUAN ..."            -> ``registry.record_inbound`` kind complaint (the registry matches the phone);
- "STOP"/"BERHENTI" ...  -> an opt-out here (no more messages except legally required ones);
- anything else          -> ``registry.record_inbound`` kind inbox, for staff.
Each inbound message is recorded once by its key (the provider's message id); the task is sent before
the commit, so a failure to send rolls back and the provider's retry tries again (the registry dedupes).
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.common.contracts import send
from services.notifications.delivery import _insert
from services.notifications.models import InboundEvent, Message, OptOut
from services.notifications.policy import STOP_WORDS
from services.notifications.rendering import normalise_phone

COMPLAINT_WORD = "ADUAN"


def classify(text: str) -> str:
    first = (text.strip().split(maxsplit=1) or [""])[0].upper().strip(".,:!")
    if first in STOP_WORDS:
        return "opt_out"
    if first == COMPLAINT_WORD:
        return "complaint"
    return "inbox"


def handle_inbound(session: Session, celery, channel: str, key: str, sender: str | None, text: str) -> dict:
    """Record and act on one inbound message; a repeated key changes nothing."""
    key = f"{channel}:{key}"
    kind = classify(text)
    inserted = session.execute(_insert(session, InboundEvent).values(
        key=key, channel=channel, sender=sender, text=text, kind=kind).on_conflict_do_nothing(
        index_elements=["key"]).returning(InboundEvent.id)).scalar()
    if inserted is None:
        return {"key": key, "kind": kind, "duplicate": True}
    phone = normalise_phone(sender)
    if kind == "opt_out":
        if phone:
            session.execute(_insert(session, OptOut).values(address=phone, keyword=text.strip()[:50].upper(),
                                                            source=channel).on_conflict_do_nothing(
                index_elements=["address"]))
    else:
        body = text.strip()
        if kind == "complaint":
            body = body[len(COMPLAINT_WORD):].strip(" .,:") or body
        send(celery, "registry.record_inbound", {"key": key, "kind": kind, "channel": channel, "phone": phone,
                                                  "text": body[:5000]})
    return {"key": key, "kind": kind, "duplicate": False}


# Provider receipt states -> our message statuses.
RECEIPT_STATUS = {"delivered": "delivered", "DELIVERED": "delivered", "read": "delivered",
                  "failed": "failed", "UNDELIVERABLE": "failed", "REJECTED": "failed", "EXPIRED": "failed"}


# Zenziva's report states (its console shows them in Indonesian or English); an intermediate state
# ("sent", "terkirim ke operator", "pending") is accepted and changes nothing.
ZENZIVA_REPORT_STATUS = {"delivered": "delivered", "diterima": "delivered",
                         "failed": "failed", "gagal": "failed", "undelivered": "failed", "rejected": "failed",
                         "expired": "failed", "sent": "sent", "terkirim": "sent", "pending": "sent",
                         "processing": "sent"}


def zenziva_receipt_state(state: str) -> str | None:
    """Zenziva's status word -> delivered/failed/sent (None: not a status Zenziva reports)."""
    return ZENZIVA_REPORT_STATUS.get(state.strip().lower())


def apply_receipt(session: Session, provider_id: str, state: str, error: str | None = None) -> int:
    """Move a sent message to delivered/failed from its receipt; other states (sent, pending) change nothing."""
    status = RECEIPT_STATUS.get(state)
    if status is None:
        return 0
    values = {"status": status}
    if status == "failed":
        values["error"] = f"Tidak sampai menurut laporan penyedia: {error or state}"
    return session.execute(update(Message).where(Message.provider_message_id == provider_id,
                                                 Message.status.in_(("sent", "delivered")))
                           .values(**values)).rowcount


def opt_outs(session: Session, limit: int = 500) -> list[OptOut]:
    return list(session.scalars(select(OptOut).order_by(OptOut.created_at.desc()).limit(limit)))
