"""A registry for the public site: one approved cycle (frozen snapshots), one draft cycle that must never leak."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from services.common.db import make_engine
from services.registry.models import Cycle, Entitlement, Household, Organisation, Person, Programme, ProgrammePartner

NAMES = ["MOH. HASAN BASRI", "SITI AMINAH", "ABDUL ROCHIM", "SITTI KHOLIFAH", "MUHAMMAD FAUZI", "NUR HAYATI",
         "SLAMET RIYADI"]
DRAFT_NAMES = ["RAHASIA DRAFT SATU", "RAHASIA DRAFT DUA"]


@dataclass
class PublicIds:
    programme_id: int
    approved_cycle_id: int
    draft_cycle_id: int


def _household(i: int, name: str) -> tuple[Household, Person]:
    nik = f"352601{(i % 28) + 1:02d}0380{i + 1:04d}"
    household = Household(no_kk=f"352601020320{i:04d}", address=f"Jl. Raya Kamal Gang {i} No. {10 + i}",
                          rt="001" if i < 5 else "002", rw="002",
                          dusun="Dusun Krajan" if i < len(NAMES) else "Dusun Tlaga",
                          desa="Kamal")
    person = Person(nik=nik, name=name, sex="L", birth_date=date(1980, 3, (i % 28) + 1),
                    relationship_to_head="KEPALA KELUARGA", phone=f"+62812345{i:05d}")
    household.members.append(person)
    return household, person


def _snapshot(household: Household, person: Person) -> dict:
    return {"name": person.name, "nik": person.nik, "no_kk": household.no_kk, "rt": household.rt,
            "rw": household.rw, "dusun": household.dusun}


def fill_public_registry(url: str) -> PublicIds:
    engine = make_engine(url)
    with Session(engine) as session:
        programme = Programme(code="BLT-DD-2027", name="BLT Dana Desa 2027", kind="tunai",
                              benefit_amount=Decimal("300000"), status="aktif")
        programme.partners = [ProgrammePartner(organisation=Organisation(name="Pemerintah Desa Kamal", kind="desa"),
                                               role="penyandang_dana")]
        approved = Cycle(programme=programme, name="Januari 2027", status="disetujui",
                         period_start=date(2027, 1, 1), period_end=date(2027, 1, 31), approved_by="kades")
        draft = Cycle(programme=programme, name="Februari 2027", status="musyawarah")
        session.add_all([programme, approved, draft])
        for i, name in enumerate(NAMES):
            household, person = _household(i, name)
            session.add(household)
            session.flush()
            session.add(Entitlement(cycle=approved, programme=programme, household=household, recipient=person,
                                    amount=Decimal("300000"), status="disalurkan" if i < 4 else "menunggu",
                                    snapshot=_snapshot(household, person)))
        for j, name in enumerate(DRAFT_NAMES, start=len(NAMES)):
            household, person = _household(j, name)
            session.add(household)
            session.flush()
            session.add(Entitlement(cycle=draft, programme=programme, household=household, recipient=person,
                                    amount=Decimal("300000"), snapshot=_snapshot(household, person)))
        session.commit()
        ids = PublicIds(programme.id, approved.id, draft.id)
    engine.dispose()
    return ids
