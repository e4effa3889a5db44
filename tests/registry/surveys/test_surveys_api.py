"""Survey API (service token): instruments, submit with per-field Indonesian errors, household history."""
from __future__ import annotations

import pytest

from services.registry.app import create_app
from tests.registry.surveys.survey_helpers import bps_answers, kk, setup_registry

TOKEN = "uji-token-rahasia"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(registry_url, session):
    households, _, _ = setup_registry(session, 3)
    app = create_app({"TESTING": True, "DATABASE_URL": registry_url, "SERVICE_TOKEN": TOKEN})
    client = app.test_client()
    client.household_ids = [h.id for h in households]
    return client


def test_survey_api_needs_the_service_token(client):
    assert client.get("/api/survey/instruments").status_code == 401


def test_instruments_list_questions_and_scoring(client):
    body = client.get("/api/survey/instruments?active=1", headers=AUTH).get_json()
    by_code = {i["code"]: i for i in body["instruments"]}
    assert set(by_code) == {"BPS14", "KEBUTUHAN-DESA"}
    assert len(by_code["BPS14"]["questions"]) == 14 and by_code["BPS14"]["scoring"]["threshold"] == 9
    assert by_code["KEBUTUHAN-DESA"]["form_id"] == "kebutuhan_desa_v1"


def test_submit_scores_ranks_and_keeps_every_visit(client):
    first = client.post("/api/survey/responses", headers=AUTH, json={
        "no_kk": kk(1), "instrument": "BPS14", "answers": bps_answers(10),
        "collected_at": "2026-02-01T09:00:00+07:00", "submission_key": "api-1"})
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["score"] == 10 and first.get_json()["source"] == "api"
    repeat = client.post("/api/survey/responses", headers=AUTH, json={
        "no_kk": kk(1), "instrument": "BPS14", "answers": bps_answers(10), "submission_key": "api-1"})
    assert repeat.status_code == 200 and repeat.get_json()["id"] == first.get_json()["id"]
    follow_up = client.post("/api/survey/responses", headers=AUTH, json={
        "household_id": client.household_ids[0], "instrument": "BPS14", "answers": bps_answers(3),
        "collected_at": "2026-09-01T09:00:00+07:00"})
    assert follow_up.status_code == 201
    history = client.get(f"/api/survey/households/{client.household_ids[0]}", headers=AUTH).get_json()
    assert [r["score"] for r in history["responses"]] == [3, 10]
    assert history["welfare"]["band"] == "tidak_miskin" and history["welfare"]["score"] == 3
    assert history["welfare"]["rank"] == 1 and history["welfare"]["response_id"] == follow_up.get_json()["id"]


def test_submit_reports_each_bad_field_in_indonesian(client):
    answers = {**bps_answers(5), "k02_jenis_lantai": "kayu", "k77": "ya"}
    response = client.post("/api/survey/responses", headers=AUTH, json={
        "no_kk": kk(2), "instrument": "BPS14", "answers": answers})
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"k02_jenis_lantai": "harus 'ya' atau 'tidak'",
                                             "k77": "pertanyaan tidak dikenal pada instrumen ini"}
    missing = client.post("/api/survey/responses", headers=AUTH, json={
        "no_kk": "0000000000000000", "instrument": "TIDAK-ADA", "answers": [], "collected_at": "kemarin"})
    assert set(missing.get_json()["errors"]) == {"no_kk", "instrument", "answers", "collected_at"}
    assert client.get(f"/api/survey/households/{client.household_ids[1]}", headers=AUTH).get_json()["responses"] == []
    assert client.get("/api/survey/households/999999", headers=AUTH).status_code == 404
