"""Recording a complaint and moving it along its clock; every change writes an AuditEntry."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.common.contracts import COMPLAINT_CATEGORIES, COMPLAINT_CHANNELS
from services.common.db import utcnow
from services.registry.core.audit import record
from services.registry.core.codes import new_tracking_code
from services.registry.core.identity import IdentityError, normalise_phone
from services.registry.feedback.clock import ClockRules, clock_state
from services.registry.feedback.models.complaints import SENSITIVE_CATEGORIES
from services.registry.models import Area, Complaint, Person

STEP_LEVEL = {"teruskan": 1, "tindak_lanjut": 2, "tutup": 3}


class ComplaintError(ValueError):
    """A complaint that cannot be recorded or moved, with the reason in Indonesian."""


def record_complaint(session: Session, data: dict, actor: str, now: datetime | None = None) -> Complaint:
    """Store a complaint once per tracking code (a redelivered task returns the stored one)."""
    code = data.get("tracking_code") or new_tracking_code()
    existing = session.scalar(select(Complaint).where(Complaint.tracking_code == code))
    if existing is not None:
        return existing
    category = data.get("category")
    if category not in COMPLAINT_CATEGORIES:
        raise ComplaintError(f"Kategori pengaduan tidak dikenal: {category}")
    if data.get("channel") not in COMPLAINT_CHANNELS:
        raise ComplaintError(f"Saluran pengaduan tidak dikenal: {data.get('channel')}")
    if not (data.get("body") or "").strip():
        raise ComplaintError("Isi pengaduan wajib diisi")
    anonymous = bool(data.get("anonymous"))
    try:
        phone = None if anonymous else normalise_phone(data.get("phone"))
    except IdentityError as exc:
        raise ComplaintError(str(exc)) from exc
    person = session.scalar(select(Person).where(Person.phone == phone).limit(1)) if phone else None
    area_id = session.scalar(select(Area.id).where(Area.code == data["area_code"])) if data.get("area_code") else None
    complaint = Complaint(area_id=area_id,
        tracking_code=code, channel=data["channel"], category=category, sensitive=category in SENSITIVE_CATEGORIES,
        title=(data.get("title") or COMPLAINT_CATEGORIES[category])[:200], body=data["body"].strip(),
        location=data.get("location"), anonymous=anonymous,
        sender_name=None if anonymous else data.get("sender_name"), phone=phone, person=person,
        programme_id=data.get("programme_id"), cycle_id=data.get("cycle_id"), photo_path=data.get("photo_path"),
        status="baru", received_at=now or utcnow(), recorded_by=actor)
    session.add(complaint)
    session.flush()
    # Sensitive contents stay out of the audit trail, which more roles can read.
    record(session, actor, "create", "complaint", complaint.tracking_code, category=category,
           channel=complaint.channel, status=[None, "baru"])
    return complaint


def _move(session: Session, complaint: Complaint, actor: str, expected: str, status: str, **fields) -> Complaint:
    if complaint.status != expected:
        raise ComplaintError(f"Pengaduan {complaint.tracking_code} berstatus {complaint.status}, bukan {expected}")
    details = {"status": [complaint.status, status]}
    for name, value in fields.items():
        details[name] = [getattr(complaint, name), value]  # record() writes dates as ISO text
        setattr(complaint, name, value)
    complaint.status = status
    record(session, actor, "update", "complaint", complaint.tracking_code, **details)
    return complaint


def forward(session: Session, complaint: Complaint, to: str, actor: str, now: datetime | None = None) -> Complaint:
    if not to.strip():
        raise ComplaintError("Tujuan penerusan wajib diisi")
    return _move(session, complaint, actor, "baru", "diteruskan", forwarded_to=to.strip(),
                 forwarded_at=now or utcnow())


def follow_up(session: Session, complaint: Complaint, note: str, actor: str, now: datetime | None = None) -> Complaint:
    if not note.strip():
        raise ComplaintError("Catatan tindak lanjut wajib diisi")
    return _move(session, complaint, actor, "diteruskan", "ditindaklanjuti", resolution=note.strip(),
                 followed_up_at=now or utcnow())


def close(session: Session, complaint: Complaint, resolution: str, actor: str,
          now: datetime | None = None) -> Complaint:
    if not resolution.strip():
        raise ComplaintError("Penyelesaian wajib diisi")
    return _move(session, complaint, actor, "ditindaklanjuti", "selesai", resolution=resolution.strip(),
                 closed_at=now or utcnow())


def escalate_overdue(session: Session, now: datetime, rules: ClockRules, actor: str = "sistem") -> dict:
    """Escalate each open complaint whose current step is overdue, once per step; auto-close those whose
    closing deadline passed (as SP4N-LAPOR! does). Running it twice changes nothing the second time."""
    counts = {"escalated": 0, "closed": 0}
    open_ones = session.scalars(select(Complaint).where(Complaint.status != "selesai").order_by(Complaint.id)).all()
    for complaint in open_ones:
        state = clock_state(complaint, now, rules)
        if not state.overdue:
            continue
        if state.step == "tutup":
            note = (complaint.resolution or "") + "\n[Ditutup otomatis: batas waktu penutupan lewat]"
            if _claim(session, complaint, Complaint.status == "ditindaklanjuti",
                      status="selesai", closed_at=now, resolution=note):
                record(session, actor, "update", "complaint", complaint.tracking_code,
                       status=["ditindaklanjuti", "selesai"], closed_at=[None, now])
                counts["closed"] += 1
        else:
            level = STEP_LEVEL[state.step]
            before = complaint.escalation_level
            if _claim(session, complaint, Complaint.escalation_level < level, escalation_level=level,
                      escalated_at=now):
                record(session, actor, "escalate", "complaint", complaint.tracking_code,
                       escalation_level=[before, level], step=state.step, due=state.due)
                counts["escalated"] += 1
    return counts


def _claim(session: Session, complaint: Complaint, condition, **values) -> bool:
    """Apply ``values`` only if ``condition`` still holds in the database, decided by the UPDATE itself:
    of two ticks running at once (a redelivery, two beats) exactly one wins, on PostgreSQL and SQLite."""
    result = session.execute(update(Complaint).where(Complaint.id == complaint.id, condition).values(**values)
                             .execution_options(synchronize_session=False))
    session.refresh(complaint)
    return result.rowcount == 1
