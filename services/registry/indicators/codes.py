"""One-time satisfaction codes: issued per recipient household after a distribution (per cycle) and per
participant after a training; the public form accepts an issued, unused code once.

Issuing is idempotent (unique per cycle+household and training+person); using a code is one conditional
UPDATE (``used_at IS NULL``), so two answers racing with the same code cannot both win."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.common.db import utcnow
from services.registry.core.audit import record
from services.registry.core.codes import random_code
from services.registry.indicators.models.read import USED, usable_code
from services.registry.models import (
    Cycle,
    Entitlement,
    Person,
    SatisfactionCode,
    Training,
    TrainingEnrolment,
)

# Rendered by the notifications service (Jinja, sandboxed) with each recipient's vars.
SMS_TEMPLATE = ("Terima kasih telah menerima {{ program }}. Mohon beri nilai kepuasan Anda (1-5) di {{ tautan }} "
                "dengan kode {{ kode }}. Kode hanya berlaku sekali.")


class CodeError(ValueError):
    """A code that is unknown, already used, or for another cycle/training (message in Indonesian)."""


def new_code() -> str:
    return random_code("KS-")


def _insert(session: Session, rows: list[dict], actor: str, target: dict) -> int:
    for row in rows:
        session.add(SatisfactionCode(code=new_code(), issued_by=actor, **row))
    session.flush()
    record(session, actor, "issue", "satisfaction_code", str(target.get("cycle_id") or target.get("training_id")),
           **{**target, "issued": len(rows)})
    session.flush()
    return len(rows)


def issue_for_cycle(session: Session, cycle_id: int, actor: str) -> int:
    """A code for every household whose entitlement in the cycle was handed over and has none yet."""
    if session.get(Cycle, cycle_id) is None:
        raise CodeError(f"Siklus {cycle_id} tidak ditemukan")
    have = select(SatisfactionCode.household_id).where(SatisfactionCode.cycle_id == cycle_id)
    rows = session.execute(select(Entitlement.household_id, Entitlement.recipient_id)
                           .where(Entitlement.cycle_id == cycle_id, Entitlement.status == "disalurkan",
                                  Entitlement.household_id.not_in(have))
                           .order_by(Entitlement.household_id)).all()
    return _insert(session, [{"cycle_id": cycle_id, "household_id": hh, "person_id": person}
                             for hh, person in rows], actor, {"cycle_id": cycle_id})


def issue_for_training(session: Session, training_id: int, actor: str) -> int:
    """A code for every participant who completed the training and has none yet."""
    if session.get(Training, training_id) is None:
        raise CodeError(f"Pelatihan {training_id} tidak ditemukan")
    have = select(SatisfactionCode.person_id).where(SatisfactionCode.training_id == training_id)
    rows = session.execute(select(TrainingEnrolment.person_id, Person.household_id)
                           .join(Person, Person.id == TrainingEnrolment.person_id)
                           .where(TrainingEnrolment.training_id == training_id, TrainingEnrolment.status == "selesai",
                                  TrainingEnrolment.person_id.not_in(have))
                           .order_by(TrainingEnrolment.person_id)).all()
    return _insert(session, [{"training_id": training_id, "person_id": person, "household_id": hh}
                             for person, hh in rows], actor, {"training_id": training_id})


def check_code(session: Session, code: str, cycle_id: int | None = None) -> SatisfactionCode:
    """The issued, unused code; CodeError (in Indonesian) when it cannot be used."""
    found, refusal = usable_code(session, code, cycle_id)
    if refusal is not None:
        raise CodeError(refusal)
    return found


def use_code(session: Session, code: str, cycle_id: int | None = None, now: datetime | None = None) -> SatisfactionCode:
    """Mark the code used (once, atomically) and return it; CodeError when it cannot be used."""
    found = check_code(session, code, cycle_id)
    claimed = session.execute(update(SatisfactionCode)
                              .where(SatisfactionCode.id == found.id, SatisfactionCode.used_at.is_(None))
                              .values(used_at=now or utcnow())).rowcount
    if claimed != 1:
        raise CodeError(USED)
    session.refresh(found)
    return found


def unused_codes(session: Session, *, cycle_id: int | None = None, training_id: int | None = None):
    query = (select(SatisfactionCode).where(SatisfactionCode.used_at.is_(None))
             .order_by(SatisfactionCode.id))
    if cycle_id is not None:
        query = query.where(SatisfactionCode.cycle_id == cycle_id)
    else:
        query = query.where(SatisfactionCode.training_id == training_id)
    return session.scalars(query).all()


def sms_recipients(codes: list[SatisfactionCode], form_url: str, programme: str) -> list[dict]:
    """Recipients for notifications.send_batch: one per code, keyed by the code (a resend reaches nobody
    twice); the code and the form link are template variables."""
    return [{"recipient_key": f"satisfaction-code-{code.id}", "phone": code.person.phone if code.person else None,
             "vars": {"kode": code.code, "tautan": f"{form_url}?kode={code.code}", "program": programme}}
            for code in codes]


def send_codes(celery_app, session: Session, form_url: str, requested_by: str, *, cycle_id: int | None = None,
               training_id: int | None = None) -> tuple[str, int]:
    """Send every unused code of a cycle or training by SMS as one campaign; returns (campaign key, count)."""
    from services.registry.outreach.payloads import batches, send_batches

    codes = unused_codes(session, cycle_id=cycle_id, training_id=training_id)
    if cycle_id is not None:
        cycle = session.get(Cycle, cycle_id)
        key, programme = f"satisfaction-cycle-{cycle_id}", cycle.programme.name
        name = f"{programme} {cycle.name}"
    else:
        training = session.get(Training, training_id)
        key, programme, name = f"satisfaction-training-{training_id}", training.topic, training.topic
    send_batches(celery_app, batches(sms_recipients(codes, form_url, programme)), session=session, campaign_key=key,
                 name=f"Survei kepuasan {name}", channel="sms", template=SMS_TEMPLATE, total=len(codes),
                 source={"cycle_id": cycle_id, "training_id": training_id, "requested_by": requested_by})
    return key, len(codes)
