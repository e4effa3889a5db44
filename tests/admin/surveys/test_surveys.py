"""Survey screens: who may enter or read, keyboard entry with Indonesian errors, welfare on the household."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from services.registry.models import AuditEntry, Household, HouseholdWelfare, SurveyResponse
from tests.admin.stack import login, queued_tasks

BPS = ("k01_luas_lantai", "k02_jenis_lantai", "k03_jenis_dinding", "k04_jamban", "k05_listrik", "k06_air_minum",
       "k07_bahan_bakar", "k08_konsumsi_daging", "k09_pakaian", "k10_frekuensi_makan", "k11_biaya_berobat",
       "k12_pekerjaan_kepala", "k13_pendidikan_kepala", "k14_aset")


def _unsurveyed(db) -> Household:
    surveyed = select(SurveyResponse.household_id)
    return db.scalars(select(Household).where(Household.id.not_in(surveyed)).order_by(Household.id)).first()


@pytest.mark.parametrize(
    ("username", "path", "expected"),
    [
        ("operator", "/surveys/", 200), ("operator", "/welfare/list/", 200),
        ("operator", "/survey-responses/list/", 200),
        ("operator", "/survey-instruments/list/", 200), ("operator", "/surveys/entry/1", 200),
        ("auditor", "/surveys/", 200), ("auditor", "/welfare/list/", 200), ("auditor", "/surveys/household/1", 200),
        ("auditor", "/surveys/entry/1", 403),
        ("mitra_lsm", "/surveys/", 403), ("mitra_csr", "/welfare/list/", 403),
        ("mitra_lsm", "/surveys/household/1", 403),
        ("mitra_lsm", "/survey-responses/list/", 403),
        ("operator", "/survey-campaigns/add", 200), ("auditor", "/survey-campaigns/list/", 200),
        ("auditor", "/survey-campaigns/add", 403), ("mitra_lsm", "/survey-campaigns/list/", 403),
    ],
)
def test_survey_screen_permissions(client, username, path, expected):
    login(client, username)
    assert client.get(path).status_code == expected


def test_demo_welfare_is_shown_on_the_household_page(client, db):
    welfare = db.scalars(select(HouseholdWelfare).where(HouseholdWelfare.band == "miskin")
                         .order_by(HouseholdWelfare.household_id)).first()
    login(client, "auditor")
    page = client.get(f"/surveys/household/{welfare.household_id}").get_data(as_text=True)
    assert "Miskin" in page and f"peringkat <strong id=\"welfare-rank\">{welfare.rank}</strong>" in page
    assert "Luas lantai bangunan kurang dari 8 m2 per orang?" in page or "kriteria terpenuhi" in page
    assert 'id="enter-BPS14"' not in page  # the auditor only reads
    show = client.get(f"/households/show/{welfare.household_id}").get_data(as_text=True)
    assert "Kesejahteraan Keluarga" in show and "Miskin" in show


def test_operator_entry_keeps_typed_answers_on_error_then_saves_scores_and_audits(client, db):
    household = _unsurveyed(db)
    login(client, "operator")
    answers = {code: "y" for code in BPS[:9]} | {code: "t" for code in BPS[9:]}
    bad = client.post(f"/surveys/entry/{household.id}", data={**answers, "k05_listrik": "barangkali",
                                                              "instrument": "BPS14"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "harus &#39;ya&#39; atau &#39;tidak&#39;" in page
    assert 'value="barangkali"' in page and 'value="y"' in page  # nothing typed is lost
    saved = client.post(f"/surveys/entry/{household.id}", data={**answers, "instrument": "BPS14", "next": "1"})
    assert saved.status_code == 302 and "/surveys/entry/" in saved.headers["Location"]
    db.expire_all()
    response = db.scalars(select(SurveyResponse).where(SurveyResponse.household_id == household.id)).one()
    assert (float(response.score), response.source, response.created_by) == (9, "admin", "operator")
    assert db.get(HouseholdWelfare, household.id).band == "miskin"
    assert db.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "survey_response", AuditEntry.entity_id == str(response.id))) == 1


def test_rescore_button_sends_the_contract_task(client, stack):
    stack.flush_broker()
    login(client, "operator")
    assert client.post("/surveys/rescore").status_code == 302
    tasks = queued_tasks(stack.broker, stack.var, "registry")
    assert [name for name, _ in tasks] == ["registry.rescore"]
    assert tasks[0][1]["payload"]["requested_by"] == "operator"
    stack.flush_broker()
    login(client, "auditor")
    assert client.post("/surveys/rescore").status_code == 403


def test_operator_creates_a_campaign_and_it_is_audited(client, db):
    from services.registry.models import Instrument, SurveyCampaign

    bps = db.scalars(select(Instrument).where(Instrument.code == "BPS14", Instrument.active)).one()
    login(client, "operator")
    response = client.post("/survey-campaigns/add", data={
        "name": "Pendataan Pesisir", "instrument": str(bps.id), "desa": "Kamal", "dusun": "Pesisir",
        "starts_on": "2026-12-01", "ends_on": "2026-12-31", "status": "aktif"})
    assert response.status_code == 302
    campaign = db.scalars(select(SurveyCampaign).where(SurveyCampaign.name == "Pendataan Pesisir")).one()
    assert (campaign.instrument_id, campaign.dusun) == (bps.id, "Pesisir")
    assert db.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "survey_campaign", AuditEntry.entity_id == str(campaign.id))) == 1
