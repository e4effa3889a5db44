"""A second fake village beside Desa Kamal: Desa Gili Anyar of the same kecamatan, with its own dusun
"Pesisir" (same name as Kamal's), its own BLT Dana Desa and a kabupaten programme spanning both.

Shows what one install per kabupaten means: each village's staff see only their village, a
campaign to "Pesisir" of one village never reaches the other's, and a kabupaten programme is read
by each village with only its own recipients."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.cli.demo.people import PeopleFactory
from services.registry.cli.demo.seed import get_or_add
from services.registry.core.areas import default_desa_code, shipped_codes, upsert
from services.registry.models import Area, Enrolment, Household, Organisation, Person, Programme, ProgrammePartner

GILI_ANYAR = "35.26.04.2005"
KABUPATEN = "35.26"
HOUSEHOLDS = 30
SEED = 20260202
SERIALS = range(2000, 2600)  # disjoint from Kamal's (seed.py): no NIK or KK of both villages collides
DUSUN = {"Pesisir": (-7.132, 112.748), "Gili Barat": (-7.128, 112.740), "Gili Timur": (-7.130, 112.756)}
ORGANISATION = "Pemerintah Desa Gili Anyar"
BLT = {"code": "BLT-DD-GILI-2026", "name": "BLT Dana Desa Gili Anyar 2026", "kind": "tunai",
       "benefit_amount": Decimal("300000"),
       "description": "Bantuan langsung tunai dari Dana Desa Gili Anyar (data contoh)."}
KABUPATEN_PROGRAMME = {"code": "BANSOS-KAB-2026", "name": "Bantuan Sosial Kabupaten Bangkalan 2026",
                       "kind": "barang", "benefit_amount": None,
                       "description": "Program APBD kabupaten untuk beberapa desa (data contoh)."}


def _area(session: Session, code: str) -> Area:
    area = session.scalar(select(Area).where(Area.code == code))
    if area is None:
        wanted = {code, *(code.rsplit(".", n)[0] for n in range(1, code.count(".") + 1))}
        upsert(session, [c for c in shipped_codes() if c.code in wanted])
        area = session.scalar(select(Area).where(Area.code == code))
    return area


def _programme(session: Session, spec: dict, area: Area) -> Programme:
    values = {k: v for k, v in spec.items() if k != "code"}
    return get_or_add(session, Programme, {"code": spec["code"], "area_id": area.id}, **values,
                       period_start=date(2026, 1, 1), period_end=date(2026, 12, 31), status="aktif")


def _enrol(session: Session, programme: Programme, households: list[Household]) -> int:
    for household in households:
        session.refresh(household, ["members"])
        get_or_add(session, Enrolment, {"programme_id": programme.id, "household_id": household.id},
                    recipient_id=household.head.id if household.head else None, status="aktif",
                    enrolled_on=date(2026, 1, 5))
    return len(households)


def seed_gili_anyar(session: Session) -> dict[str, int]:
    """Desa Gili Anyar with its households, and the kabupaten programme over both villages; idempotent."""
    gili, kabupaten = _area(session, GILI_ANYAR), _area(session, KABUPATEN)
    gili.head_title = gili.head_title or "Kepala Desa"
    gili.sms_sender = gili.sms_sender or "DesaGiliAny"
    organisation = get_or_add(session, Organisation, {"name": ORGANISATION, "area_id": gili.id}, kind="desa")
    factory = PeopleFactory(SEED, SERIALS, dusun=DUSUN)
    households = []
    for number in range(1, HOUSEHOLDS + 1):
        fake = factory.household(number)
        household = get_or_add(
            session, Household, {"no_kk": fake.no_kk}, address=fake.address, rt=fake.rt, rw=fake.rw,
            dusun=fake.dusun, desa="Gili Anyar", kecamatan="Kamal", kabupaten="Bangkalan", area_id=gili.id,
            latitude=fake.latitude, longitude=fake.longitude)
        for member in fake.members:
            get_or_add(
                session, Person, {"household_id": household.id, "nik": member.nik}, name=member.name,
                sex=member.sex, birth_date=member.birth_date, birth_place=member.birth_place,
                relationship_to_head=member.relationship, occupation=member.occupation,
                education=member.education, phone=("+62" + member.phone[1:]) if member.phone else None)
        households.append(household)
    blt = _programme(session, BLT, gili)
    get_or_add(session, ProgrammePartner, {"programme_id": blt.id, "organisation_id": organisation.id,
                                            "role": "penyandang_dana"})
    enrolled = _enrol(session, blt, households[:10])
    county = _programme(session, KABUPATEN_PROGRAMME, kabupaten)
    kamal_id = session.scalar(select(Area.id).where(Area.code == default_desa_code()))
    kamal = list(session.scalars(select(Household).where(Household.area_id == kamal_id)
                                 .order_by(Household.id).offset(200).limit(5)))
    enrolled += _enrol(session, county, kamal + households[10:15])
    session.commit()
    return {"households_gili_anyar": len(households), "enrolments_gili_anyar": enrolled}
