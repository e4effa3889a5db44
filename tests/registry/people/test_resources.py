"""Skills registry as programme criteria, resources on the map, and the demo village's map data."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from services.registry.app import create_app
from services.registry.cli.demo.seed import seed_demo
from services.registry.models import Household, HouseholdWelfare, Person, PersonSkill, Region, VillageResource
from services.registry.people.coverage import coverage_by_area
from services.registry.people.geo import resource_collection
from services.registry.people.regions import import_regions
from services.registry.people.skills import persons_with_skill, persons_with_skill_query

TOKEN = "uji-token-keterampilan"


@pytest.fixture
def people(session):
    household = Household(no_kk="3526010101260001", dusun="Pesisir", rt="001", rw="001", desa="Kamal")
    other = Household(no_kk="3526010101260002", dusun="Tengah", rt="002", rw="001", desa="Kamal")
    session.add_all([household, other])
    session.flush()
    rows = [  # (household, nik, name, sex, skill, level, source)
        (household, "3526014101900001", "Siti Aminah", "P", "menjahit", "mahir", "pelatihan"),
        (household, "3526010101900002", "Moh. Hasan", "L", "menjahit", "menengah", "survei"),
        (other, "3526014202900003", "Sitti Fatimah", "P", "menjahit", "dasar", "survei"),
        (other, "3526014303900004", "Halimah", "P", "menenun", "mahir", "pelatihan"),
    ]
    for home, nik, name, sex, skill, level, source in rows:
        person = Person(household=home, nik=nik, name=name, sex=sex, birth_date=date(1990, 1, 1))
        session.add(person)
        session.flush()
        session.add(PersonSkill(person_id=person.id, skill=skill, level=level, source=source))
    session.commit()
    return session


def names(persons) -> list[str]:
    return [p.name for p in persons]


def test_women_with_sewing_skills_and_the_other_criteria(people):
    assert names(persons_with_skill(people, "menjahit", sex="P")) == ["Siti Aminah", "Sitti Fatimah"]
    assert names(persons_with_skill(people, "menjahit", min_level="menengah")) == ["Siti Aminah", "Moh. Hasan"]
    assert names(persons_with_skill(people, "menjahit", source="pelatihan")) == ["Siti Aminah"]
    assert names(persons_with_skill(people, "menjahit", dusun="Tengah")) == ["Sitti Fatimah"]
    # Composable as a subquery for the eligibility rules.
    ids = persons_with_skill_query("menenun").with_only_columns(Person.id)
    assert people.scalar(select(func.count()).select_from(Person).where(Person.id.in_(ids))) == 1
    with pytest.raises(ValueError, match="Kode keterampilan 'terbang'"):
        persons_with_skill(people, "terbang")
    with pytest.raises(ValueError, match="Tingkat 'ahli'"):
        persons_with_skill(people, "menjahit", min_level="ahli")


def test_skills_api_needs_the_token_and_masks_on_request(people, registry_url):
    app = create_app({"TESTING": True, "DATABASE_URL": registry_url, "SERVICE_TOKEN": TOKEN})
    client = app.test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/api/skills/persons?skill=menjahit").status_code == 401
    body = client.get("/api/skills/persons?skill=menjahit&sex=P", headers=auth).get_json()
    assert [p["nik"] for p in body["persons"]] == ["3526014101900001", "3526014202900003"]
    masked = client.get("/api/skills/persons?skill=menjahit&sex=P&mask=1", headers=auth).get_json()
    assert masked["persons"][0]["nik"] == "3526\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u20220001"
    bad = client.get("/api/skills/persons?skill=terbang", headers=auth)
    assert bad.status_code == 400 and "tidak dikenal" in bad.get_json()["error"]
    app.extensions["database"].engine.dispose()


def test_resources_sit_at_their_point_or_their_area_centre(session):
    import_regions(session, {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "kind": "desa", "code": "K", "name": "Kamal"}, "geometry": {"type": "Polygon", "coordinates": [
            [[112.70, -7.17], [112.74, -7.17], [112.74, -7.15], [112.70, -7.15], [112.70, -7.17]]]}}]}, "penguji")
    region = session.scalars(select(Region)).one()
    session.add_all([VillageResource(kind="fasilitas", name="Balai", latitude=-7.16, longitude=112.72),
                     VillageResource(kind="perikanan", name="Dermaga", region=region),
                     VillageResource(kind="lainnya", name="Tanpa lokasi")])
    session.commit()
    features = {f["properties"]["name"]: f["geometry"]["coordinates"] for f in resource_collection(session)["features"]}
    assert features == {"Balai": [112.72, -7.16], "Dermaga": [region.centroid_lon, region.centroid_lat]}


@pytest.fixture
def sqlite_session(tmp_var):
    # SQLite only: seed-demo is slow on PostgreSQL, and the admin tests seed it there already.
    from sqlalchemy.orm import Session

    from services.common.db import make_engine
    from services.registry import schema

    url = f"sqlite:///{tmp_var / 'registry.db'}"
    schema.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_seed_demo_loads_the_map_data_once(sqlite_session):
    session = sqlite_session
    for _ in range(2):
        counts = seed_demo(session)
    assert counts["regions"] == 5
    total = {model.__name__: session.scalar(select(func.count()).select_from(model))
             for model in (Region, HouseholdWelfare, VillageResource)}
    assert total == {"Region": 5, "HouseholdWelfare": 300, "VillageResource": 8}
    assert 50 < session.scalar(select(func.count()).select_from(PersonSkill)) < 300
    rows = {row["area"]: row for row in coverage_by_area(session, "dusun")}
    assert set(rows) == {"Kamal Barat", "Kamal Timur", "Pesisir", "Tengah"}
    assert all(row["code"] and row["households"] > 50 for row in rows.values())
    assert rows["Pesisir"]["gap_rate"] > rows["Tengah"]["gap_rate"]  # the contrast the demo map shows
