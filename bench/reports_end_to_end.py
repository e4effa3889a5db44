"""Benchmark: the programme recipients PDF for 10,000 recipients end to end, as the worker builds it.

A fresh SQLite registry gets N households, persons and enrolments (bulk inserts, not timed); the clock
then runs over ``generate_run`` with the task payload: reading the registry (read-only engine), masking,
rendering the PDF, hashing, writing the artifact atomically and recording the run. Target: under 20 s."""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session


def fill(url: str, count: int) -> int:
    from services.common.db import make_engine
    from services.registry.models import Enrolment, Household, Person, Programme

    engine = make_engine(url)
    with Session(engine) as session:
        programme = Programme(code="BLT-DD-2026", name="BLT Dana Desa 2026", kind="tunai", benefit_amount=300000)
        session.add(programme)
        session.flush()
        for start in range(0, count, 2000):
            ids = range(start + 1, min(start + 2000, count) + 1)
            session.execute(insert(Household), [{"id": i, "no_kk": f"3526{i:012d}", "rt": f"00{i % 5 + 1}",
                                                 "rw": f"00{i % 3 + 1}", "dusun": f"Dusun {i % 4 + 1}",
                                                 "desa": "Kamal"} for i in ids])
            session.execute(insert(Person), [{"id": i, "household_id": i, "nik": f"3526{i:012d}",
                                              "name": f"Penerima Nomor {i}", "sex": "L",
                                              "birth_date": date(1980, 1, 1),
                                              "relationship_to_head": "KEPALA KELUARGA"} for i in ids])
            session.execute(insert(Enrolment), [{"programme_id": programme.id, "household_id": i, "recipient_id": i,
                                                 "status": "aktif"} for i in ids])
        session.commit()
        programme_id = programme.id
    engine.dispose()
    return programme_id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["BANSOS_VAR"], os.environ["BANSOS_DEMO"] = folder, "1"
        from services.registry import schema as registry_schema
        from services.reports import schema as reports_schema
        from services.reports.app import create_app
        from services.reports.runner import generate_run

        registry_url, reports_url = f"sqlite:///{folder}/registry.db", f"sqlite:///{folder}/reports.db"
        registry_schema.upgrade(registry_url)
        reports_schema.upgrade(reports_url)
        programme_id = fill(registry_url, args.recipients)
        app = create_app({"DATABASE_URL": reports_url, "REGISTRY_READ_URL": registry_url,
                          "REPORTS_STORE": f"{folder}/store", "CELERY_BROKER_URL": "memory://"})
        payload = {"run_key": "bench:1", "report": "programme_recipients",
                   "params": {"programme_id": programme_id, "period": "2026-10"}, "formats": ["pdf"]}
        with app.app_context():
            start = time.perf_counter()
            run = generate_run(app.extensions["database"], registry_url, app.config["REPORTS_STORE"], payload)
            elapsed = time.perf_counter() - start
        pdf = run.artifacts[0]
        print(f"pdf end-to-end: {args.recipients:,} penerima dalam {elapsed:.1f} s "
              f"(status {run.status}, {Path(pdf.path).stat().st_size / 1024:.0f} KiB)")
        app.extensions["database"].engine.dispose()


if __name__ == "__main__":
    main()
