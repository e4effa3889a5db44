"""Kemendagri code lists through ``bansos import-regions``, regions under a desa, and roster rows placed in
their desa by ``--desa`` or by their DESA column."""
from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from services.cli import main as bansos
from services.registry.core.areas import SHIPPED
from services.registry.models import Area, Household, Region
from services.registry.people.importer.report import report_path_for

HEADER = ["NO_KK", "NIK", "NAMA", "JENIS_KELAMIN", "TANGGAL_LAHIR", "DESA", "KECAMATAN"]


def invoke(monkeypatch, registry_url, *args):
    monkeypatch.setenv("REGISTRY_DATABASE_URL", registry_url)
    return CliRunner().invoke(bansos, list(args))


@pytest.fixture
def sqlite_url(tmp_var):
    from services.registry import schema

    url = f"sqlite:///{tmp_var / 'registry.db'}"
    schema.upgrade(url)
    return url


def areas(session) -> dict[str, Area]:
    session.expire_all()
    return {a.code: a for a in session.scalars(select(Area))}


def test_code_list_adds_renames_and_refuses_lines_with_their_reason(registry_url, session, tmp_path, monkeypatch):
    path = tmp_path / "kode.csv"
    path.write_text("kode,nama\n35.26.04.2005,GILI ANYAR\n35.26.04.2002,BANYUAJUH\n3526,BANGKALAN\n"
                    "35.26.99.2001,ANTAH\n35.26.04.2003,\n35.26.04.2005,GILI ANYAR\n", encoding="utf-8")
    result = invoke(monkeypatch, registry_url, "import-regions", str(path))
    assert result.exit_code == 0, result.output + result.stderr
    assert "ditambah 2, diubah namanya 0, tetap 0, ditolak 4" in result.stdout
    assert "ditolak baris 4 (3526): Kode wilayah '3526' bukan kode Kemendagri" in result.stderr
    assert "ditolak baris 5 (35.26.99.2001): Induk 35.26.99 tidak ada" in result.stderr
    assert "ditolak baris 6 (35.26.04.2003): nama wilayah untuk kode '35.26.04.2003' kosong" in result.stderr
    assert "ditolak baris 7 (35.26.04.2005): Kode wilayah ganda" in result.stderr
    found = areas(session)
    assert found["35.26.04.2005"].name == "Gili Anyar" and found["35.26.04.2005"].parent.code == "35.26.04"
    path.write_text("kode;nama\n35.26.04.2005;Gili Anyar Baru\n35.26.04.2002;Banyuajuh\n", encoding="utf-8")
    again = invoke(monkeypatch, registry_url, "import-regions", str(path))
    assert "ditambah 0, diubah namanya 1, tetap 1, ditolak 0" in again.stdout
    assert areas(session)["35.26.04.2005"].name == "Gili Anyar Baru"


def test_shipped_list_imports_whole_and_twice_changes_nothing(sqlite_url, session_for, monkeypatch):
    first = invoke(monkeypatch, sqlite_url, "import-regions", str(SHIPPED))
    # the migration already holds the default desa and its three ancestors
    assert "ditambah 297, diubah namanya 0, tetap 4, ditolak 0" in first.stdout, first.stdout + first.stderr
    again = invoke(monkeypatch, sqlite_url, "import-regions", str(SHIPPED))
    assert "ditambah 0, diubah namanya 0, tetap 301, ditolak 0" in again.stdout
    with session_for(sqlite_url) as session:
        desa = [a for a in session.scalars(select(Area).where(Area.level == "desa"))]
        assert len(desa) == 281 and all(a.parent.level == "kecamatan" and a.parent.parent.code == "35.26" for a in desa)


@pytest.fixture
def session_for():
    from contextlib import contextmanager

    from sqlalchemy.orm import Session

    from services.common.db import make_engine

    @contextmanager
    def open_session(url):
        engine = make_engine(url)
        try:
            with Session(engine) as session:
                yield session
        finally:
            engine.dispose()

    return open_session


def geojson(tmp_path, name):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": None, "properties": {"kind": "desa", "code": "D", "name": "Desa"}},
        {"type": "Feature", "geometry": None, "properties": {"kind": "dusun", "code": "D-1", "name": "Pesisir",
                                                             "parent_code": "D"}}]}), encoding="utf-8")
    return path


