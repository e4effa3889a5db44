"""Roster upload: the job is committed, then the task is sent; a real registry worker imports it."""
from __future__ import annotations

import csv
import io
import re

from sqlalchemy import func, select

from services.registry.cli.demo.roster import roster_rows, write_roster
from services.registry.models import Area, ImportJob
from tests.admin.stack import login, queued_tasks
from tests.helpers import wait_for

INVALID_ROWS = 3


def upload(client, path, name=None):
    with open(path, "rb") as handle:
        return client.post("/imports/upload", data={"roster": (handle, name or path.name)},
                           content_type="multipart/form-data")


def job_id_from(response) -> int:
    assert response.status_code == 302, response.data[:500]
    return int(re.search(r"/imports/(\d+)$", response.headers["Location"]).group(1))


def test_upload_creates_job_then_sends_one_task(client, db, stack, tmp_path):
    stack.flush_broker()
    roster = write_roster(tmp_path / "data keluarga.csv", roster_rows(5, INVALID_ROWS, seed=11))
    login(client, "operator")
    job_id = job_id_from(upload(client, roster))
    job = db.get(ImportJob, job_id)
    assert job.status == "antre" and job.filename == "data keluarga.csv" and job.created_by == "operator"
    stored = stack.var / "uploads"
    assert job.stored_path.startswith(str(stored)) and "keluarga" not in job.stored_path
    assert open(job.stored_path, "rb").read() == roster.read_bytes()
    assert queued_tasks(stack.broker, stack.var, "registry") == [
        ("registry.import_roster", {"payload": {"import_id": job_id}})
    ]
    stack.flush_broker()


def test_a_village_operators_upload_without_a_code_goes_to_their_own_desa(client, db, stack, tmp_path):
    stack.flush_broker()
    roster = write_roster(tmp_path / "gili.csv", roster_rows(3, 0, seed=12))
    login(client, "operator_gilianyar")
    job = db.get(ImportJob, job_id_from(upload(client, roster)))
    gili = db.scalar(select(Area.id).where(Area.code == "35.26.04.2005"))
    assert gili is not None and job.area_id == gili  # never the install's default desa (Kamal)
    stack.flush_broker()


def test_upload_refuses_a_zip_bomb_before_any_job_or_task(client, db, stack, tmp_path):
    from tests.registry.core.test_spreadsheet_limits import zip_bomb

    stack.flush_broker()
    bomb = zip_bomb(tmp_path / "bom.xlsx")
    login(client, "operator")
    before = db.scalar(select(func.count(ImportJob.id)))
    response = upload(client, bomb)
    page = response.data.decode()
    assert response.status_code == 200 and "Lembar kerja terlalu besar" in page and "256 MB" in page
    assert db.scalar(select(func.count(ImportJob.id))) == before  # nothing left "berjalan" or "antre"
    assert queued_tasks(stack.broker, stack.var, "registry") == []
    assert not list((stack.var / "uploads").glob("*.xlsx"))  # the refused file is not kept


def test_upload_refuses_other_file_types(client, db, stack, tmp_path):
    stack.flush_broker()
    bogus = tmp_path / "daftar.txt"
    bogus.write_text("NIK,NAMA\n")
    login(client, "operator")
    before = db.scalar(select(func.count(ImportJob.id)))
    response = upload(client, bogus)
    assert response.status_code == 200 and ".csv atau .xlsx" in response.data.decode()
    assert db.scalar(select(func.count(ImportJob.id))) == before
    assert queued_tasks(stack.broker, stack.var, "registry") == []


def test_real_worker_imports_upload_and_page_shows_summary(client, stack, processes, tmp_path):
    stack.flush_broker()
    rows = roster_rows(8, INVALID_ROWS, seed=12)
    roster = write_roster(tmp_path / "roster.xlsx", rows)
    env = {"REGISTRY_DATABASE_URL": stack.url, "CELERY_BROKER_URL": stack.broker, "BANSOS_VAR": str(stack.var),
           "BANSOS_DEMO": "1"}
    processes.celery_worker("services.registry.worker", "registry", env, concurrency=1)
    login(client, "operator")
    job_id = job_id_from(upload(client, roster))
    status = wait_for(lambda: (s := client.get(f"/imports/{job_id}/status.json").get_json())["done"] and s,
                      timeout=60, message="import finished by the registry worker")
    assert status["status"] == "selesai", status
    assert status["rejected"] == INVALID_ROWS and status["imported"] == len(rows) - INVALID_ROWS
    assert status["percent"] == 100
    page = client.get(f"/imports/{job_id}").data.decode()
    summary = re.search(r'id="import-summary">([^<]*)<', page).group(1)
    assert f"diimpor {len(rows) - INVALID_ROWS}, diperbarui 0, ditolak {INVALID_ROWS}" in summary
    assert f'href="/imports/{job_id}/rejections.csv"' in page and 'id="rejections-download"' in page
    report = client.get(f"/imports/{job_id}/rejections.csv")
    assert report.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(report.data.decode())))
    assert lines[0] == ["BARIS", "NIK", "ALASAN"] and len(lines) == 1 + INVALID_ROWS
    assert all(line[2].strip() for line in lines[1:])
    listing = client.get("/imports/").data.decode()
    assert f'href="/imports/{job_id}"' in listing and "roster.xlsx" in listing


def test_unknown_import_is_404(client):
    login(client, "operator")
    assert client.get("/imports/999999").status_code == 404
    assert client.get("/imports/999999/status.json").status_code == 404


def test_upload_over_the_size_limit_is_refused(client, db, stack, tmp_path):
    stack.flush_broker()
    roster = write_roster(tmp_path / "besar.csv", roster_rows(20, 0, seed=13))
    before = db.scalar(select(func.count(ImportJob.id)))
    limit = stack.app.config["MAX_CONTENT_LENGTH"]
    stack.app.config["MAX_CONTENT_LENGTH"] = 512  # bytes; the roster is several kilobytes
    assert roster.stat().st_size > 512
    try:
        login(client, "operator")
        response = upload(client, roster)
    finally:
        stack.app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413 and "Berkas terlalu besar" in response.data.decode()
    assert db.scalar(select(func.count(ImportJob.id))) == before
    assert queued_tasks(stack.broker, stack.var, "registry") == []
