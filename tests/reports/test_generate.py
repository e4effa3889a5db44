"""In-process report generation: PDF text, XLSX and CSV contents, masking, idempotency, the API."""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import update

from services.common.privacy import mask_nik
from services.reports.models import ReportRun
from services.reports.runner import generate_run
from tests.reports.conftest import FULL_NIKS

AUTH = {"Authorization": "Bearer rahasia-uji"}


def payload(programme_id: int, run_key: str = "uji:1", formats=("pdf", "xlsx", "csv")) -> dict:
    return {"run_key": run_key, "report": "programme_recipients",
            "params": {"programme_id": programme_id, "period": "2026-11"}, "formats": list(formats)}


def _generate(app, programme_id, **kwargs):
    with app.app_context():
        return generate_run(app.extensions["database"], app.config["REGISTRY_READ_URL"],
                            app.config["REPORTS_STORE"], payload(programme_id, **kwargs))


def test_artifacts_contents_masked(reports_app, databases):
    run = _generate(reports_app, databases[2])
    assert run.status == "selesai"
    files = {a.format: a for a in run.artifacts}
    assert set(files) == {"pdf", "xlsx", "csv"}
    for artifact in files.values():
        data = Path(artifact.path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == artifact.sha256 and len(data) == artifact.size_bytes
        for nik in FULL_NIKS:
            assert nik.encode() not in data
    text = "".join(page.extract_text() for page in PdfReader(files["pdf"].path).pages)
    assert "BLT Dana Desa 2026" in text and "Halaman 1" in text
    assert mask_nik(FULL_NIKS[0]).replace("\u2022", "*") in text  # the PDF prints mask bullets as '*'
    assert not any(nik in text for nik in FULL_NIKS)
    rows = list(load_workbook(files["xlsx"].path, read_only=True)["Penerima"].iter_rows(values_only=True))
    assert rows[0][:3] == ("No", "NIK", "Nama Penerima") and len(rows) - 1 == len(FULL_NIKS)
    with open(files["csv"].path, encoding="utf-8") as handle:
        csv_rows = list(csv.reader(handle))
    assert len(csv_rows) == 1 + len(FULL_NIKS) and csv_rows[1][1] in {mask_nik(n) for n in FULL_NIKS}


def test_idempotent_and_crash_redo(reports_app, databases):
    first = _generate(reports_app, databases[2], formats=("csv",))
    again = _generate(reports_app, databases[2], formats=("csv",))
    assert again.id == first.id and again.artifacts[0].id == first.artifacts[0].id
    with reports_app.app_context():
        with reports_app.extensions["database"].transaction() as session:
            session.execute(update(ReportRun).values(status="berjalan"))
    redone = _generate(reports_app, databases[2], formats=("csv",))
    assert redone.status == "selesai" and len(redone.artifacts) == 1
    assert redone.artifacts[0].created_at > first.artifacts[0].created_at


def test_api_filter_and_auth(reports_app, databases):
    _generate(reports_app, databases[2], run_key="uji:a", formats=("csv",))
    client = reports_app.test_client()
    denied = client.get("/api/runs")
    assert denied.status_code == 401 and "token" in denied.get_json()["error"]
    runs = client.get(f"/api/runs?programme_id={databases[2]}", headers=AUTH).get_json()["runs"]
    assert [r["run_key"] for r in runs] == ["uji:a"]
    assert client.get("/api/runs?programme_id=999", headers=AUTH).get_json()["runs"] == []
    artifact = runs[0]["artifacts"][0]
    meta = client.get(f"/api/artifacts/{artifact['id']}", headers=AUTH).get_json()
    assert meta["programme_id"] == databases[2] and meta["sha256"] == artifact["sha256"]
    body = client.get(f"/api/artifacts/{artifact['id']}/download", headers=AUTH).data
    assert hashlib.sha256(body).hexdigest() == artifact["sha256"]
    assert client.get("/api/artifacts/9999", headers=AUTH).status_code == 404
