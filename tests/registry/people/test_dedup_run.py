"""`bansos dedup --export` as an operator runs it, and `registry.dedup_run` through a real Celery worker."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.common import contracts
from services.common.db import make_engine
from services.registry import schema
from services.registry.app import create_app
from services.registry.models import AuditEntry, DedupCluster, DedupRun
from tests.helpers import wait_for
from tests.helpers.cli import bansos as run_bansos
from tests.registry.people.dedup_data import tricky_registry


def bansos(*args: str, url: str, var: Path):
    return run_bansos(*args, url=url, var=var, demo=False)


def _seed(url: str) -> None:
    schema.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        tricky_registry(session)
    engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_cli_runs_the_check_and_exports_the_csv(kind, request, tmp_var, tmp_path):
    url = f"sqlite:///{tmp_var / 'registry.db'}" if kind == "sqlite" else request.getfixturevalue("pg").create("dd")
    _seed(url)
    out = tmp_path / "ganda.csv"
    run = bansos("dedup", "--export", str(out), url=url, var=tmp_var)
    assert run.returncode == 0, run.stderr
    assert "4 kelompok (4 baru" in run.stdout and "8 baris ditulis" in run.stdout
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["cluster_id", "NIK", "NO_KK", "NAMA", "TANGGAL_LAHIR", "score"]
    assert len({r["cluster_id"] for r in rows}) == 4 and all(len(r["NIK"]) == 16 for r in rows)
    again = bansos("dedup", url=url, var=tmp_var)
    assert "4 kelompok (0 baru" in again.stdout


@pytest.mark.slow
def test_dedup_task_through_a_worker_on_sqlite_and_the_filesystem_broker(processes, tmp_var):
    url = f"sqlite:///{tmp_var / 'registry.db'}"
    _seed(url)
    env = {"CELERY_BROKER_URL": "", "REDIS_URL": "", "BANSOS_VAR": str(tmp_var)}
    worker = processes.celery_worker("services.registry.worker", "registry", {"REGISTRY_DATABASE_URL": url, **env})
    app = create_app({"DATABASE_URL": url})
    engine = make_engine(url)
    try:
        celery = app.extensions["celery"]
        # sent twice with one key (a redelivery): the run happens once
        contracts.send(celery, "registry.dedup_run", {"run_key": "admin-1", "requested_by": "operator"})
        contracts.send(celery, "registry.dedup_run", {"run_key": "admin-1", "requested_by": "operator"})

        def both_handled():
            assert worker.poll() is None, worker.log_path.read_text()
            return len(re.findall(r"registry\.dedup_run\[[^\]]+\] succeeded", worker.log_path.read_text())) >= 2

        wait_for(both_handled, timeout=60,
                 message=lambda: f"two deliveries; log:\n{worker.log_path.read_text()[-3000:]}")
        with Session(engine) as session:
            run = session.execute(select(DedupRun)).scalar_one()
            assert (run.run_key, run.status, run.requested_by) == ("admin-1", "selesai", "operator")
            assert run.counts["new"] == 4 and run.finished_at is not None
            assert session.execute(select(func.count()).select_from(DedupCluster)).scalar_one() == 4
            actors = session.execute(select(AuditEntry.actor).where(AuditEntry.action == "dedup_run")).scalars().all()
            assert actors == ["operator"]
    finally:
        engine.dispose()
