"""Recipients of a programme as notification batches (the admin sends these to notifications.send_batch)."""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from .models import Enrolment, Person, Programme


def _head_of(session: Session, household_ids: list[int]) -> dict[int, Person]:
    """Household id -> its head (KEPALA KELUARGA, else the first member) for the given households."""
    heads: dict[int, Person] = {}
    if not household_ids:
        return heads
    members = session.execute(
        select(Person).where(Person.household_id.in_(household_ids)).order_by(Person.household_id, Person.id)
    ).scalars()
    for person in members:
        is_head = (person.relationship_to_head or "").upper() == "KEPALA KELUARGA"
        current = heads.get(person.household_id)
        if current is None or (is_head and (current.relationship_to_head or "").upper() != "KEPALA KELUARGA"):
            heads[person.household_id] = person
    return heads


def count_programme_recipients(session: Session, programme_id: int) -> int:
    """How many recipients ``programme_recipient_batches`` will yield."""
    return session.scalar(
        select(func.count(Enrolment.id)).where(Enrolment.programme_id == programme_id, Enrolment.status == "aktif")
    ) or 0


def programme_recipient_batches(session: Session, programme_id: int, batch_size: int = 500) -> Iterator[list[dict]]:
    """Yield lists of ``{"recipient_key", "phone", "vars": {"nama", "program"}}`` for active enrolments.

    The recipient is the enrolment's named recipient, or the household head when none is named.
    Keyed by enrolment id so a resend reaches the same person once (notifications dedupe on it).
    """
    programme = session.get(Programme, programme_id)
    if programme is None:
        return
    recipient = aliased(Person)
    last_id = 0
    while True:
        # Keyset paging keeps memory flat however large the programme is.
        rows = session.execute(
            select(Enrolment.id, Enrolment.household_id, recipient)
            .outerjoin(recipient, Enrolment.recipient_id == recipient.id)
            .where(Enrolment.programme_id == programme_id, Enrolment.status == "aktif", Enrolment.id > last_id)
            .order_by(Enrolment.id)
            .limit(batch_size)
        ).all()
        if not rows:
            return
        heads = _head_of(session, [household_id for _, household_id, person in rows if person is None])
        batch = []
        for enrolment_id, household_id, person in rows:
            person = person or heads.get(household_id)
            batch.append({
                "recipient_key": f"enrolment-{enrolment_id}",
                "phone": person.phone if person else None,
                "vars": {"nama": person.name if person else "", "program": programme.name},
            })
        yield batch
        last_id = rows[-1][0]
