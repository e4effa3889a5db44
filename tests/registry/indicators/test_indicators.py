"""Every indicator computation on small known data (SQLite and PostgreSQL), stored period values that
stay as computed, the compute task/CLI, and satisfaction codes: issue -> use once -> second use refused."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from services.registry.core.periods import (
    PeriodError,
    month_of,
    parse_month,
    parse_period,
    period_of,
    previous_month,
)
from services.registry.feedback.complaints import ComplaintError
from services.registry.feedback.satisfaction import record_survey
from services.registry.indicators import codes
from services.registry.indicators.computations import COMPUTATIONS, Scope
from services.registry.indicators.snapshots import compute_all, trend
from services.registry.models import (
    Complaint,
    Enrolment,
    Indicator,
    IndicatorValue,
    SatisfactionCode,
    SatisfactionResponse,
)
from tests.registry.indicators import indicator_data

MARCH = period_of(date(2026, 3, 1), "bulan")
AFTER_MARCH = datetime(2026, 4, 15, tzinfo=UTC)


@pytest.fixture
def broker(registry_url, request):
    return request.getfixturevalue("redis_url") if registry_url.startswith("postgresql") else "filesystem://"


@pytest.fixture
def ids(session, monkeypatch):
    return indicator_data.build(session, monkeypatch)


def _value(session, computation, programme_id=None, **params):
    return COMPUTATIONS[computation](session, Scope(MARCH, programme_id, params))


def test_participation_rate(session, ids):
    # e1 collected, e2 paid by 31 March; e3 paid in April; e4 returned; e5 cancelled: 2 of 4.
    result = _value(session, "tingkat_partisipasi", ids.p)
    assert (result.value, result.numerator, result.denominator) == (Decimal("50.00"), 2, 4)
    assert _value(session, "tingkat_partisipasi", ids.q).value is None  # no cycle: nothing to divide


def test_poorest_band_coverage(session, ids):
    # Six 'miskin' households; P enrolled h1-h3 before April (h8 only on 10 April), Q enrolled h4.
    assert _value(session, "cakupan_termiskin", ids.p).value == Decimal("50.00")
    assert _value(session, "cakupan_termiskin").value == Decimal("66.67")  # 4 of 6, any programme
    widened = _value(session, "cakupan_termiskin", None, bands=["miskin", "rentan"])
    assert (widened.numerator, widened.denominator) == (4, 7)


def test_budget_absorption(session, ids):
    # Net ledger to 1 April: 100.000 + 100.000 + 100.000 - 100.000 (returned) = 200.000; 2025 budget ignored.
    result = _value(session, "serapan_anggaran", ids.p)
    assert (result.value, result.numerator, result.denominator) == (Decimal("20.00"), 200000, 1000000)
    assert _value(session, "serapan_anggaran").value == Decimal("13.33")  # 200.000 / 1.500.000


def test_on_time_rate(session, ids):
    # Planned date 31 March: e1, e2 on time (e3 on 2 April is late): 2 of 4; three days' grace takes e3 in.
    assert _value(session, "ketepatan_waktu", ids.p).value == Decimal("50.00")
    assert _value(session, "ketepatan_waktu", ids.p, grace_days=3).value == Decimal("75.00")


def test_complaint_resolution_time(session, ids):
    # Closed in March after 2, 14 and 5.5 days: median 5.5; for P only 2 and 14: median 8.
    result = _value(session, "waktu_penyelesaian_pengaduan")
    assert (result.value, result.denominator) == (Decimal("5.50"), 3)
    assert _value(session, "waktu_penyelesaian_pengaduan", ids.p).value == Decimal("8.00")


def test_income_change(session, ids):
    # P: h1 +300.000, h2 +200.000 -> mean 250.000; village adds h6 -100.000 -> 133.333,33.
    result = _value(session, "perubahan_pendapatan", ids.p)
    assert (result.value, result.denominator) == (Decimal("250000.00"), 2)
    assert result.details["rata_rata_awal"] == "900000.00" and result.details["rata_rata_akhir"] == "1150000.00"
    assert _value(session, "perubahan_pendapatan").value == Decimal("133333.33")


def test_satisfaction_score(session, ids):
    # March answers: 5 and 4 (cycle of P), 2 (training of Q); the April answer 1 is outside.
    assert _value(session, "skor_kepuasan").value == Decimal("3.67")
    assert _value(session, "skor_kepuasan", ids.p).value == Decimal("4.50")
    assert _value(session, "skor_kepuasan", ids.q).value == Decimal("2.00")
    # The month ends at midnight WIB: the 4 given at 23:00 WIB on 31 March counts, one hour later it does not.
    late = session.scalar(select(SatisfactionResponse).where(SatisfactionResponse.score == 4))
    late.created_at = indicator_data.at("2026-03-31", 17)  # 00:00 WIB on 1 April
    session.flush()
    assert _value(session, "skor_kepuasan", ids.p).value == Decimal("5.00")


def _indicator(session, code, computation, programme_id=None, granularity="bulan", **params):
    indicator = Indicator(code=code, name=code, computation=computation, parameters=params, unit="%",
                          target=Decimal(60), direction="naik", granularity=granularity, programme_id=programme_id)
    session.add(indicator)
    session.flush()
    return indicator


def test_stored_values_stay_as_computed_when_later_data_arrives(session, ids):
    coverage = _indicator(session, "COV", "cakupan_termiskin", ids.p)
    complaints = _indicator(session, "ADU", "waktu_penyelesaian_pengaduan")
    yearly = _indicator(session, "COV-Y", "cakupan_termiskin", ids.p, granularity="tahun")
    counts = compute_all(session, date(2026, 3, 1), AFTER_MARCH)
    assert counts["dihitung"] == 3 and counts["galat"] == 0
    stored = {v.indicator_id: v for v in session.scalars(select(IndicatorValue))}
    assert stored[coverage.id].final and stored[coverage.id].value == Decimal("50.00")
    assert stored[yearly.id].period == "2026" and not stored[yearly.id].final  # the year is still running

    # Late data about March: h6 enrolled back-dated to 15 March, a complaint closed in March typed in late.
    session.add(Enrolment(programme_id=ids.p, household_id=ids.households[6], status="aktif",
                          enrolled_on=date(2026, 3, 15)))
    session.add(Complaint(tracking_code="ADU-LATE0001", channel="staf", category="layanan", title="x", body="x",
                          status="selesai", received_at=indicator_data.at("2026-03-01"),
                          closed_at=indicator_data.at("2026-03-31"), recorded_by="uji"))
    session.flush()
    again = compute_all(session, date(2026, 3, 1), datetime(2026, 5, 1, tzinfo=UTC))
    assert (again["dihitung"], again["tetap"]) == (1, 2)  # only the provisional yearly value is recomputed
    session.expire_all()
    values = {v.indicator_id: v for v in session.scalars(select(IndicatorValue))}
    assert values[coverage.id].value == Decimal("50.00")
    assert values[complaints.id].value == Decimal("5.50")
    assert values[yearly.id].value == Decimal("83.33")  # provisional, to year end: h1-h3, h6, h8 of 6
    assert values[coverage.id].computed_at == stored[coverage.id].computed_at

    forced = compute_all(session, date(2026, 3, 1), datetime(2026, 5, 1, tzinfo=UTC), force=True)
    assert forced["dihitung"] == 3
    session.expire_all()
    assert session.get(IndicatorValue, values[coverage.id].id).value == Decimal("66.67")
    assert [v.period for v in trend(session, coverage.id)] == ["2026-03"]


def test_unknown_computation_is_reported_not_fatal(session, ids):
    _indicator(session, "BAD", "tebak_tebakan")
    _indicator(session, "OK", "tingkat_partisipasi", ids.p)
    counts = compute_all(session, date(2026, 3, 1), AFTER_MARCH)
    assert counts["galat"] == 1 and counts["dihitung"] == 1
    assert "BAD: Perhitungan 'tebak_tebakan' tidak dikenal" in counts["errors"][0]


def test_period_parsing():
    quarter = period_of(date(2026, 5, 1), "triwulan")
    assert (quarter.key, quarter.label) == ("2026-Q2", "Triwulan II 2026")
    assert parse_period("2026-t2", "quarter") == parse_period("2026-Q2", "quarter") == quarter
    december = period_of(date(2026, 12, 1), "bulan")
    assert december.next_first_day == date(2027, 1, 1)
    # Cut at midnight WIB (UTC+7): the last instant of 2026 is 16:59:59 UTC on 31 December.
    assert december.end_utc == datetime(2026, 12, 31, 17, tzinfo=UTC)
    assert month_of(datetime(2026, 12, 31, 17, tzinfo=UTC)) == "2027-01"
    assert previous_month(datetime(2026, 12, 31, 17, 30, tzinfo=UTC)) == date(2026, 12, 1)
    with pytest.raises(PeriodError, match="TAHUN-BULAN"):
        parse_month("2026-13")


def test_satisfaction_code_is_used_once(session, ids):
    session.add(Enrolment(programme_id=ids.p, household_id=ids.households[5], status="aktif"))
    # Issuing again adds nothing: every delivered household of the cycle already has its code.
    assert codes.issue_for_cycle(session, ids.cycle, "uji") == 0
    used = session.scalars(select(SatisfactionCode).where(SatisfactionCode.cycle_id == ids.cycle,
                                                          SatisfactionCode.used_at.is_not(None))).all()
    assert len(used) == 3  # h1, h2, h3 answered in the fixture
    with pytest.raises(ComplaintError, match="sudah dipakai"):
        record_survey(session, {"code": used[0].code, "score": 3})
    with pytest.raises(ComplaintError, match="tidak dikenal"):
        record_survey(session, {"code": "KS-ZZZZZZZZ", "score": 3})
    # A fresh code: accepted once, lower case typed, linked to its cycle; the second use is refused.
    fresh = SatisfactionCode(code="KS-ABCDEFGH", cycle_id=ids.cycle, household_id=ids.households[5],
                             issued_by="uji")
    session.add(fresh)
    session.flush()
    with pytest.raises(ComplaintError, match="bukan untuk penyaluran ini"):
        record_survey(session, {"code": "KS-ABCDEFGH", "cycle_id": ids.cycle + 1, "score": 4})
    response = record_survey(session, {"code": "ks-abcdefgh", "score": 4, "comment": " Bagus "})
    assert (response.cycle_id, response.training_id, response.comment) == (ids.cycle, None, "Bagus")
    with pytest.raises(ComplaintError, match="sudah dipakai"):
        record_survey(session, {"code": "KS-ABCDEFGH", "score": 5})


def test_codes_go_out_as_one_sms_campaign(session, ids):
    fresh = SatisfactionCode(code="KS-SMS23456", cycle_id=ids.cycle, household_id=ids.households[4],
                             person_id=session.get(Enrolment, 1).household.members[0].id, issued_by="uji")
    session.add(fresh)
    session.flush()

    class Celery:
        sent = []

        def send_task(self, name, kwargs, queue):
            self.sent.append((name, queue, kwargs["payload"]))

    celery = Celery()
    key, count = codes.send_codes(celery, session, "https://desa.example/publik/survei", "operator",
                                  cycle_id=ids.cycle)
    assert (key, count) == (f"satisfaction-cycle-{ids.cycle}", 1)
    name, queue, payload = celery.sent[0]
    assert (name, queue) == ("notifications.send_batch", "notifications")
    recipient = payload["recipients"][0]
    assert recipient["vars"]["kode"] == "KS-SMS23456"
    assert recipient["vars"]["tautan"] == "https://desa.example/publik/survei?kode=KS-SMS23456"
    from services.notifications.rendering import compile_template, render

    text = render(compile_template(payload["template"]), recipient["vars"])
    assert "kode KS-SMS23456" in text and "https://desa.example/publik/survei?kode=KS-SMS23456" in text


def test_cli_computes_and_rejects_a_bad_period(registry_url, monkeypatch):
    from sqlalchemy.orm import Session

    from services.cli import main
    from services.common.db import make_engine
    from services.registry.indicators.defaults import seed_indicators

    monkeypatch.setenv("REGISTRY_DATABASE_URL", registry_url)
    engine = make_engine(registry_url)
    with Session(engine) as session:
        assert seed_indicators(session) == 7
        session.commit()
    runner = CliRunner()
    bad = runner.invoke(main, ["compute-indicators", "--period", "2026-3"])
    assert bad.exit_code != 0 and "TAHUN-BULAN" in bad.output
    good = runner.invoke(main, ["compute-indicators", "--period", "2026-03"])
    assert good.exit_code == 0, good.output
    assert "dihitung 7" in good.output
    with Session(engine) as session:
        periods = sorted({v.period for v in session.scalars(select(IndicatorValue))})
    engine.dispose()
    assert periods == ["2026-03", "2026-Q1"]


def test_programme_evaluation_before_after_and_comparison(session, ids):
    from services.registry.indicators.evaluation import evaluate
    from services.registry.models import Instrument, SurveyResponse

    bps = Instrument(code="BPS14", version=1, name="BPS", purpose="kesejahteraan",
                     scoring={"threshold": 9, "rentan_threshold": 6, "band_mode": "kategori"})
    session.add(bps)
    session.flush()
    for n, day, score in ((1, "2026-01-02", 10), (1, "2026-06-02", 7), (2, "2026-01-02", 9), (2, "2026-06-02", 9),
                          (6, "2026-01-02", 11), (6, "2026-06-02", 10)):
        session.add(SurveyResponse(household_id=ids.households[n], instrument_id=bps.id, score=Decimal(score),
                                   collected_at=indicator_data.at(day), source="admin", answers={}))
    session.flush()
    result = evaluate(session, ids.p, end=datetime(2026, 12, 31, tzinfo=UTC))
    assert result.recipients == 4  # h1, h2, h3, h8
    # Income: h1 1.000.000 -> 5.000.000 (April counts now), h2 800.000 -> 1.000.000.
    assert (result.income.households, result.income.mean_change, result.income.median_change) == \
        (2, Decimal("2100000.00"), Decimal("2100000.00"))
    # Non-recipients of the recipients' band (miskin): h4 (no survey pair) and h6: 2.000.000 -> 1.900.000.
    assert result.comparison_bands == ["miskin"]
    assert (result.income_comparison.households, result.income_comparison.mean_change) == (1, Decimal("-100000.00"))
    assert (result.score.mean_before, result.score.mean_after, result.score.mean_change) == \
        (Decimal("9.50"), Decimal("8.00"), Decimal("-1.50"))
    assert result.bands == {"miskin → miskin": 1, "miskin → rentan": 1}
    assert result.score_comparison.mean_change == Decimal("-1.00")
    first = result.rows[0]
    assert (first["name"], first["income_before"], first["band_after"]) == ("Warga 1", 1000000.0, "rentan")


def test_compute_task_runs_in_the_registry_worker(registry_url, broker, processes, monkeypatch):
    from sqlalchemy.orm import Session

    from services.common.contracts import send
    from services.common.db import make_engine
    from services.registry.indicators.defaults import seed_indicators
    from tests.conftest import wait_for

    engine = make_engine(registry_url)
    with Session(engine) as session:
        seed_indicators(session)
        session.commit()

    def stored():
        with Session(engine) as session:
            return sorted((v.period, v.final) for v in session.scalars(select(IndicatorValue)))

    env = {"REGISTRY_DATABASE_URL": registry_url, "CELERY_BROKER_URL": broker}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    from services.registry.app import create_app

    app = create_app()
    processes.celery_worker("services.registry.worker", "registry", env)
    send(app.extensions["celery"], "registry.compute_indicators", {"period": "2026-03", "requested_by": "uji"})
    values = wait_for(lambda: len(stored()) == 7 and stored(), timeout=90, message="indikator dihitung")
    engine.dispose()
    # Six monthly indicators for March and the quarterly income change for Q1, all final (computed after).
    assert values == [("2026-03", True)] * 6 + [("2026-Q1", True)]
