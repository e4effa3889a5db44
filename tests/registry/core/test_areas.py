"""Areas: the Kemendagri code list, the scope every ORM statement gets, the area of new rows, and the
upgrade of a database of one village into its default desa."""
from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from services.common.db import make_engine
from services.registry import schema
from services.registry.core.areas import AreaCodeError, read_codes, upsert
from services.registry.core.models.areas import CURRENT_AREA, VISIBLE_AREAS
from services.registry.models import Area, Cycle, Entitlement, Household, Person, Programme

BIRTH = dt.date(1990, 1, 1)


@pytest.fixture
def two_villages(session):
    upsert(session, read_codes("kode,nama\n35,JAWA TIMUR\n35.26,KABUPATEN BANGKALAN\n35.26.04,KAMAL\n"
                               "35.26.04.2001,KAMAL\n35.26.04.2005,GILI ANYAR\n"))
    kamal, gili = (session.scalar(select(Area).where(Area.code == c)) for c in ("35.26.04.2001", "35.26.04.2005"))
    for area, kk, nik, name in ((kamal, "3526010101000001", "3526014101900001", "Siti Kamal"),
                                (gili, "3526010101000002", "3526014101900002", "Siti Gili")):
        household = Household(no_kk=kk, dusun="Pesisir", area_id=area.id)
        session.add(household)
        session.flush()
        session.add(Person(household_id=household.id, nik=nik, name=name, sex="P", birth_date=BIRTH))
    programme = Programme(code="BLT-DD", name="BLT Dana Desa", kind="tunai", area_id=kamal.id)
    session.add(programme)
    session.commit()
    return kamal, gili


def test_code_list_reads_levels_names_and_refuses_bad_lines():
    codes = read_codes("\ufeffkode;nama\n35.26;KABUPATEN BANGKALAN\n35.26.04.2005;GILI ANYAR\n")
    assert [(c.code, c.level, c.name, c.parent_code) for c in codes] == [
        ("35.26", "kabupaten", "Bangkalan", "35"), ("35.26.04.2005", "desa", "Gili Anyar", "35.26.04")]
    with pytest.raises(AreaCodeError, match="Baris 2: Kode wilayah '3526' bukan kode Kemendagri"):
        read_codes("kode,nama\n3526,BANGKALAN\n")
    with pytest.raises(AreaCodeError, match="induknya 35.26.04 tidak ada"):
        upsert_missing_parent()


def upsert_missing_parent():
    engine = make_engine("sqlite://")
    from services.registry.models import Base

    Base.metadata.create_all(engine)
    with Session(engine) as session:
        upsert(session, read_codes("kode,nama\n35.26.04.2005,GILI ANYAR\n"))


def test_scope_hides_other_villages_rows_in_selects_gets_relationships_and_updates(session, two_villages):
    kamal, gili = two_villages
    session.expunge_all()
    token = VISIBLE_AREAS.set((gili.id,))
    try:
        assert session.scalars(select(Person.name)).all() == ["Siti Gili"]
        assert session.scalar(select(func.count()).select_from(Household)) == 1
        assert session.get(Household, session.execute(text("SELECT min(id) FROM household")).scalar()) is None
        assert session.scalar(select(Programme)) is None  # Kamal's programme is not Gili Anyar's
        renamed = session.execute(update(Person).values(name="Diubah"))
        assert renamed.rowcount == 1
    finally:
        VISIBLE_AREAS.reset(token)
    assert sorted(session.scalars(select(Person.name))) == ["Diubah", "Siti Kamal"]


def test_new_rows_take_their_parents_area_then_the_requests_then_the_default(session, two_villages, monkeypatch):
    kamal, gili = two_villages
    programme = session.scalar(select(Programme))
    cycle = Cycle(programme=programme, name="Tahap 1")
    session.add(cycle)
    session.flush()
    assert cycle.area_id == kamal.id
    token = CURRENT_AREA.set(gili.id)
    try:
        household = Household(no_kk="3526010101000003")
        session.add(household)
        session.flush()
        assert household.area_id == gili.id
    finally:
        CURRENT_AREA.reset(token)
    monkeypatch.setenv("BANSOS_DEFAULT_DESA", "35.26.04.2005")
    other = Household(no_kk="3526010101000004")
    session.add(other)
    session.flush()
    assert other.area_id == gili.id


