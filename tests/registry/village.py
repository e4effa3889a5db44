"""A small village built row by row for the selection tests: households, members, welfare, programmes."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from services.registry.models import (
    Cycle,
    CyclePlan,
    EligibilityRule,
    Enrolment,
    FundingSource,
    Household,
    HouseholdWelfare,
    Person,
    Programme,
    ProgrammeExclusion,
)
from services.registry.programmes import candidates as cand
from services.registry.programmes import musyawarah as mus

TODAY = date(2027, 1, 15)


def household(session: Session, n: int, *, dusun="Kamal Barat", rt="001", rw="002", band=None, rank=None,
              score=None, desil=None, members=(("KEPALA KELUARGA", "L", date(1980, 5, 1), "PETANI"),)) -> Household:
    hh = Household(no_kk=f"35260112{n:08d}", address=f"Jl. Raya Kamal No. {n}", rt=rt, rw=rw, dusun=dusun,
                   desa="Kamal", kecamatan="Kamal", kabupaten="Bangkalan")
    session.add(hh)
    session.flush()
    for i, (relationship, sex, born, job) in enumerate(members):
        session.add(Person(household_id=hh.id, nik=f"3526{n:08d}{i:04d}", name=f"Warga {n}-{i}", sex=sex,
                           birth_date=born, relationship_to_head=relationship, occupation=job))
    if band is not None or rank is not None or desil is not None:
        session.add(HouseholdWelfare(household_id=hh.id, band=None if band is None else str(band), rank=rank,
                                     score=None if score is None else Decimal(str(score)), dtsen_desil=desil))
    session.flush()
    return hh


def programme(session: Session, code="BLTDD", amount=300000, budget=900000) -> tuple[Programme, FundingSource]:
    prog = Programme(code=code, name=f"Program {code}", kind="tunai", benefit_amount=Decimal(amount))
    session.add(prog)
    session.flush()
    source = FundingSource(programme_id=prog.id, name=f"Dana Desa {code} 2027", kind="dana_desa",
                           budget=Decimal(budget), fiscal_year=2027)
    session.add(source)
    session.flush()
    return prog, source


def cycle(session: Session, prog: Programme, source: FundingSource | None, condition: dict | None = None,
          name="Januari 2027", quota=None, amount=None) -> Cycle:
    c = Cycle(programme_id=prog.id, name=name)
    session.add(c)
    session.flush()
    rule = None
    if condition is not None:
        rule = EligibilityRule(programme_id=prog.id, name=f"Aturan {name}", condition=condition)
        session.add(rule)
        session.flush()
    session.add(CyclePlan(cycle_id=c.id, rule_id=rule.id if rule else None,
                          funding_source_id=source.id if source else None, quota=quota,
                          benefit_amount=Decimal(amount if amount is not None else prog.benefit_amount)))
    session.flush()
    session.refresh(c)
    return c


def exclude(session: Session, prog: Programme, other: Programme) -> None:
    session.add(ProgrammeExclusion(programme_id=prog.id, excluded_programme_id=other.id, reason="tidak ganda"))
    session.flush()


def enrol(session: Session, prog: Programme, hh: Household) -> None:
    session.add(Enrolment(programme_id=prog.id, household_id=hh.id, status="aktif"))
    session.flush()


ATTENDEES = [("H. Moh. Rasyid", "Kepala Desa", True), ("Siti Aminah", "Ketua BPD", True),
             ("Abdul Karim", "Tokoh agama", True), ("Ahmad Fauzi", "Kecamatan", False)]


def decided_cycle(session: Session, households: int = 3, budget=900000, amount=300000, code="BLTDD", first=1):
    """A cycle whose candidates were approved at a quorate musdesus, ready for the kepala desa."""
    prog, source = programme(session, code=code, budget=budget, amount=amount)
    homes = [household(session, n, band=1, rank=n) for n in range(first, first + households)]
    c = cycle(session, prog, source, {"field": "band", "op": "le", "value": 2})
    cand.generate(session, c, "operator")
    meeting = mus.record_meeting(session, c, "musdesus", TODAY, "Balai Desa Kamal", "Siti Aminah", ATTENDEES, "bpd")
    for hh in homes:
        mus.decide(session, meeting, hh, "disetujui", None, "bpd")
    session.commit()
    return c, meeting, homes, source
