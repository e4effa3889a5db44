"""Mutual exclusions between programmes (no double receipt, checked by KK = household)."""
from __future__ import annotations

from sqlalchemy import exists, or_, select, true
from sqlalchemy.orm import Session

from services.registry.models import Cycle, Enrolment, Entitlement, Household, Programme, ProgrammeExclusion


def excluded_programme_ids(session: Session, programme_id: int) -> list[int]:
    """Programmes that exclude ``programme_id`` or that it excludes (the pair is symmetric)."""
    rows = session.execute(select(ProgrammeExclusion.programme_id, ProgrammeExclusion.excluded_programme_id)
                           .where(or_(ProgrammeExclusion.programme_id == programme_id,
                                      ProgrammeExclusion.excluded_programme_id == programme_id)))
    return sorted({a if b == programme_id else b for a, b in rows} - {programme_id})


def _receives(programme_ids: list[int], household_id):
    """SQL: the household is enrolled in, or holds a live entitlement of, one of ``programme_ids``."""
    enrolled = exists(select(Enrolment.id).where(Enrolment.household_id == household_id,
                                                 Enrolment.programme_id.in_(programme_ids),
                                                 Enrolment.status == "aktif"))
    entitled = exists(select(Entitlement.id).where(Entitlement.household_id == household_id,
                                                   Entitlement.programme_id.in_(programme_ids),
                                                   Entitlement.status != "dibatalkan"))
    return or_(enrolled, entitled)


def not_excluded_clause(session: Session, programme_id: int):
    """A WHERE clause over Household keeping only households free of conflicting programmes."""
    others = excluded_programme_ids(session, programme_id)
    if not others:
        return true()  # nothing to exclude
    return ~_receives(others, Household.id)


def conflicts(session: Session, programme_id: int, household_ids: list[int]) -> dict[int, str]:
    """``{household_id: "sudah menerima PKH"}`` for the given households that conflict."""
    others = excluded_programme_ids(session, programme_id)
    if not others or not household_ids:
        return {}
    names = dict(session.execute(select(Programme.id, Programme.name).where(Programme.id.in_(others))).all())
    found: dict[int, set[str]] = {}
    for start in range(0, len(household_ids), 1000):
        chunk = household_ids[start:start + 1000]
        rows = session.execute(select(Enrolment.household_id, Enrolment.programme_id)
                               .where(Enrolment.household_id.in_(chunk), Enrolment.programme_id.in_(others),
                                      Enrolment.status == "aktif")).all()
        rows += session.execute(select(Entitlement.household_id, Entitlement.programme_id)
                                .join(Cycle, Cycle.id == Entitlement.cycle_id)
                                .where(Entitlement.household_id.in_(chunk), Entitlement.programme_id.in_(others),
                                       Entitlement.status != "dibatalkan")).all()
        for household_id, other in rows:
            found.setdefault(household_id, set()).add(names[other])
    return {hid: "sudah menerima " + ", ".join(sorted(progs)) for hid, progs in found.items()}
