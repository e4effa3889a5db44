"""Coverage-gap analysis on known data, and the map GeoJSON: exact for staff (service token),
suppressed below 5 for the public endpoint, which never carries a household point or identifier."""
from __future__ import annotations

import json

import pytest

from services.registry.app import create_app
from services.registry.models import Enrolment, Household, HouseholdWelfare, Programme
from services.registry.people.coverage import NeedRule, coverage_by_area, suppress_small
from services.registry.people.regions import import_regions

TOKEN = "uji-token-peta"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
COUNT_FIELDS = ("households", "scored", "needy", "not_needy", "enrolled", "needy_not_enrolled", "enrolled_not_needy")


def square(lon, lat, size=0.01):
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size],
                                                [lon, lat + size], [lon, lat]]]}


# (dusun as typed, rt, band, dtsen_desil, enrolment: None / "aktif" / "berhenti" / "selesai-programme")
UTARA = [("Utara", "1", "miskin", None, "aktif")] * 3 + [
    ("Utara", "1", "miskin", None, "selesai-programme"), ("Utara", "1", "miskin", None, "berhenti"),
    ("Utara", "2", "miskin", None, None), ("Utara", "2", "miskin", None, None), ("Utara", "2", "miskin", None, None),
    ("Utara", "2", "tidak_miskin", None, "aktif"), ("Utara", "2", "tidak_miskin", None, "aktif"),
    ("Utara", "2", "tidak_miskin", None, None), ("Utara", "2", "tidak_miskin", None, None),
    ("Utara", "2", None, None, "aktif"),  # not scored yet
    ("UTARA", "2", "rentan", 3, None),  # needy by DTSEN desil, typed in capitals
    ("Utara", "2", "7", None, None), ("Utara", "2", "2", None, None),  # desil-like bands
]
SELATAN = [("selatan", "003", "miskin", None, None), ("Selatan", "3", "miskin", None, None),
           ("Selatan", "3", "tidak_miskin", None, None)]
NOWHERE = [("Tak Terdaftar", "1", "miskin", None, None)]
RULE = NeedRule(frozenset({"miskin"}), 4)


@pytest.fixture
def village(session):
    import_regions(session, {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": square(112.70, -7.18, 0.04),
         "properties": {"kind": "desa", "code": "K", "name": "Kamal"}},
        *[{"type": "Feature", "geometry": square(112.70 + i * 0.01, -7.17), "properties":
           {"kind": "dusun", "code": f"K-{name}", "name": name, "parent_code": "K"}}
          for i, name in enumerate(("Utara", "Selatan", "Kosong"))],
    ]}, actor="penguji")
    active = Programme(code="BLT", name="BLT", kind="tunai", status="aktif")
    finished = Programme(code="LAMA", name="Program lama", kind="barang", status="selesai")
    session.add_all([active, finished])
    for number, (dusun, rt, band, desil, enrolment) in enumerate(UTARA + SELATAN + NOWHERE, start=1):
        household = Household(no_kk=f"3526010101{number:06d}", dusun=dusun, rt=rt, rw="1", desa="Kamal",
                              address=f"Jl. Rahasia No. {number}", latitude=-7.16 + number / 10000,
                              longitude=112.71 + number / 10000)
        session.add(household)
        session.flush()
        if band or desil:
            session.add(HouseholdWelfare(household_id=household.id, band=band, dtsen_desil=desil))
        if enrolment:
            programme = finished if enrolment == "selesai-programme" else active
            session.add(Enrolment(programme=programme, household=household,
                                  status="berhenti" if enrolment == "berhenti" else "aktif"))
    session.commit()
    return session


def by_area(rows):
    return {row["area"]: row for row in rows}


def test_coverage_per_dusun_counts_the_gap_and_the_inclusion_errors(village):
    rows = by_area(coverage_by_area(village, "dusun", RULE))
    utara = rows["Utara"]
    assert {k: utara[k] for k in COUNT_FIELDS} == {
        "households": 16, "scored": 15, "needy": 10, "not_needy": 5, "enrolled": 6,
        "needy_not_enrolled": 7, "enrolled_not_needy": 2}
    assert utara["code"] == "K-Utara" and utara["gap_rate"] == 0.7
    assert {k: rows["Selatan"][k] for k in ("households", "needy", "needy_not_enrolled", "code")} == {
        "households": 3, "needy": 2, "needy_not_enrolled": 2, "code": "K-Selatan"}
    assert rows["Kosong"]["households"] == 0 and rows["Kosong"]["code"] == "K-Kosong"
    assert rows["Tak Terdaftar"]["code"] is None and rows["Tak Terdaftar"]["needy_not_enrolled"] == 1
    assert [row["area"] for row in coverage_by_area(village, "dusun", RULE)][0] == "Utara"  # worst gap first


