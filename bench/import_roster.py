"""Benchmark: import a generated 100k-row roster into a fresh PostgreSQL database and print rows/s.

Run: .venv/bin/python bench/import_roster.py [--rows 100000] [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.common.db import make_engine  # noqa: E402
from services.registry import schema  # noqa: E402
from services.registry.demo.roster import roster_rows, write_roster  # noqa: E402
from services.registry.importer.jobs import create_import_job, run_import_job  # noqa: E402

# About 3.2 rows (members) per generated per generated household.
ROWS_PER_HOUSEHOLD = 3.2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--invalid", type=int, default=100)
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--pg-admin-dsn", default="host=127.0.0.1 port=5432 user=postgres dbname=postgres")
    args = parser.parse_args()

    name = f"bansos_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.pg_admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{args.pg_url}/{name}"
    try:
        schema.upgrade(url)
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            rows = roster_rows(int(args.rows / ROWS_PER_HOUSEHOLD), args.invalid)
            path = write_roster(Path(folder) / "roster.csv", rows)
            print(f"generated {len(rows)} rows in {time.perf_counter() - started:.1f}s")
            # Every member renamed: the third pass updates every person.
            renamed = write_roster(Path(folder) / "roster-renamed.csv",
                                   [{**row, "NAMA": row["NAMA"] + " Baru" if row["NAMA"] else ""} for row in rows])
            engine = make_engine(url)
            passes = (("first import", path), ("re-import (unchanged)", path), ("re-import (all renamed)", renamed))
            for label, path in passes:
                with Session(engine, expire_on_commit=False) as session:
                    job = create_import_job(session, path.name, str(path), "bench")
                started = time.perf_counter()
                job = run_import_job(engine, job.id)
                seconds = time.perf_counter() - started
                print(f"{label}: {len(rows)} rows in {seconds:.2f}s = {len(rows) / seconds:,.0f} rows/s "
                      f"(imported {job.imported}, updated {job.updated}, unchanged {job.unchanged}, "
                      f"rejected {job.rejected}, status {job.status})")
            engine.dispose()
    finally:
        with psycopg.connect(args.pg_admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
