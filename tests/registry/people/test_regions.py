"""Regions: GeoJSON import (valid areas in, each invalid feature reported with its reason), idempotent
re-import with audit, hierarchy checks, household matching by names/codes, the CLI and the demo boundaries."""
from __future__ import annotations

import json

from shapely.geometry import shape
from sqlalchemy import func, select

from services.registry.cli.demo.map import demo_regions
from services.registry.cli.demo.people import DUSUN
from services.registry.models import AuditEntry, Region
from services.registry.people.regions import household_key, import_regions, norm_number, region_key
from tests.helpers.cli import bansos


def square(lon: float, lat: float, size: float = 0.002) -> dict:
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size],
                                                [lon, lat + size], [lon, lat]]]}


def feature(geometry, **properties) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def collection(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


BOWTIE = {"type": "Polygon", "coordinates": [[[112.70, -7.16], [112.71, -7.15], [112.71, -7.16], [112.70, -7.15],
                                              [112.70, -7.16]]]}


def village() -> dict:
    # RT listed before its parents on purpose: the import orders by level.
    return collection(
        feature(square(112.7105, -7.1555, 0.001), kind="rt", code="K-D1-RW1-RT3", name="RT 03", parent_code="K-D1-RW1"),
        feature(square(112.700, -7.170, 0.03), kind="desa", code="K", name="Kamal"),
        feature(square(112.705, -7.165, 0.01), kind="dusun", code="K-D1", name="Kamal  Barat", parent_code="K"),
        feature(square(112.710, -7.156, 0.003), kind="rw", code="K-D1-RW1", name="RW 1", parent_code="K-D1"),
        feature(None, kind="dusun", code="K-D2", name="Pesisir", parent_code="K"),
    )


def test_valid_areas_are_imported_with_their_hierarchy_and_match_household_text(session):
    result = import_regions(session, village(), actor="penguji")
    assert (result.inserted, result.updated, result.unchanged, result.rejected) == (5, 0, 0, [])
    regions = {r.code: r for r in session.scalars(select(Region))}
    rt = regions["K-D1-RW1-RT3"]
    assert rt.parent.code == "K-D1-RW1" and rt.parent.parent.code == "K-D1" and rt.parent.parent.parent.code == "K"
    # A household typed as "KAMAL BARAT", RW "001", RT "3" belongs to this RT; the dusun matches on its own.
    assert region_key(rt) == household_key("kamal", "KAMAL BARAT", "001", "3")
    assert region_key(regions["K-D1"]) == household_key("Kamal", "Kamal Barat", None, None)
    assert regions["K-D2"].boundary is None and regions["K-D2"].centroid_lat is None
    centroid = {"type": "Point", "coordinates": [regions["K-D1"].centroid_lon, regions["K-D1"].centroid_lat]}
    assert shape(regions["K-D1"].boundary).contains(shape(centroid))
    audits = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "region"))
    assert audits == 5


def test_reimport_changes_nothing_and_a_moved_boundary_is_an_audited_update(session):
    import_regions(session, village(), actor="penguji")
    again = import_regions(session, village(), actor="penguji")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 5)
    changed = village()
    changed["features"][2]["geometry"] = square(112.705, -7.165, 0.012)
    changed["features"][2]["properties"]["name"] = "Kamal Barat Baru"
    third = import_regions(session, changed, actor="operator")
    assert (third.inserted, third.updated, third.unchanged) == (0, 1, 4)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "update",
                                                     AuditEntry.entity == "region")).one()
    assert entry.actor == "operator"
    assert entry.details["changes"]["name"] == ["Kamal  Barat", "Kamal Barat Baru"]
    assert entry.details["changes"]["boundary"] == ["(batas wilayah)", "(batas wilayah)"]
    # Renaming the dusun re-links its RW and RT too.
    rt = session.scalars(select(Region).where(Region.code == "K-D1-RW1-RT3")).one()
    assert rt.match_dusun == "kamal barat baru"


