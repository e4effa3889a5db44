"""Benchmark: import a generated roster into a fresh PostgreSQL database; rows/s and the ratio to a plain COPY.

Run: .venv/bin/python bench/import_roster.py [--rows 1000000] [--invalid 100] [--pg-url ...]

The roster is written straight to disk household by household (1 M rows never sit in a list here),
with the demo roster's own row and defect builders. In the same database and the same run, the
file is first COPYed as-is into a plain all-text staging table (psycopg ``copy``, no constraint, no
index): that is the floor any importer on this server could reach, and the import's time is
reported as a multiple of it. Then three passes through ``run_import_job`` (what the worker and
``bansos import-roster`` run): all new, the same file again, every name changed. The COPY is timed
again at the end, so a change of machine load during the run shows up as two different baselines.
"""
from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

import psycopg
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import pgdb  # noqa: E402
from services.common.db import make_engine  # noqa: E402
from services.registry import schema  # noqa: E402
from services.registry.cli.demo.people import PeopleFactory  # noqa: E402
from services.registry.cli.demo.roster import INVALID_KINDS, ROSTER_SERIALS, invalid_row, row_of  # noqa: E402
from services.registry.core.parsing import COLUMNS  # noqa: E402
from services.registry.people.importer.jobs import create_import_job, run_import_job  # noqa: E402

# The demo factory makes about 3.2 members per household.
ROWS_PER_HOUSEHOLD = 3.2


def write_rosters(folder: Path, rows: int, invalid: int, seed: int = 2026) -> tuple[Path, Path, int]:
    """roster.csv (about ``rows`` valid rows plus ``invalid`` defective ones spread evenly) and
    roster-renamed.csv (the same rows, every name + " Baru"), streamed; returns both paths and the row count."""
    factory = PeopleFactory(seed, ROSTER_SERIALS)
    rng = random.Random(seed + 1)
    plain, renamed = folder / "roster.csv", folder / "roster-renamed.csv"
    every = max(1, rows // (invalid + 1))  # valid rows between two defective ones
    recent: deque[dict] = deque(maxlen=1000)  # earlier valid rows, for the "NIK twice in one file" defect
    written = bad = 0
    with plain.open("w", encoding="utf-8", newline="") as a, renamed.open("w", encoding="utf-8", newline="") as b:
        out_a = csv.DictWriter(a, fieldnames=list(COLUMNS))
        out_b = csv.DictWriter(b, fieldnames=list(COLUMNS))
        out_a.writeheader()
        out_b.writeheader()

        def emit(row: dict) -> None:
            nonlocal written
            out_a.writerow(row)
            out_b.writerow({**row, "NAMA": row["NAMA"] + " Baru" if row["NAMA"] else ""})
            written += 1

        for number in range(1, int(rows / ROWS_PER_HOUSEHOLD) + 1):
            home = factory.household(number)
            for person in home.members:
                row = row_of(home, person)
                emit(row)
                recent.append(row)
                if bad < invalid and (written - bad) % every == 0:
                    emit(invalid_row(INVALID_KINDS[bad % len(INVALID_KINDS)], factory, home, rng.choice(recent)))
                    bad += 1
    return plain, renamed, written


def copy_baseline(url: str, path: Path) -> float:
    """Seconds to COPY ``path`` into a fresh all-text table (no index, no constraint) of the same database."""
    columns = ", ".join(f'"{name}" text' for name in COLUMNS)
    with psycopg.connect(pgdb.libpq(url)) as conn, conn.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS roster_staging; CREATE TABLE roster_staging ({columns})")
        conn.commit()
        started = time.perf_counter()
        with cur.copy("COPY roster_staging FROM STDIN WITH (FORMAT csv, HEADER true)") as copy, \
                path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                copy.write(block)
        conn.commit()
        seconds = time.perf_counter() - started
        copied = cur.execute("SELECT count(*) FROM roster_staging").fetchone()[0]
        cur.execute("DROP TABLE roster_staging")
    print(f"  plain COPY: {copied:,} rows in {seconds:.2f}s = {copied / seconds:,.0f} rows/s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--invalid", type=int, default=100)
    pgdb.add_arguments(parser)
    args = parser.parse_args()

    with pgdb.throwaway(args, schema.upgrade) as url, tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        plain, renamed, rows = write_rosters(Path(tmp), args.rows, args.invalid)
        print(f"generated {rows:,} rows ({plain.stat().st_size / 2**20:.0f} MiB) in "
              f"{time.perf_counter() - started:.1f}s")
        baseline = copy_baseline(url, plain)
        engine = make_engine(url)
        passes = (("first import (all new)", plain), ("same file again", plain), ("every name changed", renamed))
        for label, path in passes:
            with Session(engine, expire_on_commit=False) as session:
                job = create_import_job(session, path.name, str(path), "bench")
            started = time.perf_counter()
            job = run_import_job(engine, job.id)
            seconds = time.perf_counter() - started
            print(f"{label}: {rows:,} rows in {seconds:.1f}s = {rows / seconds:,.0f} rows/s, "
                  f"{seconds / baseline:.1f}x the plain COPY (imported {job.imported}, updated {job.updated}, "
                  f"unchanged {job.unchanged}, rejected {job.rejected}, status {job.status})")
        engine.dispose()
        print("COPY again after the imports (load drift check):")
        copy_baseline(url, plain)
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB")


if __name__ == "__main__":
    main()
