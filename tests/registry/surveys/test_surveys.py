"""Survey instruments, answer validation, scoring and ranking (SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from services.registry.models import AuditEntry, HouseholdWelfare, Instrument, SurveyResponse
from services.registry.surveys.instruments import load_instrument, load_shipped_instruments
from services.registry.surveys.responses import ResponseInvalid, record_response
from services.registry.surveys.scoring import rescore
from tests.registry.surveys.survey_helpers import add_households, bps_answers, setup_registry


def _record(session, instrument, household, answers, when=None, key=None):
    response, created = record_response(session, instrument=instrument, household=household, answers=answers,
                                        source="api", actor="penguji", collected_at=when, submission_key=key)
    session.commit()
    return response, created


def test_shipped_instruments_are_versioned_data_and_load_once(session):
    first = load_shipped_instruments(session)
    again = load_shipped_instruments(session)
    assert [created for _, created in first] == [True, True]
    assert [created for _, created in again] == [False, False]
    bps = session.execute(select(Instrument).where(Instrument.code == "BPS14")).scalar_one()
    assert len(bps.questions) == 14 and bps.scoring["threshold"] == 9 and bps.purpose == "kesejahteraan"
    assert session.execute(select(func.count()).select_from(AuditEntry)
                           .where(AuditEntry.entity == "survey_instrument")).scalar_one() == 2


def test_a_new_version_retires_the_old_one_but_keeps_it(session):
    load_shipped_instruments(session)
    spec = {"code": "BPS14", "version": 2, "name": "BPS 14 (ambang 8)", "purpose": "kesejahteraan",
            "scoring": {"threshold": 8, "rentan_threshold": 5}, "questions": [
                {"code": "k01_luas_lantai", "text": "Luas lantai < 8 m2/orang?", "answer_type": "ya_tidak",
                 "weight": 1}]}
    new, created = load_instrument(session, spec)
    session.commit()
    versions = {i.version: i.active for i in session.scalars(select(Instrument).where(Instrument.code == "BPS14"))}
    assert created and versions == {1: False, 2: True}
    assert new.form_id == "bps14_v2"


def test_invalid_answers_are_refused_with_indonesian_reasons_per_question(session):
    (household, *_), bps, needs = setup_registry(session, 1)
    answers = {**bps_answers(3), "k05_listrik": "mungkin", "k99_tidak_ada": "ya"}
    del answers["k14_aset"]
    with pytest.raises(ResponseInvalid) as err:
        record_response(session, instrument=bps, household=household, answers=answers, source="api", actor="t")
    assert err.value.errors == {"k05_listrik": "harus 'ya' atau 'tidak'",
                                "k99_tidak_ada": "pertanyaan tidak dikenal pada instrumen ini",
                                "k14_aset": "wajib diisi"}
    bad_needs = {"anak_usia_sekolah": "dua", "anak_putus_sekolah": "1.5", "pendapatan_bulanan": "-5",
                 "sumber_pendapatan": "gaji", "penyakit_kronis": "ya", "disabilitas": "tidak",
                 "lansia_sendiri": "tidak", "jaminan_kesehatan": "bpjs_pbi", "kondisi_rumah": "layak"}
    with pytest.raises(ResponseInvalid) as err:
        record_response(session, instrument=needs, household=household, answers=bad_needs, source="api", actor="t")
    assert err.value.errors["anak_usia_sekolah"] == "harus bilangan bulat"
    assert err.value.errors["anak_putus_sekolah"] == "harus bilangan bulat"
    assert err.value.errors["pendapatan_bulanan"] == "tidak boleh negatif"
    assert err.value.errors["sumber_pendapatan"].startswith("pilihan tidak dikenal 'gaji'")
    session.rollback()
    assert session.execute(select(func.count()).select_from(SurveyResponse)).scalar_one() == 0


def test_needs_instrument_scores_weights_criteria_and_choices(session):
    (household, *_), _, needs = setup_registry(session, 1)
    answers = {"anak_usia_sekolah": "2", "anak_putus_sekolah": "1", "pendapatan_bulanan": "1500000",
               "sumber_pendapatan": "harian", "penyakit_kronis": "tidak", "disabilitas": "ya",
               "lansia_sendiri": "tidak", "jaminan_kesehatan": "tidak_ada", "kondisi_rumah": "tidak_layak"}
    response, _ = _record(session, needs, household, answers)
    # putus sekolah 2 + pendapatan < 2.88 jt 3 + harian 1 + disabilitas 2 + tanpa jaminan 1 + tidak layak 2
    assert float(response.score) == 11
    assert {c["code"] for c in response.explanation["counted"]} == {
        "anak_putus_sekolah", "pendapatan_bulanan", "sumber_pendapatan", "disabilitas", "jaminan_kesehatan",
        "kondisi_rumah"}
    assert response.answers["anak_usia_sekolah"] == 2 and response.answers["disabilitas"] is True


def test_rescore_uses_the_latest_response_ranks_within_desa_and_bands_by_threshold(session):
    households, bps, _ = setup_registry(session, 4)
    others = add_households(session, 2, desa="Telang", start=50)
    t1, t2 = datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 9, 1, tzinfo=UTC)
    _record(session, bps, households[0], bps_answers(11), t1)
    _record(session, bps, households[0], bps_answers(4), t2)  # follow-up: much better off now
    _record(session, bps, households[1], bps_answers(9), t1)
    _record(session, bps, households[2], bps_answers(7), t1)
    _record(session, bps, households[3], bps_answers(9), t1)
    _record(session, bps, others[0], bps_answers(2), t1)
    _record(session, bps, others[1], bps_answers(12), t1)
    summary = rescore(session)
    assert summary["households"] == 6
    welfare = {w.household_id: w for w in session.scalars(select(HouseholdWelfare))}
    got = {h.no_kk[-2:]: (float(welfare[h.id].score), welfare[h.id].rank, welfare[h.id].band)
           for h in households + others}
    assert got == {"01": (4, 4, "tidak_miskin"), "02": (9, 1, "miskin"), "03": (7, 3, "rentan"),
                   "04": (9, 1, "miskin"), "50": (2, 2, "tidak_miskin"), "51": (12, 1, "miskin")}
    assert welfare[households[1].id].explanation["summary"] == "9 kriteria terpenuhi, skor 9 (ambang 9)"
    # History is kept: both visits of the first household still stand.
    assert session.execute(select(func.count()).select_from(SurveyResponse)
                           .where(SurveyResponse.household_id == households[0].id)).scalar_one() == 2
    audit = session.execute(select(AuditEntry).where(AuditEntry.action == "rescore")).scalar_one()
    assert audit.details["bands"] == {"miskin": 3, "rentan": 1, "tidak_miskin": 2}


def test_rescore_keeps_the_dtsen_desil_and_is_idempotent(session):
    households, bps, _ = setup_registry(session, 2)
    session.add(HouseholdWelfare(household_id=households[0].id, dtsen_desil=3, explanation={}))
    session.commit()
    _record(session, bps, households[0], bps_answers(10))
    first = rescore(session)
    rows_before = [(w.household_id, w.score, w.rank, w.band) for w in session.scalars(select(HouseholdWelfare))]
    second = rescore(session)
    session.expire_all()
    rows_after = [(w.household_id, w.score, w.rank, w.band) for w in session.scalars(select(HouseholdWelfare))]
    assert first["households"] == second["households"] == 1 and rows_before == rows_after
    assert session.get(HouseholdWelfare, households[0].id).dtsen_desil == 3


def test_desil_band_mode_splits_a_village_into_ten_ntiles(session):
    load_shipped_instruments(session)
    spec = {"code": "DESIL-UJI", "version": 1, "name": "Uji desil", "purpose": "kesejahteraan",
            "scoring": {"band_mode": "desil"}, "questions": [
                {"code": "skor", "text": "Skor", "answer_type": "bilangan", "weight": 1,
                 "criterion": {"op": ">=", "value": 0}},
                {"code": "miskin", "text": "Miskin?", "answer_type": "ya_tidak", "weight": 1}]}
    instrument, _ = load_instrument(session, spec)
    households = add_households(session, 20)
    for i, household in enumerate(households):
        _record(session, instrument, household, {"skor": "0", "miskin": "ya" if i < 2 else "tidak"})
    rescore(session, "DESIL-UJI")
    bands = {w.household_id: w.band for w in session.scalars(select(HouseholdWelfare))}
    assert sorted(bands.values(), key=int) == [str(n) for n in range(1, 11) for _ in range(2)]
    assert {bands[households[0].id], bands[households[1].id]} == {"1"}


def test_same_submission_key_is_stored_once(session):
    (household, *_), bps, _ = setup_registry(session, 1)
    first, created = _record(session, bps, household, bps_answers(5), key="uuid:abc")
    again, created_again = _record(session, bps, household, bps_answers(9), key="uuid:abc")
    assert (created, created_again, again.id) == (True, False, first.id)
    assert float(again.score) == 5


def test_a_campaign_accepts_only_households_of_its_region_period_and_instrument(session):
    from services.registry.models import SurveyCampaign

    households, bps, needs = setup_registry(session, 1)
    outside = add_households(session, 1, desa="Telang", start=60)[0]
    campaign = SurveyCampaign(name="Pendataan Kamal", instrument=bps, desa="Kamal", starts_on=date(2026, 2, 1),
                              ends_on=date(2026, 3, 31))
    session.add(campaign)
    session.commit()
    march = datetime(2026, 3, 5, tzinfo=UTC)
    record_response(session, instrument=bps, household=households[0], answers=bps_answers(2), source="admin",
                    actor="t", campaign=campaign, collected_at=march)
    with pytest.raises(ResponseInvalid) as err:
        record_response(session, instrument=bps, household=households[0], answers=bps_answers(2), source="admin",
                        actor="t", campaign=campaign, collected_at=datetime(2026, 5, 1, tzinfo=UTC))
    assert err.value.errors == {"campaign": "tanggal pendataan 01-05-2026 di luar masa kampanye"}
    with pytest.raises(ResponseInvalid) as err:
        record_response(session, instrument=bps, household=outside, answers=bps_answers(2), source="admin",
                        actor="t", campaign=campaign, collected_at=march)
    assert err.value.errors == {"campaign": "keluarga di luar wilayah kampanye (desa Kamal)"}
    with pytest.raises(ResponseInvalid) as err:
        record_response(session, instrument=needs, household=households[0], answers={}, source="admin", actor="t",
                        campaign=campaign, collected_at=march)
    assert err.value.errors["campaign"] == "kampanye survei ini memakai instrumen lain"
