"""A registry where one man stands in two KKs and collects from two programmes: the double receipt to catch."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.models import (
    Cycle,
    Enrolment,
    Entitlement,
    Household,
    Organisation,
    Person,
    Programme,
    ProgrammePartner,
)
from services.registry.people.dedup.store import run_dedup
from tests.registry.people.dedup_data import tricky_registry


def double_receipt_registry(session: Session) -> dict:
    ids = tricky_registry(session)
    lsm = Organisation(name="Yayasan Madura Sejahtera", kind="lsm")
    csr = Organisation(name="PT Garam Bangkalan Lestari", kind="csr")
    blt = Programme(code="BLT-DD", name="BLT Dana Desa", kind="tunai", benefit_amount=Decimal(300000))
    sembako = Programme(code="SEMBAKO", name="Paket Sembako CSR", kind="barang")
    session.add_all([lsm, csr, blt, sembako])
    session.flush()
    session.add_all([ProgrammePartner(programme_id=blt.id, organisation_id=lsm.id, role="pelaksana"),
                     ProgrammePartner(programme_id=sembako.id, organisation_id=csr.id, role="penyandang_dana")])
    jan = Cycle(programme_id=blt.id, name="BLT Januari 2027", period_start=date(2027, 1, 1), status="disetujui")
    feb = Cycle(programme_id=blt.id, name="BLT Februari 2027", period_start=date(2027, 2, 1), status="disetujui")
    sem = Cycle(programme_id=sembako.id, name="Sembako Januari 2027", period_start=date(2027, 1, 1),
                status="selesai")
    session.add_all([jan, feb, sem])
    session.flush()
    rofii, copy = ids["Moh. Rofi'i"], ids["Mohammad Rofii"]
    h1, h2 = (session.get(Person, pid).household_id for pid in (rofii, copy))
    session.add_all([
        Enrolment(programme_id=blt.id, household_id=h1, recipient_id=rofii, enrolled_on=date(2027, 1, 1)),
        Enrolment(programme_id=sembako.id, household_id=h2, recipient_id=copy),
        Entitlement(cycle_id=jan.id, programme_id=blt.id, household_id=h1, recipient_id=rofii,
                    amount=Decimal(300000), status="disalurkan"),
        Entitlement(cycle_id=feb.id, programme_id=blt.id, household_id=h1, recipient_id=rofii,
                    amount=Decimal(300000), status="menunggu"),
        Entitlement(cycle_id=sem.id, programme_id=sembako.id, household_id=h2, recipient_id=copy,
                    package="beras 10 kg", channel="barang", status="disalurkan"),
    ])
    session.commit()
    run_dedup(session)
    nik = session.get(Person, rofii).nik
    kk1, kk2 = (session.get(Household, h).no_kk for h in (h1, h2))
    other_kk = session.execute(select(Household.no_kk).where(Household.id.notin_([h1, h2]))).scalars().first()
    return {"nik": nik, "kk1": kk1, "kk2": kk2, "other_kk": other_kk, "lsm": lsm.id, "csr": csr.id,
            "blt": blt.id, "sembako": sembako.id}
