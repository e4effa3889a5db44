"""Inbound SMS/WhatsApp from residents into the registry: a complaint with a tracking code, or the inbox.

Called by the ``registry.record_inbound`` task; keyed by the inbound message's key, so a redelivered task
or a webhook the provider retried records nothing twice."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.contracts import COMPLAINT_CATEGORIES
from services.common.phones import phone_or_none as normalise_phone
from services.common.privacy import mask_phone
from services.registry.core.audit import record
from services.registry.core.codes import COMPLAINT_PREFIX, digest_code
from services.registry.feedback.complaints import ComplaintError, record_complaint
from services.registry.models import InboxMessage, Person


def match_person(session: Session, phone: str | None) -> Person | None:
    """The person registered with this phone; the first one when several share it (one family phone)."""
    if not phone:
        return None
    return session.scalars(select(Person).where(Person.phone == phone).order_by(Person.id).limit(1)).first()


def tracking_code_for(key: str) -> str:
    """The same inbound message (a retried webhook, a redelivered task) always gets the same code."""
    return digest_code(COMPLAINT_PREFIX, key)


def _complaint(session: Session, payload: dict, phone: str | None) -> dict:
    """An "ADUAN ..." message becomes a complaint like any other (complaints/service.py, with its clock)."""
    category = payload.get("category")
    data = {"tracking_code": tracking_code_for(payload["key"]), "channel": payload["channel"],
            "category": category if category in COMPLAINT_CATEGORIES else "lainnya",
            "title": f"Pengaduan lewat {payload['channel'].upper()}", "body": payload["text"].strip() or "(kosong)",
            "phone": phone}
    actor = f"{payload['channel']}:{mask_phone(phone) if phone else '-'}"
    try:
        complaint = record_complaint(session, data, actor=actor)
    except ComplaintError:  # a sender number the phone rules refuse (short code, foreign): keep the text
        complaint = record_complaint(session, {**data, "phone": None}, actor=actor)
    return {"kind": "complaint", "id": complaint.id, "tracking_code": complaint.tracking_code,
            "person_id": complaint.person_id}


def record_inbound(session: Session, payload: dict) -> dict:
    """Store one inbound message; returns what was created (or found, on a repeat)."""
    key, kind = payload["key"], payload["kind"]
    phone = normalise_phone(payload.get("phone"))
    if kind == "complaint":
        return _complaint(session, payload, phone)
    existing = session.scalar(select(InboxMessage).where(InboxMessage.source_key == key))
    if existing is not None:
        return _result(existing)
    person = match_person(session, phone)
    # A reply to a payment-verification question arrives here as inbox_kind "verifikasi".
    message = InboxMessage(source_key=key, channel=payload["channel"], phone=phone,
                           kind=payload.get("inbox_kind") or "pesan", person_id=person.id if person else None,
                           text=payload["text"].strip())
    session.add(message)
    session.flush()
    record(session, f"{payload['channel']}:{mask_phone(phone) if phone else '-'}", "create", "inbox_message",
           message.id, after={"person_id": message.person_id, "source_key": key})
    return _result(message)


def _result(record: InboxMessage) -> dict:
    return {"kind": "inbox", "id": record.id, "person_id": record.person_id}