def test_entitlements_of_a_programme_above_the_village_show_each_village_its_own(session, two_villages):
    kamal, gili = two_villages
    kabupaten = session.scalar(select(Area).where(Area.code == "35.26"))
    programme = Programme(code="APBD-1", name="Bantuan Kabupaten", kind="tunai", area_id=kabupaten.id)
    cycle = Cycle(programme=programme, name="Tahap 1")
    session.add_all([programme, cycle])
    session.flush()
    for household in session.scalars(select(Household)):
        session.add(Entitlement(cycle_id=cycle.id, programme_id=programme.id, household_id=household.id,
                                amount=300000))
    session.commit()
    session.expunge_all()
    token = VISIBLE_AREAS.set((gili.id, kabupaten.id))
    try:
        assert session.scalar(select(Programme).where(Programme.code == "APBD-1")) is not None
        seen = session.scalars(select(Entitlement)).all()
        assert [e.household.no_kk for e in seen] == ["3526010101000002"]
    finally:
        VISIBLE_AREAS.reset(token)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_upgrade_of_one_village_keeps_every_row_in_the_default_desa(kind, tmp_var, request, monkeypatch):
    monkeypatch.delenv("BANSOS_DEFAULT_DESA", raising=False)
    url = f"sqlite:///{tmp_var / 'old.db'}" if kind == "sqlite" else request.getfixturevalue("pg").create("upgrade")
    command.upgrade(schema.config(url), "0016_quarter_keys")
    engine = make_engine(url)
    now = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    with engine.begin() as conn:
        for n in range(3):
            conn.execute(text("INSERT INTO household (no_kk, dusun, created_at, updated_at) VALUES (:kk, 'Pesisir', :t, :t)"),
                         {"kk": f"352601010100000{n}", "t": now})
        conn.execute(text("INSERT INTO programme (code, name, kind, status, payment_channel, created_at) "
                          "VALUES ('BLT-DD', 'BLT Dana Desa', 'tunai', 'aktif', 'tunai', :t)"), {"t": now})
    schema.upgrade(url)
    with engine.connect() as conn:
        areas = conn.execute(text("SELECT code, level, name FROM area ORDER BY id")).all()
        assert [tuple(a) for a in areas] == [("35", "provinsi", "Jawa Timur"), ("35.26", "kabupaten", "Bangkalan"),
                                             ("35.26.04", "kecamatan", "Kamal"), ("35.26.04.2001", "desa", "Kamal")]
        desa = conn.execute(text("SELECT id FROM area WHERE code = '35.26.04.2001'")).scalar()
        assert conn.execute(text("SELECT count(*), min(area_id), max(area_id) FROM household")).one() == (3, desa, desa)
        assert conn.execute(text("SELECT area_id FROM programme")).scalar() == desa
    engine.dispose()


def test_shipped_list_is_bangkalan_with_every_desa_under_one_of_its_kecamatan():
    from services.registry.core.areas import shipped_codes
    from services.registry.core.models.areas import DEFAULT_DESA

    codes = {c.code: c for c in shipped_codes()}
    levels = [c.level for c in codes.values()]
    assert (levels.count("provinsi"), levels.count("kabupaten"), levels.count("kecamatan")) == (1, 1, 18)
    desa = [c for c in codes.values() if c.level == "desa"]
    kelurahan = [c for c in desa if c.code.rsplit(".", 1)[1].startswith("1")]
    assert (len(desa) - len(kelurahan), len(kelurahan)) == (273, 8)
    assert len(codes) == len(shipped_codes())  # no code twice
    for item in desa:
        assert codes[item.parent_code].level == "kecamatan" and item.parent_code.startswith("35.26.")
    assert codes[DEFAULT_DESA].name == "Kamal" and codes["35.26.04"].name == "Kamal"
    assert codes["35.26.04.2005"].name == "Gili Anyar"
    assert codes["35.26"].name == "Bangkalan" and codes["35.26.01.1005"].name == "Kraton"
