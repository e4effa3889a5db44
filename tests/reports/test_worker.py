"""Real worker and beat processes: reports.generate sent by name, and the monthly schedule firing."""
from __future__ import annotations

import sys

import pytest
from sqlalchemy import select

from services.common.contracts import send
from services.reports.models import ReportRun
from tests.conftest import wait_for


def _env(databases, tmp_var, broker: str | None) -> dict:
    registry_url, reports_url, _ = databases
    env = {"REPORTS_DATABASE_URL": reports_url, "REGISTRY_READ_URL": registry_url,
           "REPORTS_STORE": str(tmp_var / "reports")}
    if broker:
        env["CELERY_BROKER_URL"] = broker
    return env


def _runs(app) -> list[ReportRun]:
    with app.app_context(), app.extensions["database"].transaction() as session:
        return list(session.scalars(select(ReportRun).order_by(ReportRun.id)))


@pytest.fixture
def broker(databases, request):
    # PostgreSQL goes with real Redis; SQLite with the embedded filesystem broker (BANSOS_VAR/broker).
    return request.getfixturevalue("redis_url") if databases[0].startswith("postgresql") else None


def test_worker_generates_by_name(databases, tmp_var, broker, processes, monkeypatch):
    env = _env(databases, tmp_var, broker)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    from services.reports.app import create_app

    app = create_app()
    processes.celery_worker("services.reports.worker", "reports", env)
    send(app.extensions["celery"], "reports.generate",
         {"run_key": "uji:worker", "report": "programme_recipients", "params": {"programme_id": databases[2]},
          "formats": ["pdf", "xlsx"]})
    wait_for(lambda: [r for r in _runs(app) if r.status == "selesai"], timeout=60, message="run selesai")
    run = _runs(app)[0]
    assert run.run_key == "uji:worker" and run.programme_id == databases[2]
    assert (tmp_var / "reports" / "uji_worker").is_dir()
    assert len(list((tmp_var / "reports" / "uji_worker").glob("*.pdf"))) == 1


def _worker_and_beat(env: dict, tmp_var, processes, monkeypatch):
    """The reports app in this process, plus a real worker and beat on the same settings."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    from services.reports.app import create_app

    app = create_app()
    processes.celery_worker("services.reports.worker", "reports", env)
    processes.start("beat", [sys.executable, "-m", "celery", "-A", "services.reports.worker", "beat",
                             "-s", str(tmp_var / "celerybeat-schedule"), "--loglevel", "INFO"], env)
    return app


def test_beat_schedules_monthly(databases, tmp_var, broker, processes, monkeypatch):
    from services.reports.runner import current_period

    env = {**_env(databases, tmp_var, broker), "REPORTS_MONTHLY_SCHEDULE": "2"}
    app = _worker_and_beat(env, tmp_var, processes, monkeypatch)
    expected = f"bulanan:{databases[2]}:{current_period()}"
    wait_for(lambda: [r for r in _runs(app) if r.run_key == expected and r.status == "selesai"],
             timeout=60, message="laporan bulanan")
    run = next(r for r in _runs(app) if r.run_key == expected)
    assert run.params["period"] == current_period() and run.requested_by == "jadwal bulanan"


def test_beat_schedules_periodic_realisation_for_last_month(databases, tmp_var, broker, processes, monkeypatch):
    from services.registry.core.periods import previous_period

    env = {**_env(databases, tmp_var, broker), "REPORTS_REALISATION_SCHEDULE": "2"}
    app = _worker_and_beat(env, tmp_var, processes, monkeypatch)
    expected = f"jadwal:realisasi_bulanan:{previous_period('month')}"
    wait_for(lambda: [r for r in _runs(app) if r.run_key == expected and r.status == "selesai"],
             timeout=90, message="laporan realisasi terjadwal")
    runs = [r for r in _runs(app) if r.report == "realisasi_bulanan"]
    # Beat fires every 2 s here; the run_key makes every later firing ask for the same finished run.
    assert [r.run_key for r in runs] == [expected] and len(runs[0].figures_sha256) == 64
    assert runs[0].period == previous_period("month") and runs[0].requested_by == "jadwal"