def test_every_invalid_feature_is_rejected_with_a_reason_and_the_valid_ones_still_land(session):
    bad = collection(
        feature(square(112.70, -7.17, 0.03), kind="desa", code="K", name="Kamal"),
        feature(BOWTIE, kind="dusun", code="D-BOWTIE", name="Silang", parent_code="K"),
        feature({"type": "Point", "coordinates": [112.7, -7.16]}, kind="dusun", code="D-POINT", name="Titik",
                parent_code="K"),
        feature(square(-7.16, 112.70), kind="dusun", code="D-SWAP", name="Tertukar", parent_code="K"),
        feature({"type": "Polygon", "coordinates": [[[1, 2], [3]]]}, kind="dusun", code="D-BROKEN", name="Rusak",
                parent_code="K"),
        feature(square(112.70, -7.16), kind="kecamatan", code="X", name="Kamal"),
        feature(square(112.70, -7.16), kind="dusun", code="", name="Tanpa Kode", parent_code="K"),
        feature(square(112.70, -7.16), kind="dusun", code="D-ORPHAN", name="Yatim", parent_code="TIDAK-ADA"),
        feature(square(112.70, -7.16), kind="rt", code="RT-UNDER-DESA", name="RT 1", parent_code="K"),
        feature(square(112.70, -7.16), kind="dusun", code="D-OK", name="Baik", parent_code="K"),
        feature(square(112.71, -7.16), kind="dusun", code="D-OK", name="Baik lagi", parent_code="K"),
        {"type": "Polygon"},
    )
    result = import_regions(session, bad, actor="penguji")
    reasons = {r["feature"]: r["reason"] for r in result.rejected}
    assert result.inserted == 2 and len(result.rejected) == 10
    assert "Self-intersection" in reasons[2] and reasons[2].startswith("Geometri tidak sah")
    assert "Polygon atau MultiPolygon, bukan Point" in reasons[3]
    assert "WGS84" in reasons[4]
    assert reasons[5].startswith("Koordinat geometri rusak")
    assert "tidak dikenal" in reasons[6]
    assert "Kode wilayah" in reasons[7]
    assert "Induk 'TIDAK-ADA' tidak ada" in reasons[8]
    assert "rt harus di bawah rw" in reasons[9]
    assert reasons[11] == "Kode wilayah ganda dalam berkas"
    assert reasons[12] == "Bukan Feature GeoJSON"
    assert set(session.scalars(select(Region.code))) == {"K", "D-OK"}


def test_a_file_that_is_not_a_feature_collection_is_rejected_whole():
    result = import_regions(None, {"type": "Feature"}, actor="penguji")  # refused before any database work
    assert result.inserted == 0 and result.rejected[0]["reason"] == "Berkas bukan FeatureCollection GeoJSON"


def test_rw_rt_numbers_compare_by_value():
    assert norm_number("RT 3") == norm_number("03") == norm_number("003") == "003"
    assert norm_number("") is None and household_key(" Kamal ", "PESISIR", "1", None)[1] == "pesisir"


def test_demo_boundaries_are_valid_disjoint_and_hold_their_dusun_centre():
    features = demo_regions()["features"]
    desa = shape(features[0]["geometry"])
    cells = {f["properties"]["name"]: shape(f["geometry"]) for f in features[1:]}
    assert set(cells) == set(DUSUN)
    for name, cell in cells.items():
        lat, lon = DUSUN[name]
        assert cell.is_valid and cell.contains(shape({"type": "Point", "coordinates": [lon, lat]}))
        assert desa.buffer(1e-6).contains(cell)
    names = sorted(cells)
    assert all(cells[a].intersection(cells[b]).area < 1e-9 for a in names for b in names if a < b)


def test_import_regions_command_with_a_property_mapping(tmp_var, tmp_path):
    # SQLite only: the command adds option parsing to import_regions, tested on both backends above.
    from sqlalchemy.orm import Session

    from services.common.db import make_engine
    from services.registry import schema

    registry_url = f"sqlite:///{tmp_var / 'registry.db'}"
    schema.upgrade(registry_url)
    renamed = collection(
        feature(square(112.70, -7.17, 0.03), TINGKAT="desa", KODE="K", NAMA="Kamal"),
        feature(square(112.70, -7.16, 0.01), TINGKAT="dusun", KODE="K-1", NAMA="Tengah", INDUK="K"),
        feature(BOWTIE, TINGKAT="dusun", KODE="K-2", NAMA="Silang", INDUK="K"),
    )
    path = tmp_path / "wilayah.geojson"
    path.write_text(json.dumps(renamed), encoding="utf-8")
    run = bansos("import-regions", str(path), "--property", "kind=TINGKAT", "--property", "code=KODE",
                 "--property", "name=NAMA", "--property", "parent=INDUK", "--actor", "operator",
                 url=registry_url, var=tmp_var)
    assert run.returncode == 0, run.stderr
    assert "inserted 2, updated 0, unchanged 0, rejected 1" in run.stdout
    assert "ditolak fitur #3 (K-2): Geometri tidak sah" in run.stderr
    engine = make_engine(registry_url)
    with Session(engine) as session:
        assert set(session.scalars(select(Region.code))) == {"K", "K-1"}
    engine.dispose()
    wrong = bansos("import-regions", str(path), "--property", "kode=X", url=registry_url, var=tmp_var)
    assert wrong.returncode == 2 and "FIELD=PROPERTI" in wrong.stderr
