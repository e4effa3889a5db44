"""The annual kabupaten report on two villages (Kamal and Gili Anyar, SQLite and PostgreSQL): figures per
kecamatan and desa, small counts suppressed, a kabupaten programme paying both villages, reproducible hash."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.db import make_engine
from services.registry.core.areas import read_codes, upsert
from services.registry.models import (
    Area,
    Complaint,
    Cycle,
    CyclePlan,
    Entitlement,
    FundingSource,
    Household,
    Indicator,
    IndicatorValue,
    Person,
    Programme,
)
from tests.reports.conftest import migrated_databases
from tests.reports.periodic_fixtures import append_at
from tests.reports.test_periodic import generate, table_of

KAMAL, GILI, KECAMATAN = "35.26.04.2001", "35.26.04.2005", "35.26.04"
JAN = datetime(2026, 1, 5, tzinfo=UTC)


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _village(session, area_id, prefix, count):
    households = []
    for i in range(count):
        household = Household(no_kk=f"{prefix}{i:04d}0001", rt="001", rw="001", dusun="Pesisir", area_id=area_id,
                              created_at=JAN)
        household.members.append(Person(nik=f"{prefix}{i:04d}0001"[:16], name=f"Warga {prefix} {i}", sex="P",
                                        birth_date=date(1980, 1, 1), relationship_to_head="KEPALA KELUARGA"))
        households.append(household)
    session.add_all(households)
    return households


def _cycle(session, programme, source, households, amount):
    cycle = Cycle(programme=programme, name=f"{programme.code} Maret", status="disetujui",
                  approved_by="kepala_desa", approved_at=_at(2026, 3, 1))
    session.add(CyclePlan(cycle=cycle, funding_source=source, benefit_amount=amount,
                          approved_total=amount * len(households), approved_count=len(households)))
    cycle.entitlements = [Entitlement(programme=programme, household=h, amount=amount, created_at=_at(2026, 3, 1),
                                      snapshot={"dusun": h.dusun, "no_kk": h.no_kk}) for h in households]
    session.flush()
    return cycle


def _pay(session, cycle, entitlements, moment):
    for entitlement in entitlements:
        append_at(session, moment, cycle_id=cycle.id, entitlement_id=entitlement.id, event="paid",
                  amount=entitlement.amount)


def fill_two_villages(url: str) -> dict:
    """Kamal: 6 KK, BLT-DD Rp3.600.000 paid to 6 x Rp300.000, 6 complaints (5 closed in 2 days).
    Gili Anyar: 3 KK, its own BLT-DD Rp1.200.000 paid to 2 x Rp300.000, 1 open complaint.
    Kabupaten APBD programme (Rp10.000.000): Rp500.000 to one household of each village."""
    engine = make_engine(url)
    with Session(engine) as session:
        upsert(session, read_codes(f"kode,nama\n35,JAWA TIMUR\n35.26,KABUPATEN BANGKALAN\n{KECAMATAN},KAMAL\n"
                                   f"{KAMAL},KAMAL\n{GILI},GILI ANYAR\n"))
        ids = {code: session.scalar(select(Area.id).where(Area.code == code)) for code in (KAMAL, GILI, "35.26")}
        kamal, gili = _village(session, ids[KAMAL], "35260101", 6), _village(session, ids[GILI], "35260102", 3)
        cycles = {}
        for code, area, budget, households in ((KAMAL, ids[KAMAL], "3600000", kamal), (GILI, ids[GILI], "1200000", gili)):
            programme = Programme(code="BLT-DD-2026", name="BLT Dana Desa 2026", kind="tunai", area_id=area)
            source = FundingSource(programme=programme, name="Dana Desa 2026", kind="dana_desa",
                                   budget=Decimal(budget), fiscal_year=2026, created_at=JAN)
            session.add_all([programme, source])
            cycles[code] = _cycle(session, programme, source, households, 300000)
        apbd = Programme(code="APBD-2026", name="Bantuan APBD Kabupaten", kind="tunai", area_id=ids["35.26"])
        apbd_source = FundingSource(programme=apbd, name="APBD 2026", kind="apbd", budget=Decimal("10000000"),
                                    fiscal_year=2026, created_at=JAN)
        session.add_all([apbd, apbd_source])
        cycles["apbd"] = _cycle(session, apbd, apbd_source, [kamal[0], gili[0]], 500000)
        _pay(session, cycles[KAMAL], cycles[KAMAL].entitlements, _at(2026, 3, 10, 3))
        _pay(session, cycles[GILI], cycles[GILI].entitlements[:2], _at(2026, 3, 11, 3))
        _pay(session, cycles["apbd"], cycles["apbd"].entitlements, _at(2026, 4, 1, 3))
        for n in range(7):
            area, closed = (ids[KAMAL], _at(2026, 5, 3, 3) if n < 5 else None) if n < 6 else (ids[GILI], None)
            session.add(Complaint(tracking_code=f"ADU-{n:04d}", channel="web", category="penyaluran",
                                  title="Bantuan belum diterima", body="-", area_id=area,
                                  received_at=_at(2026, 5, 1, 3), closed_at=closed,
                                  status="selesai" if closed else "baru", recorded_by="operator"))
        indicator = Indicator(code="SERAPAN", name="Serapan anggaran", computation="serapan", unit="%",
                              granularity="tahun", area_id=ids[KAMAL])
        session.add(indicator)
        session.flush()
        session.add(IndicatorValue(indicator_id=indicator.id, period="2026", period_start=date(2026, 1, 1),
                                   period_end=date(2027, 1, 1), value=Decimal("50.0"), area_id=ids[KAMAL]))
        session.commit()
        ids["kamal_cycle"] = cycles[KAMAL].id
        ids["kamal_entitlement"] = cycles[KAMAL].entitlements[0].id
    engine.dispose()
    return ids


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def kabupaten(request, tmp_var):
    from services.reports.app import create_app

    registry_url, reports_url = migrated_databases(request, tmp_var)
    ids = fill_two_villages(registry_url)
    app = create_app({"DATABASE_URL": reports_url, "REGISTRY_READ_URL": registry_url,
                      "REPORTS_STORE": str(tmp_var / "reports"), "SERVICE_TOKEN": "rahasia-uji",
                      "CELERY_BROKER_URL": "memory://"})
    yield app, registry_url, ids
    app.extensions["database"].engine.dispose()


def test_figures_per_desa_and_kecamatan(kabupaten):
    app, _url, _ids = kabupaten
    run = generate(app, "uji:kab:2026", "tahunan_kabupaten", formats=("pdf", "xlsx", "csv"), period="2026")
    assert run.status == "selesai", run.error
    desa = {row[1]: row for row in table_of(run.figures, "per_desa")}
    # Kecamatan, kode, desa, KK terdaftar, penerima, tersalur tahun ini, s.d. akhir, anggaran desa, serapan,
    # pengaduan diterima, selesai, terbuka, median hari
    assert desa[KAMAL] == ["Kamal", KAMAL, "Kamal", 6, 6, 2_300_000, 2_300_000, 3_600_000, 50.0, 6, 5, "< 5", 2.0]
    assert desa[GILI] == ["Kamal", GILI, "Gili Anyar", "< 5", "< 5", 1_100_000, 1_100_000, 1_200_000, 50.0,
                          "< 5", 0, "< 5", None]
    kecamatan = table_of(run.figures, "per_kecamatan")
    assert kecamatan == [[KECAMATAN, "Kamal", 2, 9, 8, 3_400_000, 3_400_000, 4_800_000, 50.0, 7, 5, "< 5", 2.0]]
    per_programme = {(row[0], row[2]): row for row in table_of(run.figures, "per_desa_program")}
    assert per_programme[(KAMAL, "APBD-2026 - Bantuan APBD Kabupaten")][4:] == ["< 5", 500_000]
    assert per_programme[(GILI, "BLT-DD-2026 - BLT Dana Desa 2026")][4:] == ["< 5", 600_000]
    # Two villages' "Pesisir" are two places.
    assert [row[:3] for row in table_of(run.figures, "per_dusun")] == [[KAMAL, "Kamal", "Pesisir"],
                                                                        [GILI, "Gili Anyar", "Pesisir"]]
    assert table_of(run.figures, "indikator_per_desa") == [[KAMAL, "Kamal", "SERAPAN - Serapan anggaran", "2026",
                                                            50.0, "%"]]
    assert {a.format for a in run.artifacts} >= {"pdf", "xlsx", "csv"}


def test_the_same_year_gives_the_same_hash_after_later_work(kabupaten):
    app, url, ids = kabupaten
    first = generate(app, "uji:kab:a", "tahunan_kabupaten", formats=("csv",), period="2026")
    engine = make_engine(url)
    with Session(engine) as session:
        append_at(session, _at(2027, 1, 5, 3), cycle_id=ids["kamal_cycle"], entitlement_id=ids["kamal_entitlement"],
                  event="returned", amount=300000)
        session.add(Complaint(tracking_code="ADU-2027", channel="web", category="penyaluran", title="-", body="-",
                              area_id=ids[GILI], received_at=_at(2027, 1, 6), status="baru", recorded_by="operator"))
        session.commit()
    engine.dispose()
    second = generate(app, "uji:kab:b", "tahunan_kabupaten", formats=("csv",), period="2026")
    assert second.figures_sha256 == first.figures_sha256 and len(first.figures_sha256) == 64
