"""Registry API: bearer token required on /api/*, /health open, household and person search, import status."""
from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from services.registry.app import create_app
from services.registry.people.importer.jobs import create_import_job, run_import_job

TOKEN = "uji-token-rahasia"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(registry_url, demo_roster, engine):
    path, _ = demo_roster(households=12, invalid=2)
    with Session(engine, expire_on_commit=False) as session:
        job = create_import_job(session, path.name, str(path), "penguji")
    run_import_job(engine, job.id)
    app = create_app({"TESTING": True, "DATABASE_URL": registry_url, "SERVICE_TOKEN": TOKEN})
    client = app.test_client()
    client.import_id = job.id
    return client


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer salah"}, {"Authorization": TOKEN}])
def test_api_refuses_requests_without_the_service_token(client, headers):
    response = client.get("/api/households", headers=headers)
    assert response.status_code == 401
    assert "token layanan" in response.get_json()["error"]


def test_health_is_open_and_reports_the_database(client):
    body = client.get("/health").get_json()
    assert body["service"] == "registry" and body["database"] == "ok"


def test_household_search_by_kk_member_nik_and_name(client):
    everything = client.get("/api/households", headers=AUTH).get_json()
    assert everything["total"] == 12
    target = client.get(f"/api/households/{everything['households'][3]['id']}", headers=AUTH).get_json()
    member = target["members"][0]
    by_kk = client.get(f"/api/households?q={target['no_kk']}", headers=AUTH).get_json()
    by_nik = client.get(f"/api/households?q={member['nik']}", headers=AUTH).get_json()
    by_name = client.get(f"/api/households?q={member['name'].lower()}", headers=AUTH).get_json()
    assert [h["no_kk"] for h in by_kk["households"]] == [target["no_kk"]]
    assert [h["no_kk"] for h in by_nik["households"]] == [target["no_kk"]]
    assert target["no_kk"] in [h["no_kk"] for h in by_name["households"]]
    assert target["members"][0]["relationship_to_head"] == "KEPALA KELUARGA"
    assert target["enrolments"] == []


def test_unknown_household_is_404_in_indonesian(client):
    response = client.get("/api/households/999999", headers=AUTH)
    assert response.status_code == 404 and response.get_json()["error"] == "Keluarga tidak ditemukan"


def test_person_lookup_by_nik_kk_and_query(client):
    first = client.get("/api/households", headers=AUTH).get_json()["households"][0]
    members = client.get(f"/api/persons?kk={first['no_kk']}", headers=AUTH).get_json()["persons"]
    assert len(members) == first["members"] and {m["no_kk"] for m in members} == {first["no_kk"]}
    nik = members[0]["nik"]
    exact = client.get(f"/api/persons?nik={nik}", headers=AUTH).get_json()["persons"]
    assert [p["nik"] for p in exact] == [nik]
    assert client.get("/api/persons", headers=AUTH).status_code == 400


def test_import_status_shows_progress_and_counts(client):
    body = client.get(f"/api/imports/{client.import_id}", headers=AUTH).get_json()
    assert body["status"] == "selesai" and body["progress"] == 100
    assert body["rejected"] == 2 and body["imported"] == body["total_rows"] - 2
    assert body["has_rejection_report"] is True
