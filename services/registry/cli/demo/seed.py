"""``bansos seed-demo``: the fake Desa Kamal, its partners and two programmes; safe to run again."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.cli.demo.people import PeopleFactory
from services.registry.models import Enrolment, Household, Indicator, Organisation, Person, Programme, ProgrammePartner

SEED = 20260101
SEED_SERIALS = range(1, 2000)
HOUSEHOLDS = 300
ORGANISATIONS = (("Pemerintah Desa Kamal", "desa"), ("Yayasan Madura Sejahtera", "lsm"),
                 ("PT Garam Bangkalan Lestari", "csr"))
PROGRAMMES = (
    {"code": "BLT-DD-2026", "name": "BLT Dana Desa 2026", "kind": "tunai", "benefit_amount": Decimal("300000"),
     "description": "Bantuan langsung tunai dari Dana Desa, Rp300.000 per KPM per bulan (data contoh).",
     "partners": (("Pemerintah Desa Kamal", "penyandang_dana"), ("Yayasan Madura Sejahtera", "pelaksana")),
     "households": range(0, 60)},
    {"code": "SEMBAKO-CSR-2026", "name": "Paket Sembako CSR 2026", "kind": "barang", "benefit_amount": None,
     "description": "Paket sembako bulanan dari program CSR (data contoh).",
     "partners": (("PT Garam Bangkalan Lestari", "penyandang_dana"),),
     "households": range(100, 140)},
)


def get_or_add(session: Session, model, lookup: dict, **values):
    found = session.execute(select(model).filter_by(**lookup)).scalar_one_or_none()
    if found is None:
        found = model(**lookup, **values)
        session.add(found)
        session.flush()
    return found


def _households(session: Session) -> list[Household]:
    """The 300 generated households, inserting whichever are missing (matched by KK, then by NIK)."""
    factory = PeopleFactory(SEED, SEED_SERIALS)
    result = []
    for number in range(1, HOUSEHOLDS + 1):
        fake = factory.household(number)
        household = get_or_add(
            session, Household, {"no_kk": fake.no_kk}, address=fake.address, rt=fake.rt, rw=fake.rw,
            dusun=fake.dusun, desa="Kamal", kecamatan="Kamal", kabupaten="Bangkalan",
            latitude=fake.latitude, longitude=fake.longitude,
        )
        for member in fake.members:
            get_or_add(
                session, Person, {"household_id": household.id, "nik": member.nik}, name=member.name,
                sex=member.sex, birth_date=member.birth_date, birth_place=member.birth_place,
                relationship_to_head=member.relationship, occupation=member.occupation,
                education=member.education, phone=("+62" + member.phone[1:]) if member.phone else None,
            )
        result.append(household)
    return result


def seed_demo(session: Session) -> dict[str, int]:
    """Insert what is missing of the demo data and commit; return counts of what now exists."""
    organisations = {name: get_or_add(session, Organisation, {"name": name}, kind=kind)
                     for name, kind in ORGANISATIONS}
    households = _households(session)
    enrolled = 0
    for spec in PROGRAMMES:
        programme = get_or_add(
            session, Programme, {"code": spec["code"]}, name=spec["name"], kind=spec["kind"],
            benefit_amount=spec["benefit_amount"], description=spec["description"],
            period_start=date(2026, 1, 1), period_end=date(2026, 12, 31), status="aktif",
        )
        for org_name, role in spec["partners"]:
            get_or_add(session, ProgrammePartner, {"programme_id": programme.id,
                                                    "organisation_id": organisations[org_name].id, "role": role})
        for index in spec["households"]:
            household = households[index]
            session.refresh(household, ["members"])
            get_or_add(session, Enrolment, {"programme_id": programme.id, "household_id": household.id},
                        recipient_id=household.head.id if household.head else None, status="aktif",
                        enrolled_on=date(2026, 1, 5))
            enrolled += 1
    session.commit()
    from services.registry.cli.demo.map import seed_map_demo
    from services.registry.cli.demo.surveys import seed_demo_surveys

    # Surveys first: the map's demo welfare rows only fill households the survey scoring left without one.
    surveys = seed_demo_surveys(session)
    regions = seed_map_demo(session)["regions"]
    from services.registry.indicators.defaults import seed_indicators

    seed_indicators(session, tuple(spec["code"] for spec in PROGRAMMES))
    _demo_indicator_values(session)
    session.commit()
    return {"organisations": len(organisations), "households": len(households), "enrolments": enrolled,
            "persons": session.query(Person).count(), "regions": regions,
            "indicators": session.query(Indicator).count(), **surveys}


def _demo_indicator_values(session: Session, months: int = 6) -> None:
    """Compute the last few months once, so the dashboard of a fresh demo has something to show."""
    from services.registry.core.periods import previous_month
    from services.registry.indicators.snapshots import compute_all
    from services.registry.models import IndicatorValue

    if session.query(IndicatorValue).count():
        return
    from services.common.db import utcnow

    now, month = utcnow(), previous_month(utcnow())
    for _ in range(months):
        compute_all(session, month, now, actor="seed-demo")
        month = previous_month(datetime(month.year, month.month, 1))
