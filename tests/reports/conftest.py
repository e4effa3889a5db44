"""Reports fixtures: a registry database with one programme and a few enrolled households."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from services.common.db import make_engine
from services.registry import schema as registry_schema
from services.registry.models import Enrolment, Household, Organisation, Person, Programme, ProgrammePartner
from services.reports import schema as reports_schema

DUSUN = ("Dusun Krajan", "Dusun Tlaga")
FULL_NIKS = [f"352601{410 + i:04d}90{i:04d}"[:16] for i in range(6)]


def fill_registry(url: str) -> int:
    """Insert two organisations, one active programme and six enrolled households; return the programme id."""
    engine = make_engine(url)
    with Session(engine) as session:
        desa = Organisation(name="Pemerintah Desa Kamal", kind="desa")
        lsm = Organisation(name="Yayasan Madura Sejahtera", kind="lsm")
        programme = Programme(code="BLT-DD-2026", name="BLT Dana Desa 2026", kind="tunai",
                              benefit_amount=Decimal("300000"), status="aktif")
        programme.partners = [ProgrammePartner(organisation=desa, role="penyandang_dana"),
                              ProgrammePartner(organisation=lsm, role="pelaksana")]
        session.add(programme)
        for i, nik in enumerate(FULL_NIKS):
            household = Household(no_kk=f"35260112{i:04d}0001", rt=f"00{i % 3 + 1}", rw="001", dusun=DUSUN[i % 2],
                                  desa="Kamal")
            person = Person(nik=nik, name=f"Penerima Nomor {i}", sex="L", birth_date=date(1980, 1, 1),
                            relationship_to_head="KEPALA KELUARGA", phone="+6281234500" + str(i))
            household.members.append(person)
            session.add(Enrolment(programme=programme, household=household, recipient=person, status="aktif"))
        session.commit()
        programme_id = programme.id
    engine.dispose()
    return programme_id


def migrated_databases(request, tmp_var) -> tuple[str, str]:
    """(registry_url, reports_url) for the fixture's param ("sqlite" or "postgres"), both migrated."""
    if request.param == "sqlite":
        registry_url, reports_url = f"sqlite:///{tmp_var / 'registry.db'}", f"sqlite:///{tmp_var / 'reports.db'}"
    else:
        pg = request.getfixturevalue("pg")
        registry_url, reports_url = pg.create("registry"), pg.create("reports")
    registry_schema.upgrade(registry_url)
    reports_schema.upgrade(reports_url)
    return registry_url, reports_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def databases(request, tmp_var):
    """(registry_url, reports_url, programme_id) on SQLite or real PostgreSQL, both migrated."""
    registry_url, reports_url = migrated_databases(request, tmp_var)
    return registry_url, reports_url, fill_registry(registry_url)


@pytest.fixture
def reports_app(databases, tmp_var):
    from services.reports.app import create_app

    registry_url, reports_url, _ = databases
    return create_app({"DATABASE_URL": reports_url, "REGISTRY_READ_URL": registry_url,
                       "REPORTS_STORE": str(tmp_var / "reports"), "SERVICE_TOKEN": "rahasia-uji"})
