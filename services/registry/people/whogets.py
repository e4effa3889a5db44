"""Who gets what: type a NIK or KK, see the person or family, every programme, every entitlement
(received and pending) and any open duplicate case. The main guard against double receipt.

Partners (``programme_ids`` given) see only their own programmes' rows, masked NIK/KK, no address,
and nothing at all about a family that is not in one of their programmes.
"""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from services.common.privacy import mask_nik
from services.registry.models import Cycle, DedupCluster, DedupMember, Enrolment, Entitlement, Household, Person

SIXTEEN_DIGITS = re.compile(r"^\d{16}$")
RECEIVED, PENDING = "disalurkan", "menunggu"


class QueryError(ValueError):
    """The search text is not a NIK or No. KK (message in Indonesian)."""


def _date(value) -> str | None:
    return value.isoformat() if value else None


def who_gets_what(session: Session, q: str, programme_ids: set[int] | None = None) -> dict:
    """The result for ``q`` (16 digits, NIK or KK); ``programme_ids`` None = every programme (staff)."""
    q = re.sub(r"[\s.-]", "", q or "")
    if not SIXTEEN_DIGITS.match(q):
        raise QueryError("Masukkan NIK atau No. KK: 16 angka.")
    partner = programme_ids is not None
    shown = mask_nik if partner else (lambda value: value or "")
    by_kk = session.execute(select(Household).where(Household.no_kk == q)).scalars().all()
    persons = session.execute(select(Person).where(Person.nik == q)).scalars().all()
    household_ids = sorted({h.id for h in by_kk} | {p.household_id for p in persons})
    households = session.execute(
        select(Household).where(Household.id.in_(household_ids)).order_by(Household.id)
        .options(selectinload(Household.members))).scalars().all()
    enrolments = session.execute(
        select(Enrolment).where(Enrolment.household_id.in_(household_ids))
        .options(selectinload(Enrolment.programme), selectinload(Enrolment.recipient))
        .order_by(Enrolment.id)).scalars().all()
    entitlements = session.execute(
        select(Entitlement).where(Entitlement.household_id.in_(household_ids)).join(Cycle)
        .options(selectinload(Entitlement.programme), selectinload(Entitlement.cycle),
                 selectinload(Entitlement.recipient))
        .order_by(Cycle.period_start, Entitlement.id)).scalars().all()
    if partner:
        enrolments = [e for e in enrolments if e.programme_id in programme_ids]
        entitlements = [e for e in entitlements if e.programme_id in programme_ids]
        # a family outside the partner's programmes is not theirs to look up
        visible = {e.household_id for e in enrolments} | {e.household_id for e in entitlements}
        households = [h for h in households if h.id in visible]
    matched_ids = {p.id for p in persons} | {p.id for h in households if h.no_kk == q for p in h.members}
    result = {"query": shown(q), "kind": "kk" if by_kk else "nik", "found": bool(households), "households": []}
    for household in households:
        own_enrolments = [e for e in enrolments if e.household_id == household.id]
        own_entitlements = [e for e in entitlements if e.household_id == household.id]
        members = household.members if not partner else [p for p in household.members if p.id in matched_ids or any(
            p.id == e.recipient_id for e in own_enrolments + own_entitlements)]
        result["households"].append({
            "id": household.id, "no_kk": shown(household.no_kk),
            "address": None if partner else household.address, "rt": household.rt, "rw": household.rw,
            "dusun": household.dusun,
            "members": [{"id": p.id, "nik": shown(p.nik), "name": p.name, "sex": p.sex,
                         "birth_date": None if partner else _date(p.birth_date),
                         "relationship": p.relationship_to_head, "matched": p.id in matched_ids} for p in members],
            "enrolments": [{"id": e.id, "programme_code": e.programme.code, "programme": e.programme.name,
                            "status": e.status, "recipient": e.recipient.name if e.recipient else None,
                            "enrolled_on": _date(e.enrolled_on)} for e in own_enrolments],
            "entitlements": [{"id": e.id, "programme_code": e.programme.code, "programme": e.programme.name,
                              "cycle": e.cycle.name, "period_start": _date(e.cycle.period_start),
                              "amount": str(e.amount) if e.amount is not None else None, "package": e.package,
                              "channel": e.channel, "status": e.status,
                              "recipient": e.recipient.name if e.recipient else None} for e in own_entitlements],
        })
    entitlement_rows = [e for h in result["households"] for e in h["entitlements"]]
    result["received"] = [e for e in entitlement_rows if e["status"] == RECEIVED]
    result["pending"] = [e for e in entitlement_rows if e["status"] == PENDING]
    all_member_ids = {m["id"] for h in result["households"] for m in h["members"]}
    cases = session.execute(
        select(DedupCluster).where(DedupCluster.status == "terbuka", DedupCluster.id.in_(
            select(DedupMember.cluster_id).where(DedupMember.person_ref.in_(all_member_ids or {0}))))
        .order_by(DedupCluster.id)).scalars().all()
    result["dedup_cases"] = [{"id": c.id, "score": c.score, "layers": list(c.layers),
                              "members": [] if partner else [{"person_id": m.person_ref, "nik": m.nik, "name": m.name,
                                                              "no_kk": m.no_kk} for m in c.members]}
                             for c in cases]
    return result
