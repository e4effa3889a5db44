"""Who gets what by NIK or KK: every programme and entitlement of the person or family, open duplicate
cases; partners see only their own programmes with masked numbers (function and API, SQLite and PG)."""
from __future__ import annotations

import pytest

from services.common.privacy import mask_nik
from services.registry.app import create_app
from services.registry.people.whogets import QueryError, who_gets_what
from tests.registry.people.who_data import double_receipt_registry

TOKEN = "uji-token-rahasia"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_a_nik_in_two_kks_shows_both_families_both_programmes_and_the_case(session):
    data = double_receipt_registry(session)
    result = who_gets_what(session, data["nik"])
    assert result["kind"] == "nik" and result["found"]
    assert [h["no_kk"] for h in result["households"]] == [data["kk1"], data["kk2"]]
    assert sorted(e["programme_code"] for h in result["households"] for e in h["enrolments"]) == ["BLT-DD", "SEMBAKO"]
    assert sorted(e["cycle"] for e in result["received"]) == ["BLT Januari 2027", "Sembako Januari 2027"]
    assert [e["cycle"] for e in result["pending"]] == ["BLT Februari 2027"]
    # the family's other open case (Siti Aminah's NIK slip) is listed too
    assert len(result["dedup_cases"]) == 2
    [case] = [c for c in result["dedup_cases"] if data["nik"] in {m["nik"] for m in c["members"]}]
    assert case["layers"] == ["nama_mirip", "nik_sama"] and len(case["members"]) == 2
    assert result["households"][0]["address"] and result["households"][0]["members"][0]["nik"] == data["nik"]


def test_a_kk_shows_the_whole_family(session):
    data = double_receipt_registry(session)
    result = who_gets_what(session, data["kk1"].replace("0101", "01.01", 1))  # dots typed in are ignored
    assert result["kind"] == "kk"
    [household] = result["households"]
    assert len(household["members"]) == 4 and all(m["matched"] for m in household["members"])
    assert [e["programme_code"] for e in household["enrolments"]] == ["BLT-DD"]


def test_partner_sees_only_own_programme_and_masked_numbers(session):
    data = double_receipt_registry(session)
    result = who_gets_what(session, data["nik"], programme_ids={data["blt"]})
    assert [h["no_kk"] for h in result["households"]] == [mask_nik(data["kk1"])]
    text = repr(result)
    assert data["nik"] not in text and data["kk1"] not in text and "SEMBAKO" not in text
    assert "Jl. Raya" not in text  # no address for partners
    assert [m["name"] for m in result["households"][0]["members"]] == ["Moh. Rofi'i"]  # not the twins
    assert result["dedup_cases"] and result["dedup_cases"][0]["members"] == []
    csr_view = who_gets_what(session, data["kk1"], programme_ids={data["sembako"]})
    assert csr_view["found"] is False and csr_view["households"] == []


@pytest.mark.parametrize("typed", ["", "12345", "35260101010000AB", "Siti Aminah"])
def test_anything_but_sixteen_digits_is_refused_in_indonesian(session, typed):
    with pytest.raises(QueryError, match="16 angka"):
        who_gets_what(session, typed)


def test_api_answers_staff_and_partner_and_refuses_bad_input(session, registry_url):
    data = double_receipt_registry(session)
    client = create_app({"TESTING": True, "DATABASE_URL": registry_url, "SERVICE_TOKEN": TOKEN}).test_client()
    assert client.get(f"/api/who-gets-what?q={data['nik']}").status_code == 401
    staff = client.get(f"/api/who-gets-what?q={data['nik']}", headers=AUTH)
    assert staff.status_code == 200 and len(staff.get_json()["households"]) == 2
    partner = client.get(f"/api/who-gets-what?q={data['nik']}&organisation_id={data['csr']}", headers=AUTH).get_json()
    assert [e["programme_code"] for h in partner["households"] for e in h["enrolments"]] == ["SEMBAKO"]
    assert data["nik"] not in repr(partner)
    bad = client.get("/api/who-gets-what?q=abc", headers=AUTH)
    assert bad.status_code == 400 and "16 angka" in bad.get_json()["error"]
    assert client.get(f"/api/who-gets-what?q={data['other_kk'][:-4]}9999", headers=AUTH).status_code == 404


def test_api_with_an_area_answers_as_that_area_sees(session, registry_url):
    from sqlalchemy import select

    from services.registry.core.areas import default_desa_code, read_codes, upsert
    from services.registry.models import Area, Household

    data = double_receipt_registry(session)
    upsert(session, read_codes("kode,nama\n35,JAWA TIMUR\n35.26,KABUPATEN BANGKALAN\n35.26.04,KAMAL\n"
                               "35.26.04.2005,GILI ANYAR\n"))
    session.commit()
    client = create_app({"TESTING": True, "DATABASE_URL": registry_url, "SERVICE_TOKEN": TOKEN}).test_client()
    home = session.scalar(select(Household.area_id).where(Household.no_kk == data["other_kk"]))
    assert home == session.scalar(select(Area.id).where(Area.code == default_desa_code()))
    own = client.get(f"/api/who-gets-what?q={data['nik']}&area={default_desa_code()}", headers=AUTH)
    assert own.status_code == 200 and len(own.get_json()["households"]) == 2
    other = client.get(f"/api/who-gets-what?q={data['nik']}&area=35.26.04.2005", headers=AUTH)
    assert other.status_code == 404 and not other.get_json().get("households")
    assert client.get(f"/api/households?q={data['other_kk']}&area=35.26.04.2005", headers=AUTH).get_json()["total"] == 0
    bad = client.get("/api/households?area=99.99", headers=AUTH)
    assert bad.status_code == 400 and "tidak dikenal" in bad.get_json()["error"]
