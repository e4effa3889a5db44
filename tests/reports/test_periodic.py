"""Periodic reports on known data (SQLite and PostgreSQL): figures, reproducibility, files, API scoping."""
from __future__ import annotations

import csv
import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.orm import Session

from services.common.contracts import ContractError, validate
from services.common.db import make_engine
from services.registry.core.periods import previous_period
from services.registry.models import AuditEntry, Entitlement, FundingSource
from services.reports.runner import current_period, generate_run, periodic_payloads
from tests.reports.conftest import migrated_databases
from tests.reports.periodic_fixtures import EXPECTED_OCTOBER, FULL_NIKS, append_at, fill_periodic_registry

AUTH = {"Authorization": "Bearer rahasia-uji"}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def periodic(request, tmp_var):
    from services.reports.app import create_app

    registry_url, reports_url = migrated_databases(request, tmp_var)
    ids = fill_periodic_registry(registry_url)
    app = create_app({"DATABASE_URL": reports_url, "REGISTRY_READ_URL": registry_url,
                      "REPORTS_STORE": str(tmp_var / "reports"), "SERVICE_TOKEN": "rahasia-uji",
                      "CELERY_BROKER_URL": "memory://"})
    yield app, registry_url, ids
    app.extensions["database"].engine.dispose()


def generate(app, run_key, report, formats=("pdf", "xlsx", "csv"), **params):
    with app.app_context():
        return generate_run(app.extensions["database"], app.config["REGISTRY_READ_URL"],
                            app.config["REPORTS_STORE"],
                            {"run_key": run_key, "report": report, "params": params, "formats": list(formats)})


def summary_of(figures):
    return {label: value for label, value, _kind in figures["summary"]}


def table_of(figures, key):
    return next(t for t in figures["tables"] if t["key"] == key)["rows"]