def test_coverage_per_rt_groups_typed_variants_together(village):
    rows = by_area(coverage_by_area(village, "rt", RULE))
    assert rows["Selatan / RW 001 / RT 003"]["households"] == 3  # "003" and "3", "selatan" and "Selatan"
    assert rows["Utara / RW 001 / RT 001"]["needy_not_enrolled"] == 2
    assert sum(row["households"] for row in rows.values()) == 20


def test_the_need_threshold_is_configuration(village, monkeypatch):
    monkeypatch.setenv("REGISTRY_NEEDY_MAX_DESIL", "2")
    utara = by_area(coverage_by_area(village, "dusun"))["Utara"]
    assert utara["needy"] == 9  # the DTSEN desil 3 household is no longer needy
    with pytest.raises(ValueError, match="Tingkat wilayah 'kota'"):
        coverage_by_area(village, "kota")


def test_suppression_hides_every_count_below_five():
    row = {"level": "dusun", "area": "X", "households": 12, "scored": 4, "needy": 7, "not_needy": 0, "enrolled": 5,
           "needy_not_enrolled": 3, "enrolled_not_needy": 5, "gap_rate": 0.43}
    safe = suppress_small(row)
    assert (safe["households"], safe["scored"], safe["not_needy"], safe["needy_not_enrolled"]) == (12, None, None, None)
    assert safe["scored_text"] == "<5" and safe["households_text"] == "12"
    assert safe["gap_rate"] is None  # 3/7 would give the hidden 3 back


@pytest.fixture
def client(village, registry_url, monkeypatch):
    monkeypatch.setenv("REGISTRY_NEEDY_MAX_DESIL", "4")
    app = create_app({"TESTING": True, "DATABASE_URL": registry_url, "SERVICE_TOKEN": TOKEN})
    yield app.test_client()
    app.extensions["database"].engine.dispose()


def test_public_geojson_needs_no_login_and_never_leaks_points_identifiers_or_small_counts(client, village):
    for level in ("desa", "dusun", "rw", "rt"):
        response = client.get(f"/public/geo/areas.geojson?level={level}")
        assert response.status_code == 200 and response.mimetype == "application/geo+json"
        body = response.get_json()
        text = json.dumps(body)
        assert "3526010101" not in text and "Rahasia" not in text and "Point" not in text
        assert "no_kk" not in text and "latitude" not in text
        assert body["features"]
        for feature in body["features"]:
            assert feature["geometry"] is None or feature["geometry"]["type"] == "Polygon"
            for name in COUNT_FIELDS:
                value = feature["properties"][name]
                assert value is None or value >= 5
                assert feature["properties"][f"{name}_text"] == ("<5" if value is None else str(value))


def test_public_dusun_layer_publishes_large_counts_and_hides_small_ones(client):
    features = {f["properties"]["area"]: f for f in client.get("/public/geo/areas.geojson").get_json()["features"]}
    utara = features["Utara"]["properties"]
    assert (utara["households"], utara["needy_not_enrolled"], utara["gap_rate"]) == (16, 7, 0.7)
    assert utara["enrolled_not_needy"] is None and utara["enrolled_not_needy_text"] == "<5"
    assert features["Utara"]["geometry"]["type"] == "Polygon"
    selatan = features["Selatan"]["properties"]
    assert selatan["households"] is None and selatan["needy_text"] == "<5"
    assert client.get("/public/geo/areas.geojson?level=kota").status_code == 400


def test_staff_endpoints_need_the_service_token_and_give_exact_numbers_and_points(client):
    for path in ("/api/coverage", "/api/geo/areas.geojson", "/api/geo/households.geojson",
                 "/api/geo/resources.geojson", "/api/skills/persons?skill=menjahit"):
        assert client.get(path).status_code == 401
    coverage = by_area(client.get("/api/coverage?level=dusun", headers=AUTH).get_json()["areas"])
    assert coverage["Selatan"]["needy_not_enrolled"] == 2 and coverage["Utara"]["enrolled_not_needy"] == 2
    points = client.get("/api/geo/households.geojson", headers=AUTH).get_json()["features"]
    assert len(points) == 20 and points[0]["geometry"]["type"] == "Point"
    gap = client.get("/api/geo/households.geojson?dusun=Utara&enrolled=0&band=miskin", headers=AUTH).get_json()
    assert len(gap["features"]) == 5 and all(f["properties"]["needy"] for f in gap["features"])
    unscored = client.get("/api/geo/households.geojson?band=belum_dinilai", headers=AUTH).get_json()["features"]
    assert [f["properties"]["enrolled"] for f in unscored] == [True]
