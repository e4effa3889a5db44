"""Peta kebutuhan, wilayah, sumber daya and keterampilan in the admin: who may see what, and CRUD with audit."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from services.registry.core.areas import default_desa_code
from services.registry.models import Area, AuditEntry, Household, Person, PersonSkill, VillageResource
from tests.admin.stack import login

COUNT_FIELDS = ("households", "scored", "needy", "not_needy", "enrolled", "needy_not_enrolled", "enrolled_not_needy")


EXPECTED = {  # one login per role; path -> status
    "operator": {"/map/": 200, "/map/households.json": 200, "/map/resources.json": 200, "/skills/add": 200,
                 "/resources/add": 200, "/regions/list/": 200},
    "auditor": {"/map/": 200, "/map/households.json": 200, "/resources/list/": 200, "/resources/add": 403,
                "/skills/add": 403, "/regions/list/": 200},
    "mitra_lsm": {"/map/": 200, "/map/areas.json": 200, "/map/households.json": 403, "/resources/list/": 403,
                  "/skills/list/": 403, "/regions/list/": 403},
    "mitra_csr": {"/map/": 200, "/map/resources.json": 403},
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_map_permissions(client, username):
    login(client, username)
    assert {path: client.get(path).status_code for path in EXPECTED[username]} == EXPECTED[username]


def test_partners_get_suppressed_aggregates_and_staff_exact_ones(client, db):
    login(client, "mitra_lsm")
    partner = client.get("/map/areas.json").get_json()
    text = json.dumps(partner)
    no_kk = db.scalars(select(Household.no_kk)).first()
    assert no_kk not in text and "Point" not in text and "latitude" not in text
    for feature in partner["features"]:
        for name in COUNT_FIELDS:
            assert feature["properties"][name] is None or feature["properties"][name] >= 5
    rt_level = client.get("/map/areas.json?level=rt").get_json()["features"]
    assert any(f["properties"]["households"] is None and f["properties"]["households_text"] == "<5" for f in rt_level)
    page = client.get("/map/").data.decode()
    assert "households.json" not in page and "&lt;5" in page
    login(client, "operator")
    staff = client.get("/map/areas.json").get_json()["features"]
    dusun = {f["properties"]["area"]: f for f in staff}
    # The four demo dusun (other tests of the shared stack may add households in other dusun).
    assert {"Kamal Barat", "Kamal Timur", "Pesisir", "Tengah"} <= set(dusun)
    names = ("Kamal Barat", "Kamal Timur", "Pesisir", "Tengah")
    demo = [dusun[name] for name in names]
    # The operator's village only: Desa Gili Anyar has a dusun "Pesisir" too.
    kamal = db.scalar(select(Area.id).where(Area.code == default_desa_code()))
    registered = db.scalar(select(func.count()).select_from(Household).where(Household.dusun.in_(names),
                                                                             Household.area_id == kamal))
    assert registered >= 300 and sum(f["properties"]["households"] for f in demo) == registered
    assert all(f["geometry"]["type"] == "Polygon" for f in demo)
    points = client.get("/map/households.json?dusun=Pesisir&enrolled=tidak").get_json()["features"]
    assert points and all(p["properties"]["dusun"] == "Pesisir" and not p["properties"]["enrolled"] for p in points)


def test_leaflet_is_served_from_the_project(client):
    response = client.get("/static/bansos/vendor/leaflet/leaflet.js")
    assert response.status_code == 200 and b"Leaflet 1.9.4" in response.data[:200]
    assert client.get("/static/bansos/vendor/leaflet/images/marker-icon.png").status_code == 200


def test_operator_records_a_skill_by_nik_with_an_audit_entry(client, db):
    kamal = db.scalar(select(Area.id).where(Area.code == default_desa_code()))
    person = db.scalars(select(Person).join(Household).where(Person.sex == "P", Household.area_id == kamal)
                        .order_by(Person.id.desc())).first()
    db.execute(PersonSkill.__table__.delete().where(PersonSkill.person_id == person.id,
                                                    PersonSkill.skill.in_(("menjahit", "memasak"))))
    db.commit()
    login(client, "operator")
    form = {"nik": person.nik, "skill": "menjahit", "level": "mahir", "source": "pelatihan", "notes": "LKP Kamal"}
    client.post("/skills/add", data=form, follow_redirects=True)
    db.expire_all()
    skill = db.scalars(select(PersonSkill).where(PersonSkill.person_id == person.id,
                                                 PersonSkill.skill == "menjahit")).one()
    assert (skill.level, skill.source) == ("mahir", "pelatihan")
    entry = db.scalars(select(AuditEntry).where(AuditEntry.entity == "person_skill",
                                                AuditEntry.entity_id == str(skill.id))).one()
    assert entry.actor == "operator" and entry.action == "create"
    again = client.post("/skills/add", data=form, follow_redirects=True).data.decode()
    assert "sudah tercatat" in again
    client.post("/skills/add", data={**form, "skill": "memasak"}, follow_redirects=True)
    cooking = db.scalars(select(PersonSkill).where(PersonSkill.person_id == person.id,
                                                   PersonSkill.skill == "memasak")).one()
    edit = {"skill": "menjahit", "level": "dasar", "source": "survei"}
    client.post(f"/skills/edit/{cooking.id}", data=edit)
    listed = client.get("/skills/list/").data.decode()
    assert "sudah tercatat" in listed  # the flashed refusal
    db.expire_all()
    assert db.get(PersonSkill, cooking.id).skill == "memasak"
    unknown = client.post("/skills/add", data={**form, "nik": "3526019999999999"}, follow_redirects=True).data.decode()
    assert "tidak ada di registri" in unknown
    assert db.scalar(select(PersonSkill.id).join(Person).where(Person.nik == "3526019999999999")) is None


def test_operator_adds_a_resource_with_an_owner_kk_and_a_bad_kk_is_refused(client, db):
    household = db.scalars(select(Household).order_by(Household.id)).first()
    login(client, "operator")
    form = {"kind": "usaha_kecil", "name": "Warung kopi uji", "size": "1", "unit": "unit", "owner_kk": household.no_kk,
            "latitude": "-7.16", "longitude": "112.72"}
    client.post("/resources/add", data=form, follow_redirects=True)
    bad = client.post("/resources/add", data={**form, "name": "Warung salah", "owner_kk": "3526010000000000"},
                      follow_redirects=True).data.decode()
    assert "tidak ada di registri" in bad
    db.expire_all()
    created = db.scalars(select(VillageResource).where(VillageResource.name == "Warung kopi uji")).one()
    assert created.owner_household_id == household.id
    assert db.scalar(select(VillageResource.id).where(VillageResource.name == "Warung salah")) is None
    listed = client.get("/resources/list/?_flt_0_name=Warung").data.decode()
    assert "Warung kopi uji" in listed and "Usaha kecil" in listed
    resources = client.get("/map/resources.json").get_json()["features"]
    assert "Warung kopi uji" in {f["properties"]["name"] for f in resources}
