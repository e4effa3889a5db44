"""Chaos: the report store's disk fills up. The run fails with an Indonesian reason, /health says so,
nothing half-written stays, and once space is freed the same run finishes by itself (automatic retry)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from services.common.contracts import send
from services.reports.models import ReportRun
from tests.conftest import wait_for


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB tmpfs as the report store (needs root, as on the CI machine)."""
    mount_point = tmp_path / "store"
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"tmpfs tidak dapat dipasang: {done.stderr.strip()}")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _fill(folder: Path) -> Path:
    ballast = folder / "pemberat.bin"
    with open(ballast, "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    return ballast


def _run(app, key: str) -> ReportRun | None:
    with app.app_context(), app.extensions["database"].transaction() as session:
        return session.scalar(select(ReportRun).where(ReportRun.run_key == key))


def test_a_full_store_disk_fails_clearly_then_the_run_finishes_once_space_is_back(
        databases, tmp_var, small_disk, processes, monkeypatch, request):
    registry_url, reports_url, programme_id = databases
    # PostgreSQL goes with real Redis; SQLite with the embedded filesystem broker.
    broker = request.getfixturevalue("redis_url") if registry_url.startswith("postgresql") else ""
    env = {"CELERY_BROKER_URL": broker,
           "REPORTS_DATABASE_URL": reports_url, "REGISTRY_READ_URL": registry_url, "REPORTS_STORE": str(small_disk),
           "REPORTS_STORE_MIN_FREE_MB": "1", "REPORTS_DISK_RETRY_SECONDS": "3"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    from services.reports.app import create_app

    app = create_app()
    client = app.test_client()
    assert client.get("/health").get_json()["store"] == "ok"
    ballast = _fill(small_disk)
    health = client.get("/health")
    assert health.status_code == 503 and "kurang dari batas" in health.get_json()["store"]

    worker = processes.celery_worker("services.reports.worker", "reports", env)
    send(app.extensions["celery"], "reports.generate",
         {"run_key": "uji:disk-penuh", "report": "programme_recipients", "params": {"programme_id": programme_id},
          "formats": ["pdf", "xlsx"]})
    failed = wait_for(lambda: (run := _run(app, "uji:disk-penuh")) and run.status == "gagal" and run, timeout=60,
                      message=lambda: f"the run failing on the full disk; log:\n{worker.log_path.read_text()[-3000:]}")
    assert "penuh" in failed.error and "dicoba lagi" in failed.error
    assert not list(small_disk.rglob(".tmp-*")), "a half-written file was left behind"

    ballast.unlink()
    done = wait_for(lambda: (run := _run(app, "uji:disk-penuh")) and run.status == "selesai" and run, timeout=60,
                    message=lambda: f"the retried run; log:\n{worker.log_path.read_text()[-3000:]}")
    with app.app_context(), app.extensions["database"].transaction() as session:
        run = session.get(ReportRun, done.id)
        files = {artifact.format: Path(artifact.path) for artifact in run.artifacts}
    assert set(files) == {"pdf", "xlsx"} and all(path.stat().st_size > 0 for path in files.values())
    assert client.get("/health").status_code == 200
    shutil.rmtree(small_disk / "uji_disk-penuh", ignore_errors=True)