def test_regions_go_under_the_desa_named_and_the_same_codes_live_in_two_villages(sqlite_url, session_for,
                                                                                   tmp_path, monkeypatch):
    invoke(monkeypatch, sqlite_url, "import-regions", str(SHIPPED))
    kamal = invoke(monkeypatch, sqlite_url, "import-regions", str(geojson(tmp_path, "kamal.geojson")))
    gili = invoke(monkeypatch, sqlite_url, "import-regions", str(geojson(tmp_path, "gili.geojson")),
                  "--desa", "35.26.04.2005")
    assert "inserted 2" in kamal.stdout and "inserted 2" in gili.stdout, gili.stdout + gili.stderr
    with session_for(sqlite_url) as session:
        by_area = sorted((r.code, session.get(Area, r.area_id).code) for r in session.scalars(select(Region)))
    assert by_area == [("D", "35.26.04.2001"), ("D", "35.26.04.2005"), ("D-1", "35.26.04.2001"),
                       ("D-1", "35.26.04.2005")]
    wrong = invoke(monkeypatch, sqlite_url, "import-regions", str(geojson(tmp_path, "x.geojson")), "--desa", "35.26.04")
    assert wrong.exit_code == 2 and "bukan kode desa/kelurahan" in wrong.stderr


ROWS = [
    ["3526040507150003", "3526041203840012", "Moh. Hasan", "L", "12-03-1984", "Kamal", "Kamal"],
    ["3526040608160004", "3526044101900031", "Rukayah", "P", "01-01-1990", "GILI ANYAR", ""],
    ["3526040608160005", "3526044101900032", "Romlah", "P", "01-01-1990", "Atlantis", ""],
    ["3526040608160006", "3526044101900033", "Siti", "P", "01-01-1990", "Campor", ""],  # in Geger and in Konang
    ["3526040608160007", "3526044101900034", "Aisyah", "P", "01-01-1990", "Campor", "Konang"],
    ["3526040608160008", "3526044101900035", "Fatimah", "P", "01-01-1990", "", ""],
]


def rejections(path) -> dict[str, str]:
    with open(report_path_for(path), encoding="utf-8-sig", newline="") as handle:
        return {line[2]: line[3] for line in list(csv.reader(handle))[1:]}


def test_roster_rows_find_their_desa_in_the_kabupaten_or_are_refused(sqlite_url, session_for, write_csv, monkeypatch):
    invoke(monkeypatch, sqlite_url, "import-regions", str(SHIPPED))
    path = write_csv([HEADER, *ROWS])
    result = invoke(monkeypatch, sqlite_url, "import-roster", str(path))
    assert "imported 4, updated 0, rejected 2" in result.stdout, result.stdout + result.stderr
    with session_for(sqlite_url) as session:
        placed = {h.no_kk[-1]: session.get(Area, h.area_id).code for h in session.scalars(select(Household))}
    assert placed == {"3": "35.26.04.2001", "4": "35.26.04.2005", "7": "35.26.17.2008", "8": "35.26.04.2001"}
    reasons = rejections(path)
    assert reasons["Romlah"] == "DESA (Atlantis) tidak ada di daftar desa/kelurahan Kabupaten Bangkalan"
    assert reasons["Siti"] == "DESA (Campor) ada di beberapa kecamatan: isi KECAMATAN yang benar"


def test_roster_for_one_desa_refuses_rows_of_another(sqlite_url, session_for, write_csv, monkeypatch):
    invoke(monkeypatch, sqlite_url, "import-regions", str(SHIPPED))
    path = write_csv([HEADER, ROWS[0], ROWS[1], ROWS[5]], name="gili.csv")
    result = invoke(monkeypatch, sqlite_url, "import-roster", str(path), "--desa", "35.26.04.2005")
    assert "imported 2, updated 0, rejected 1" in result.stdout, result.stdout + result.stderr
    with session_for(sqlite_url) as session:
        assert {session.get(Area, h.area_id).code for h in session.scalars(select(Household))} == {"35.26.04.2005"}
    assert rejections(path) == {"Moh. Hasan": "DESA (Kamal) bukan Desa Gili Anyar, desa impor ini"}
