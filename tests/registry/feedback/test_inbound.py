"""registry.record_inbound: complaints with tracking codes and inbox messages, matched to a person, once per key."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from services.registry.feedback.inbound import record_inbound
from services.registry.models import AuditEntry, Complaint, Household, InboxMessage, Person


def _person(session) -> Person:
    household = Household(no_kk="3526010101010001", dusun="Kamal Barat")
    person = Person(household=household, nik="3526014101800001", name="Siti Aminah", sex="P",
                    birth_date=date(1980, 1, 1), phone="+6281234567890")
    session.add_all([household, person])
    session.commit()
    return person


def test_complaint_matched_to_person_once_per_key(session):
    person = _person(session)
    payload = {"key": "sms:abc-1", "kind": "complaint", "channel": "sms", "phone": "081234567890",
               "text": "beras belum diterima"}
    first = record_inbound(session, payload)
    session.commit()
    again = record_inbound(session, payload)
    session.commit()
    assert first == again and first["person_id"] == person.id and first["tracking_code"].startswith("ADU-")
    complaint = session.scalars(select(Complaint)).one()
    assert complaint.status == "baru" and complaint.phone == "+6281234567890" and complaint.body == payload["text"]
    assert complaint.channel == "sms" and complaint.category == "lainnya" and complaint.person_id == person.id
    audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "complaint")).one()
    assert audit.entity_id == complaint.tracking_code and "567890" not in audit.actor


def test_inbox_message_from_unknown_phone(session):
    _person(session)
    result = record_inbound(session, {"key": "whatsapp:wamid.1", "kind": "inbox", "channel": "whatsapp",
                                      "phone": "+6289999999999", "text": "Terima kasih"})
    session.commit()
    assert result["kind"] == "inbox" and result["person_id"] is None
    assert session.scalar(select(func.count(InboxMessage.id))) == 1
