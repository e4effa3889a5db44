"""Ruang Mitra: what a partner organisation sees of the programmes it funds or runs.

Its programmes with money per funding source (budget, committed, disbursed incl. capital payouts, repaid),
its approved cycles with the ledger head, its recipients (masked NIK, RT/RW only: no street address, no
phone), the trainings it runs with completion and follow-up income, and the business capital of its
programmes with the latest reported income. ``programme_ids`` None means every programme (village staff).
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session, selectinload

from services.common.privacy import mask_nik
from services.registry.distribution.models.read import cycle_head
from services.registry.models import (
    CapitalDisbursement,
    CapitalGrant,
    Cycle,
    Enrolment,
    Entitlement,
    Household,
    PartnerAgreement,
    Programme,
    ProgrammePartner,
    Training,
    TrainingEnrolment,
    TrainingFollowUp,
)
from services.registry.programmes.models.read import programme_status

RECIPIENT_LIMIT = 200  # the workspace shows the first ones; the full list is the Penerima screen


def _scoped(query, column, programme_ids):
    return query if programme_ids is None else query.where(column.in_(sorted(programme_ids)))


def programmes(session: Session, programme_ids, organisation_id) -> list[dict]:
    rows = []
    for programme in session.scalars(_scoped(select(Programme).order_by(Programme.code), Programme.id,
                                             programme_ids)):
        # Households enrolled now or entitled in an approved cycle (a cycle-only programme has no enrolments).
        households = union(
            select(Enrolment.household_id).where(Enrolment.programme_id == programme.id, Enrolment.status == "aktif"),
            select(Entitlement.household_id).join(Cycle).where(Entitlement.programme_id == programme.id,
                                                               Cycle.status.in_(("disetujui", "selesai"))))
        recipients = session.scalar(select(func.count()).select_from(households.subquery())) or 0
        roles = session.scalars(select(ProgrammePartner.role).where(
            ProgrammePartner.programme_id == programme.id, ProgrammePartner.organisation_id == organisation_id)).all()
        committed = session.scalar(select(func.sum(PartnerAgreement.committed_amount)).where(
            PartnerAgreement.programme_id == programme.id)) or Decimal("0")
        sources = programme_status(session, programme.id)
        rows.append({"programme": programme, "recipients": recipients, "roles": roles, "committed": committed,
                     "sources": sources,
                     "used": sum((s["disbursed"] for s in sources), Decimal("0"))})
    return rows


def cycles(session: Session, programme_ids) -> list[dict]:
    query = _scoped(select(Cycle).where(Cycle.status.in_(("disetujui", "selesai"))).order_by(Cycle.id.desc()),
                    Cycle.programme_id, programme_ids).limit(50)
    rows = []
    for cycle in session.scalars(query):
        counts = dict(session.execute(select(Entitlement.status, func.count()).where(Entitlement.cycle_id == cycle.id)
                                      .group_by(Entitlement.status)).all())
        rows.append({"cycle": cycle, "counts": counts, "head": cycle_head(session, cycle.id)})
    return rows


def recipients(session: Session, programme_ids, limit: int = RECIPIENT_LIMIT) -> list[dict]:
    """Recipients, newest approved cycle first, as frozen in its snapshot (name, masked NIK, RT/RW, status),
    then actively enrolled households that have no entitlement yet (from the live registry)."""
    query = _scoped(select(Entitlement).join(Cycle).where(Cycle.status.in_(("disetujui", "selesai"))),
                    Entitlement.programme_id, programme_ids)
    query = query.options(selectinload(Entitlement.household), selectinload(Entitlement.recipient),
                          selectinload(Entitlement.cycle)).order_by(Entitlement.cycle_id.desc(), Entitlement.id)
    rows, seen = [], set()
    for entitlement in session.scalars(query.limit(limit)):
        snap, household = entitlement.snapshot or {}, entitlement.household
        person = entitlement.recipient
        seen.add((entitlement.programme_id, entitlement.household_id))
        rows.append({"programme": entitlement.cycle.name, "name": snap.get("recipient_name") or
                     (person.name if person else "-"),
                     "nik": mask_nik(snap.get("nik") or (person.nik if person else None)),
                     "rt": snap.get("rt") or household.rt or "-", "rw": snap.get("rw") or household.rw or "-",
                     "latest": entitlement.status})
    if len(rows) >= limit:
        return rows
    query = _scoped(select(Enrolment).where(Enrolment.status == "aktif"), Enrolment.programme_id, programme_ids)
    query = query.options(selectinload(Enrolment.household).selectinload(Household.members),
                          selectinload(Enrolment.recipient), selectinload(Enrolment.programme)
                          ).order_by(Enrolment.programme_id, Enrolment.id)
    for enrolment in session.scalars(query.limit(limit)):
        if len(rows) >= limit:
            break
        if (enrolment.programme_id, enrolment.household_id) in seen:
            continue
        household = enrolment.household
        person = enrolment.recipient or household.head
        rows.append({"programme": enrolment.programme.code, "name": person.name if person else "-",
                     "nik": mask_nik(person.nik if person else None), "rt": household.rt or "-",
                     "rw": household.rw or "-", "latest": None})
    return rows


def trainings(session: Session, programme_ids) -> list[dict]:
    rows = []
    for training in session.scalars(_scoped(select(Training).order_by(Training.id), Training.programme_id,
                                            programme_ids)):
        participants = [e for e in training.enrolments if e.status != "keluar"]
        incomes = session.scalars(select(TrainingFollowUp.monthly_income).join(TrainingEnrolment).where(
            TrainingEnrolment.training_id == training.id, TrainingFollowUp.monthly_income.is_not(None))).all()
        completed = sum(1 for e in participants if e.status == "selesai")
        rows.append({"training": training, "participants": len(participants), "completed": completed,
                     "completion": round(100 * completed / len(participants)) if participants else None,
                     "surveys": len(incomes),
                     "average_income": (sum(incomes) / len(incomes)) if incomes else None})
    return rows


def capital(session: Session, programme_ids) -> list[dict]:
    query = _scoped(select(CapitalGrant).where(CapitalGrant.programme_id.is_not(None)).order_by(CapitalGrant.id),
                    CapitalGrant.programme_id, programme_ids)
    rows = []
    for grant in session.scalars(query):
        paid = session.scalar(select(func.sum(CapitalDisbursement.amount)).where(
            CapitalDisbursement.grant_id == grant.id)) or Decimal("0")
        last = grant.visits[-1] if grant.visits else None
        rows.append({"grant": grant, "disbursed": paid, "repaid": sum((p.amount for p in grant.payments), Decimal(0)),
                     "business_status": last.business_status if last else None,
                     "income": last.monthly_income if last else None})
    return rows


def partner_summary(session: Session, programme_ids: set[int] | None, organisation_id: int | None) -> dict:
    return {"programmes": programmes(session, programme_ids, organisation_id),
            "cycles": cycles(session, programme_ids),
            "recipients": recipients(session, programme_ids),
            "trainings": trainings(session, programme_ids),
            "capital": capital(session, programme_ids)}
