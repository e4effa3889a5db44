"""A household's pathway out of poverty: cash aid (enrolments and what each cycle actually paid) -> trainings ->
business capital (how it was paid out, its ledger entry, repayments) -> income over time."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.registry.models import (
    BusinessGroupMember,
    CapitalGrant,
    Enrolment,
    Entitlement,
    Household,
    Person,
    TrainingEnrolment,
    TrainingFollowUp,
)


def household_pathway(session: Session, household: Household) -> dict:
    """Four lists, each dated, for one household; income points sorted by date from both sources."""
    member_ids = [p.id for p in household.members]
    aid = [{"programme": e.programme.name, "kind": e.programme.kind, "status": e.status, "since": e.enrolled_on}
           for e in session.scalars(select(Enrolment).where(Enrolment.household_id == household.id))]
    # What actually reached the household, cycle by cycle (the ledger's "collected"/"paid" side).
    received = [{"cycle": e.cycle.name, "programme": e.programme.name, "amount": e.amount, "package": e.package,
                 "channel": e.channel, "status": e.status}
                for e in session.scalars(select(Entitlement).where(Entitlement.household_id == household.id)
                                         .order_by(Entitlement.cycle_id))]
    trainings = [{"person": e.person.name, "training": e.training.topic, "status": e.status,
                  "completed_on": e.completed_on}
                 for e in session.scalars(select(TrainingEnrolment).where(TrainingEnrolment.person_id.in_(member_ids))
                                          .order_by(TrainingEnrolment.id))]
    groups = select(BusinessGroupMember.group_id).where(BusinessGroupMember.person_id.in_(member_ids))
    grants = list(session.scalars(select(CapitalGrant).where(or_(
        CapitalGrant.household_id == household.id, CapitalGrant.group_id.in_(groups))).order_by(CapitalGrant.id)))
    capital = [{"business": g.business, "kind": g.kind, "status": g.status,
                "amount": g.amount_approved or g.amount_requested,
                "disbursed_on": g.disbursements[0].disbursed_on if g.disbursements else None,
                "channel": g.disbursements[0].channel if g.disbursements else None,
                "ledger_seq": g.disbursements[0].ledger_seq if g.disbursements else None,
                "repaid": sum((p.amount for p in g.payments), Decimal("0")),
                "group": g.group.name if g.group else None} for g in grants]
    income = [{"on": v.visited_on, "source": "kunjungan usaha", "amount": v.monthly_income, "status": v.business_status}
              for g in grants for v in g.visits if v.monthly_income is not None]
    follow_ups = session.scalars(select(TrainingFollowUp).join(TrainingEnrolment).join(
        Person, TrainingEnrolment.person_id == Person.id).where(
        Person.household_id == household.id, TrainingFollowUp.answered_at.is_not(None)))
    income += [{"on": f.answered_at.date(), "source": f"survei {f.months} bulan", "amount": f.monthly_income,
                "status": f.work_status} for f in follow_ups if f.monthly_income is not None]
    income.sort(key=lambda point: point["on"])
    return {"aid": aid, "received": received, "trainings": trainings, "capital": capital, "income": income}
