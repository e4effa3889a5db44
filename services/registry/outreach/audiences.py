"""Campaign audiences as notification batches (the admin sends these to notifications.send_batch).

Audiences: a programme's active recipients; a cycle's unpaid recipients (entitlements still
'menunggu'); the households of a dusun (optionally one RT); the households of a welfare band; a
training's participants (not those who left); a hand-made list of phones/NIKs. Every recipient dict
is ``{"recipient_key", "phone", "vars"}``; the keys are stable (enrolment-/entitlement-/household-/
training-enrolment-/person-/phone-) so a resend reaches each once. A dusun/RT audience names its desa
(``area_id``): two villages may each have a dusun "Pesisir"."""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from services.common.privacy import mask_nik
from services.registry.models import (
    Cycle,
    Enrolment,
    Entitlement,
    Household,
    HouseholdWelfare,
    Person,
    Programme,
    Training,
    TrainingEnrolment,
    TrainingSession,
)


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


# Template variables each audience fills (the admin validates templates against these).
AUDIENCE_VARIABLES = {
    "programme": {"nama", "program"},
    "cycle_unpaid": {"nama", "program", "siklus", "jumlah", "paket"},
    "area": {"nama", "dusun", "rt"},
    "welfare_band": {"nama", "dusun", "rt"},
    "manual": {"nama"},
    "training": {"nama", "pelatihan", "jadwal"},
}
# Participants who left a training ("keluar") hear nothing more about it.
TRAINING_PARTICIPANT_STATUSES = ("diundang", "terdaftar", "selesai")


class AudienceError(ValueError):
    """An audience that cannot be reached as asked; the message is for the operator."""


def _in_area(params: dict):
    """Households of the audience's desa (``area_id``): dusun and RT names repeat across villages."""
    if params.get("area_id") in (None, ""):
        raise AudienceError("Pilih desa: nama dusun dan RT bisa sama di desa lain")
    return Household.area_id == int(params["area_id"])


def _household_query(audience: str, params: dict):
    """Household ids of an area or welfare-band audience, always within one desa."""
    if audience == "area":
        query = select(Household.id).where(_in_area(params), Household.dusun == params["dusun"])
        if params.get("rt"):
            query = query.where(Household.rt == params["rt"])
        return query
    query = select(HouseholdWelfare.household_id).where(HouseholdWelfare.band == params["band"])
    if params.get("area_id") not in (None, ""):
        query = query.join(Household, Household.id == HouseholdWelfare.household_id).where(_in_area(params))
    return query


def count_audience(session: Session, audience: str, params: dict) -> int:
    if audience == "programme":
        return count_programme_recipients(session, int(params["programme_id"]))
    if audience == "cycle_unpaid":
        return session.scalar(select(func.count(Entitlement.id)).where(
            Entitlement.cycle_id == int(params["cycle_id"]), Entitlement.status == "menunggu")) or 0
    if audience in ("area", "welfare_band"):
        return session.scalar(select(func.count()).select_from(_household_query(audience, params).subquery())) or 0
    if audience == "manual":
        return len(_manual_entries(params.get("entries", "")))
    if audience == "training":
        return session.scalar(select(func.count(TrainingEnrolment.id)).where(
            TrainingEnrolment.training_id == int(params["training_id"]),
            TrainingEnrolment.status.in_(TRAINING_PARTICIPANT_STATUSES))) or 0
    raise ValueError(f"Sasaran tidak dikenal: {audience}")


def audience_batches(session: Session, audience: str, params: dict, batch_size: int = 500) -> Iterator[list[dict]]:
    """Yield the audience's recipients in batches, keyset-paged (flat memory at any size)."""
    if audience == "programme":
        yield from programme_recipient_batches(session, int(params["programme_id"]), batch_size)
    elif audience == "cycle_unpaid":
        yield from _cycle_unpaid_batches(session, int(params["cycle_id"]), batch_size)
    elif audience in ("area", "welfare_band"):
        yield from _household_batches(session, _household_query(audience, params), batch_size)
    elif audience == "manual":
        yield from _manual_batches(session, params.get("entries", ""), batch_size)
    elif audience == "training":
        yield from _training_batches(session, int(params["training_id"]), batch_size)
    else:
        raise ValueError(f"Sasaran tidak dikenal: {audience}")


