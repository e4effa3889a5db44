"""The registry commands as a user runs them: `.venv/bin/bansos import-roster`, `demo-roster`, `seed-demo`."""
from __future__ import annotations

import csv

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.common.db import make_engine
from services.registry import schema
from services.registry.models import (
    Area,
    Enrolment,
    Household,
    Indicator,
    IndicatorValue,
    Organisation,
    Person,
    Programme,
)
from tests.helpers.cli import bansos


@pytest.fixture
def pg_registry(pg):
    url = pg.create("registry_cli")
    schema.upgrade(url)
    return url


@pytest.mark.postgres
def test_import_roster_prints_the_summary_and_writes_the_report_next_to_the_file(pg_registry, tmp_var, tmp_path):
    roster = tmp_path / "kamal.csv"
    made = bansos("demo-roster", str(roster), "--households", "40", "--invalid", "11", url=pg_registry, var=tmp_var)
    assert made.returncode == 0, made.stderr
    with roster.open(encoding="utf-8") as handle:
        total = sum(1 for _ in handle) - 1
    first = bansos("import-roster", str(roster), "--actor", "operator", url=pg_registry, var=tmp_var)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0] == f"imported {total - 11}, updated 0, rejected 11"
    assert lines[1] == "unchanged 0"
    report = tmp_path / "kamal.ditolak.csv"
    assert lines[2] == f"rejection report: {report}"
    with report.open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.reader(handle))) == 12
    again = bansos("import-roster", str(roster), url=pg_registry, var=tmp_var)
    assert again.stdout.splitlines()[:2] == ["imported 0, updated 0, rejected 11", f"unchanged {total - 11}"]


@pytest.mark.postgres
def test_import_roster_exits_2_for_an_unreadable_file(pg_registry, tmp_var, tmp_path):
    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"bukan xlsx")
    result = bansos("import-roster", str(broken), url=pg_registry, var=tmp_var)
    assert result.returncode == 2
    assert "Impor gagal" in result.stderr and "XLSX tidak dapat dibaca" in result.stderr


def test_seed_demo_is_idempotent_and_builds_the_shared_demo_village(tmp_var):
    url = f"sqlite:///{tmp_var / 'registry.db'}"
    schema.upgrade(url)
    for _ in range(2):
        result = bansos("seed-demo", url=url, var=tmp_var)
        assert result.returncode == 0, result.stderr
    engine = make_engine(url)
    with Session(engine) as session:
        def total(model):
            return session.execute(select(func.count()).select_from(model)).scalar_one()

        kamal, gili = (session.scalar(select(Area.id).where(Area.code == code))
                       for code in ("35.26.04.2001", "35.26.04.2005"))

        def households_of(area_id):
            return session.scalar(select(func.count(Household.id)).where(Household.area_id == area_id))

        assert (households_of(kamal), households_of(gili), total(Household)) == (300, 30, 330)
        assert total(Organisation) == 4
        assert 900 < total(Person) < 1400
        codes = {p.code: p for p in session.execute(select(Programme)).scalars()}
        assert set(codes) == {"BLT-DD-2026", "SEMBAKO-CSR-2026", "BLT-DD-GILI-2026", "BANSOS-KAB-2026"}
        blt = {e.household_id for e in codes["BLT-DD-2026"].enrolments}
        sembako = {e.household_id for e in codes["SEMBAKO-CSR-2026"].enrolments}
        assert (len(blt), len(sembako), blt & sembako) == (60, 40, set())
        # The kabupaten programme spans both villages; Gili Anyar's BLT only its own.
        county = {e.household.area_id for e in codes["BANSOS-KAB-2026"].enrolments}
        assert county == {kamal, gili} and {e.household.area_id for e in codes["BLT-DD-GILI-2026"].enrolments} == {gili}
        assert total(Enrolment) == 120
        dusun = {(area, name) for area, name in session.execute(select(Household.area_id, Household.dusun))}
        assert len({name for area, name in dusun if area == kamal}) == 4
        assert (kamal, "Pesisir") in dusun and (gili, "Pesisir") in dusun
        # Default indicators: 7 village-wide + 3 per programme, seeded once with a few months of values.
        assert total(Indicator) == 13 and total(IndicatorValue) > 0
        lats = session.execute(select(func.min(Household.latitude), func.max(Household.latitude))).one()
        assert -7.2 < lats[0] < lats[1] < -7.1
    engine.dispose()
