"""Inbound SMS/WhatsApp from residents into the registry: a complaint with a tracking code, or the inbox.

Called by the ``registry.record_inbound`` task; keyed by the inbound message's key, so a redelivered task
or a webhook the provider retried records nothing twice."""
from __future__ import annotations

import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.privacy import mask_phone

from .models import AuditEntry, Complaint, InboxMessage, Person

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


def normalise_phone(raw: str | None) -> str | None:
    digits = re.sub(r"[^\d]", "", raw or "")
    if not digits:
        return None
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return "+" + digits


def match_person(session: Session, phone: str | None) -> Person | None:
    """The person registered with this phone; the first one when several share it (one family phone)."""
    if not phone:
        return None
    return session.scalars(select(Person).where(Person.phone == phone).order_by(Person.id).limit(1)).first()


def new_tracking_code(session: Session) -> str:
    while True:
        code = "ADU-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
        if session.scalar(select(Complaint.id).where(Complaint.tracking_code == code)) is None:
            return code


def record_inbound(session: Session, payload: dict) -> dict:
    """Store one inbound message; returns what was created (or found, on a repeat)."""
    key, kind = payload["key"], payload["kind"]
    model = Complaint if kind == "complaint" else InboxMessage
    existing = session.scalar(select(model).where(model.source_key == key))
    if existing is not None:
        return _result(existing)
    phone = normalise_phone(payload.get("phone"))
    person = match_person(session, phone)
    text = payload["text"].strip()
    if kind == "complaint":
        record = Complaint(tracking_code=new_tracking_code(session), source_key=key, channel=payload["channel"],
                           phone=phone, person_id=person.id if person else None, text=text,
                           category=payload.get("category") or "umum")
    else:
        # Hook for the lead: a reply to a payment-verification question arrives here as kind "verifikasi".
        record = InboxMessage(source_key=key, channel=payload["channel"], phone=phone, kind=payload.get(
            "inbox_kind") or "pesan", person_id=person.id if person else None, text=text)
    session.add(record)
    session.flush()
    session.add(AuditEntry(actor=f"{payload['channel']}:{mask_phone(phone) if phone else '-'}", action="create",
                           entity=model.__tablename__, entity_id=str(record.id),
                           details={"after": {"person_id": record.person_id, "source_key": key,
                                              **({"tracking_code": record.tracking_code}
                                                 if kind == "complaint" else {})}}))
    return _result(record)


def _result(record) -> dict:
    if isinstance(record, Complaint):
        return {"kind": "complaint", "id": record.id, "tracking_code": record.tracking_code,
                "person_id": record.person_id}
    return {"kind": "inbox", "id": record.id, "person_id": record.person_id}