def test_monthly_figures_on_known_data(periodic):
    app, _url, _ids = periodic
    run = generate(app, "uji:okt", "realisasi_bulanan", period="2026-10")
    assert run.status == "selesai", run.error
    assert run.period == "2026-10" and run.organisation_id is None and len(run.figures_sha256) == 64
    figures = run.figures
    assert {k: summary_of(figures)[k] for k in EXPECTED_OCTOBER["summary"]} == EXPECTED_OCTOBER["summary"]
    assert table_of(figures, "per_dusun") == EXPECTED_OCTOBER["dusun"]
    by_source = {row[1]: row for row in table_of(figures, "per_sumber_dana")}
    # Anggaran, Disetujui, Terikat, Tersalur periode, Tersalur kumulatif, Serapan %, Penerima
    assert by_source["Dana Desa 2026"][3:] == [3_600_000, 1_200_000, 300_000, 900_000, 900_000, 25.0, 3]
    assert by_source["CSR PT Garam 2026"][3:] == [2_000_000, 500_000, 250_000, 250_000, 250_000, 12.5, 1]
    # The 1 Oct 01:00 WIB payment (30 Sep UTC) is October's: September had nothing.
    months = dict((row[0], row[1]) for row in table_of(figures, "per_bulan"))
    assert months["September 2026"] == 0 and months["Oktober 2026"] == 1_150_000
    assert {a.format for a in run.artifacts} == {"pdf", "xlsx", "csv", "png"}
    for artifact in run.artifacts:
        data = Path(artifact.path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == artifact.sha256
        assert not any(nik.encode() in data for nik in FULL_NIKS)
    files = {a.format: a.path for a in run.artifacts}
    text = "".join(page.extract_text() for page in PdfReader(files["pdf"]).pages)
    assert "Laporan Realisasi Bulanan Desa" in text and "Oktober 2026" in text and "Rp1.150.000" in text
    assert run.figures_sha256 in text and "Penerima Nomor" not in text
    sheet = list(load_workbook(files["xlsx"], read_only=True)["per_dusun"]
                 .iter_rows(values_only=True))
    assert sheet == [("Kode desa", "Desa", "Dusun", "Penerima (KK)", "Tersalur"),
                     ("35.26.04.2001", "Kamal", "Krajan", 3, 850000), ("35.26.04.2001", "Kamal", "Tlaga", 1, 300000)]
    with open(files["csv"], encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert ["35.26.04.2001", "Kamal", "Krajan", "3", "850000"] in rows
    assert ["[per_dusun]", "Penerima dan dana tersalur per desa dan dusun"] in rows
    assert Path(files["png"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_past_month_is_reproducible_current_month_moves(periodic):
    app, url, ids = periodic
    now = current_period()
    first = generate(app, "uji:okt:1", "realisasi_bulanan", formats=("csv",), period="2026-10")
    current_before = generate(app, "uji:kini:1", "realisasi_bulanan", formats=("csv",), period=now)
    # After October closed: a new payment, a cancelled entitlement (change request) and the budget raised
    # in the admin (audited edit).
    engine = make_engine(url)
    with Session(engine) as session:
        session.get(Entitlement, ids["sembako_unpaid"]).status = "dibatalkan"
        append_at(session, datetime.now(UTC), cycle_id=ids["blt_cycle"], entitlement_id=ids["blt_unpaid"],
                  event="paid", amount=300000)
        source = session.get(FundingSource, ids["dd"])
        source.budget = 9_000_000
        session.add(AuditEntry(actor="operator", action="update", entity="funding_source",
                               entity_id=str(ids["dd"]), details={"budget": ["3600000.00", "9000000"]}))
        session.commit()
    engine.dispose()
    again = generate(app, "uji:okt:2", "realisasi_bulanan", formats=("csv",), period="2026-10")
    assert again.id != first.id
    assert again.figures == first.figures and again.figures_sha256 == first.figures_sha256
    assert summary_of(again.figures)["Tersalur s.d. akhir periode"] == 1_150_000
    assert summary_of(again.figures)["Anggaran"] == 5_600_000
    current_after = generate(app, "uji:kini:2", "realisasi_bulanan", formats=("csv",), period=now)
    assert current_after.figures_sha256 != current_before.figures_sha256
    assert (summary_of(current_after.figures)["Tersalur periode ini"]
            == summary_of(current_before.figures)["Tersalur periode ini"] + 300_000)
    assert summary_of(current_after.figures)["Anggaran"] == 11_000_000
    assert summary_of(current_after.figures)["Disetujui"] == summary_of(first.figures)["Disetujui"] - 250_000


def test_partner_quarterly_only_its_programmes(periodic):
    app, _url, ids = periodic
    run = generate(app, "uji:csr", "mitra_triwulan", period="2026-Q4", organisation_id=ids["csr"])
    assert run.status == "selesai", run.error
    assert run.organisation_id == ids["csr"] and run.figures["organisation"] == "PT Garam Bangkalan Lestari"
    summary = summary_of(run.figures)
    assert summary["Anggaran dari dana mitra"] == 2_000_000
    assert summary["Dana mitra tersalur s.d. akhir triwulan"] == 250_000 and summary["Anggaran"] == 2_000_000
    assert table_of(run.figures, "program_mitra") == [["SEMBAKO-CSR-2026 - Sembako CSR 2026", "penyandang dana"]]
    assert table_of(run.figures, "pelatihan") == [["Menjahit", 1, 1, 1]]
    assert table_of(run.figures, "modal_usaha")[0] == ["Hibah modal usaha", 1, 1_000_000, 1_000_000, 0]
    outcomes = {row[0]: row for row in table_of(run.figures, "hasil")}
    assert outcomes["Survei lanjutan pelatihan dijawab"][1] == 1
    assert outcomes["Rata-rata pendapatan bulanan peserta"][2] == 1_500_000
    lsm = generate(app, "uji:lsm", "mitra_triwulan", formats=("csv",), period="2026-Q4", organisation_id=ids["lsm"])
    assert [r[0] for r in table_of(lsm.figures, "per_program")] == ["BLT-DD-2026 - BLT Dana Desa 2026"]
    assert summary_of(lsm.figures)["Anggaran dari dana mitra"] == 0
    assert table_of(lsm.figures, "pelatihan") == []


def test_annual_month_by_month(periodic):
    app, _url, _ids = periodic
    run = generate(app, "uji:2026", "tahunan_kabupaten", formats=("xlsx",), period="2026")
    months = table_of(run.figures, "per_bulan")
    assert len(months) == 12 and months[9] == ["Oktober 2026", 1_150_000, 4]
    kinds = {row[0]: row for row in table_of(run.figures, "per_jenis_dana")}
    assert kinds["Dana Desa/APBDes"][1] == 3_600_000 and kinds["Mitra CSR"][1] == 2_000_000


def test_bad_period_fails_with_reason_and_contract_checks(periodic):
    app, _url, _ids = periodic
    with pytest.raises(ValueError, match="YYYY-Qn"):
        generate(app, "uji:salah", "mitra_triwulan", period="2026-13", organisation_id=1)
    with pytest.raises(ContractError):
        validate("reports.generate", {"run_key": "x", "report": "mitra_triwulan", "params": {"period": "2026-Q1"},
                                      "formats": ["pdf"]})
    with pytest.raises(ContractError):
        validate("reports.generate", {"run_key": "x", "report": "programme_recipients",
                                      "params": {"period": "2026-10"}, "formats": ["pdf"]})


def test_scheduled_payloads_one_per_partner(periodic):
    app, url, ids = periodic
    quarterly = periodic_payloads(url, "mitra_triwulan", "2026-Q3")
    assert [p["params"] for p in quarterly] == [{"period": "2026-Q3", "organisation_id": ids["lsm"]},
                                                 {"period": "2026-Q3", "organisation_id": ids["csr"]}]
    assert quarterly[0]["run_key"] == f"jadwal:mitra_triwulan:2026-Q3:{ids['lsm']}"
    for payload in quarterly + periodic_payloads(url, "realisasi_bulanan"):
        validate("reports.generate", payload)
    jakarta_now = datetime(2027, 1, 1, 6, tzinfo=UTC)
    assert previous_period("month", jakarta_now) == "2026-12"
    assert previous_period("quarter", jakarta_now) == "2026-Q4" and previous_period("year", jakarta_now) == "2026"
    beat = app.config["CELERY_BEAT_SCHEDULE"]
    assert beat["reports-mitra-triwulan"]["kwargs"] == {"payload": {"report": "mitra_triwulan"}}
    assert beat["reports-realisasi-bulanan"]["schedule"].day_of_month == {1}


def test_api_scopes_partner_runs_and_public_chart(periodic):
    app, _url, ids = periodic
    village = generate(app, "uji:desa", "realisasi_bulanan", formats=("csv",), period="2026-10")
    csr = generate(app, "uji:csr", "mitra_triwulan", formats=("csv",), period="2026-Q4", organisation_id=ids["csr"])
    lsm = generate(app, "uji:lsm", "mitra_triwulan", formats=("csv",), period="2026-Q4", organisation_id=ids["lsm"])
    client = app.test_client()
    scope = f"organisation_id={ids['csr']}&programme_id={ids['sembako']}"
    listed = client.get(f"/api/runs?{scope}", headers=AUTH).get_json()["runs"]
    assert [r["id"] for r in listed] == [csr.id] and listed[0]["figures_sha256"] == csr.figures_sha256
    assert client.get(f"/api/runs/{csr.id}?{scope}", headers=AUTH).get_json()["figures"] == csr.figures
    for foreign in (lsm, village):
        assert client.get(f"/api/runs/{foreign.id}?{scope}", headers=AUTH).status_code == 404
        for artifact in foreign.artifacts:
            assert client.get(f"/api/artifacts/{artifact.id}?{scope}", headers=AUTH).status_code == 404
            assert client.get(f"/api/artifacts/{artifact.id}/download?{scope}", headers=AUTH).status_code == 404
    own = csr.artifacts[0]
    body = client.get(f"/api/artifacts/{own.id}/download?{scope}", headers=AUTH).data
    assert hashlib.sha256(body).hexdigest() == own.sha256
    everything = client.get("/api/runs", headers=AUTH).get_json()["runs"]
    assert {r["id"] for r in everything} == {village.id, csr.id, lsm.id}
    chart = client.get(f"/publik/laporan/{village.id}/grafik.png")
    png = next(a for a in village.artifacts if a.format == "png")
    assert chart.status_code == 200 and chart.mimetype == "image/png"
    assert hashlib.sha256(chart.data).hexdigest() == png.sha256
    assert client.get(f"/publik/laporan/{csr.id}/grafik.png").status_code == 404
    assert client.get("/publik/laporan/9999/grafik.png").status_code == 404