def _cycle_unpaid_batches(session: Session, cycle_id: int, batch_size: int) -> Iterator[list[dict]]:
    cycle = session.get(Cycle, cycle_id)
    if cycle is None:
        return
    programme = session.get(Programme, cycle.programme_id)
    recipient = aliased(Person)
    last_id = 0
    while True:
        rows = session.execute(
            select(Entitlement, recipient).outerjoin(recipient, Entitlement.recipient_id == recipient.id)
            .where(Entitlement.cycle_id == cycle_id, Entitlement.status == "menunggu", Entitlement.id > last_id)
            .order_by(Entitlement.id).limit(batch_size)).all()
        if not rows:
            return
        heads = _head_of(session, [e.household_id for e, person in rows if person is None])
        batch = []
        for entitlement, person in rows:
            person = person or heads.get(entitlement.household_id)
            batch.append({"recipient_key": f"entitlement-{entitlement.id}", "phone": person.phone if person else None,
                          "vars": {"nama": person.name if person else "", "program": programme.name,
                                   "siklus": cycle.name, "jumlah": str(entitlement.amount or ""),
                                   "paket": entitlement.package or ""}})
        yield batch
        last_id = rows[-1][0].id


def _household_batches(session: Session, household_ids, batch_size: int) -> Iterator[list[dict]]:
    ids = household_ids.subquery()
    last_id = 0
    while True:
        households = session.scalars(select(Household).where(Household.id.in_(select(ids.c[0])),
                                                             Household.id > last_id)
                                     .order_by(Household.id).limit(batch_size)).all()
        if not households:
            return
        heads = _head_of(session, [h.id for h in households])
        batch = []
        for household in households:
            head = heads.get(household.id)
            batch.append({"recipient_key": f"household-{household.id}", "phone": head.phone if head else None,
                          "vars": {"nama": head.name if head else "", "dusun": household.dusun or "",
                                   "rt": household.rt or ""}})
        yield batch
        last_id = households[-1].id


def _manual_entries(text: str) -> list[str]:
    """One phone or NIK per line (commas and semicolons also separate); duplicates once."""
    seen: dict[str, None] = {}
    for part in text.replace(",", "\n").replace(";", "\n").splitlines():
        if part.strip():
            seen.setdefault(part.strip(), None)
    return list(seen)


def _looks_like_identity_number(entry: str) -> bool:
    """16+ digits (spaces and dots ignored) is a NIK/KK, never a phone number (E.164 has at most 15)."""
    digits = entry.replace(" ", "").replace(".", "").replace("-", "")
    return digits.isdigit() and len(digits) >= 16


def _manual_batches(session: Session, text: str, batch_size: int) -> Iterator[list[dict]]:
    entries = _manual_entries(text)
    for start in range(0, len(entries), batch_size):
        chunk = entries[start:start + batch_size]
        niks = [e for e in chunk if e.isdigit() and len(e) == 16]
        people = {p.nik: p for p in session.scalars(select(Person).where(Person.nik.in_(niks)).order_by(Person.id))}
        batch = []
        for entry in chunk:
            person = people.get(entry)
            if person is not None:
                batch.append({"recipient_key": f"person-{person.id}", "phone": person.phone,
                              "vars": {"nama": person.name}})
            elif entry in niks or _looks_like_identity_number(entry):
                # An unknown NIK (or a KK typed by mistake) is reported as "unknown" by notifications,
                # which never needs the number itself: the key carries it masked, plus its place in the list.
                batch.append({"recipient_key": f"nik-{start + len(batch) + 1}-{mask_nik(entry)}", "phone": None,
                              "vars": {"nama": ""}})
            else:
                batch.append({"recipient_key": f"phone-{entry}"[:200], "phone": entry[:20], "vars": {"nama": ""}})
        yield batch


def _schedule(session: Session, training_id: int) -> str:
    """The training's sessions as "dd-mm-yyyy tempat", the first three, for the message."""
    sessions = session.scalars(select(TrainingSession).where(TrainingSession.training_id == training_id)
                               .order_by(TrainingSession.held_on).limit(3)).all()
    return ", ".join(f"{s.held_on:%d-%m-%Y} {s.place}" for s in sessions)


def _training_batches(session: Session, training_id: int, batch_size: int) -> Iterator[list[dict]]:
    """A training's participants (invited, registered or finished), keyed by their training enrolment."""
    training = session.get(Training, training_id)
    if training is None:
        return
    schedule = _schedule(session, training_id)
    last_id = 0
    while True:
        rows = session.execute(
            select(TrainingEnrolment.id, Person.phone, Person.name)
            .join(Person, TrainingEnrolment.person_id == Person.id)
            .where(TrainingEnrolment.training_id == training_id, TrainingEnrolment.id > last_id,
                   TrainingEnrolment.status.in_(TRAINING_PARTICIPANT_STATUSES))
            .order_by(TrainingEnrolment.id).limit(batch_size)).all()
        if not rows:
            return
        yield [{"recipient_key": f"training-enrolment-{enrolment_id}", "phone": phone,
                "vars": {"nama": name or "", "pelatihan": training.topic, "jadwal": schedule}}
               for enrolment_id, phone, name in rows]
        last_id = rows[-1][0]
