"""Benchmark: every indicator computation over a large registry on PostgreSQL.

Run: .venv/bin/python bench/indicators.py [--households 100000]
Generates (COPY) households with welfare bands, one programme with enrolments, a March cycle with one
entitlement per enrolled household, ledger events for 90 % of them, two needs surveys for a third of the
households, closed complaints and satisfaction answers; then times each computation for March, village-wide
and for the programme, and one ``compute_all`` of the seven default indicators."""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
from psycopg.types.json import Json
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import pgdb  # noqa: E402
from services.common.db import make_engine  # noqa: E402
from services.registry import schema  # noqa: E402
from services.registry.core.periods import period_of  # noqa: E402
from services.registry.indicators.computations import COMPUTATIONS, Scope  # noqa: E402
from services.registry.indicators.defaults import seed_indicators  # noqa: E402
from services.registry.indicators.snapshots import compute_all  # noqa: E402


def generate(dsn: str, households: int) -> None:
    rng = random.Random(2026)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    enrolled = [i for i in range(1, households + 1) if i % 5 == 0]
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO programme (id, code, name, kind, status, created_at) "
                    "VALUES (1, 'BENCH', 'Program bench', 'tunai', 'aktif', now())")
        cur.execute("INSERT INTO funding_source (programme_id, name, kind, budget, fiscal_year, created_at) "
                    "VALUES (1, 'Dana', 'dana_desa', %s, 2026, now())", (len(enrolled) * 300000 * 2,))
        cur.execute("INSERT INTO cycle (id, programme_id, name, period_start, period_end, status, created_at) "
                    "VALUES (1, 1, 'Maret', '2026-03-01', '2026-03-31', 'disetujui', now())")
        cur.execute("INSERT INTO survey_instrument (id, code, version, name, purpose, active, scoring, created_at) "
                    "VALUES (1, 'KEBUTUHAN-DESA', 1, 'Kebutuhan', 'kebutuhan', true, '{}', now())")
        with cur.copy("COPY household (id, no_kk, desa, dusun, rt, rw, created_at, updated_at) FROM STDIN") as copy:
            for i in range(1, households + 1):
                copy.write_row((i, f"3526{i:012d}", "Kamal", f"Dusun {i % 7}", "001", "002", now, now))
        with cur.copy("COPY household_welfare (household_id, band, explanation) FROM STDIN") as copy:
            for i in range(1, households + 1):
                copy.write_row((i, rng.choice(("miskin", "rentan", "tidak_miskin", "tidak_miskin")), Json({})))
        with cur.copy("COPY enrolment (programme_id, household_id, status, enrolled_on, created_at) "
                      "FROM STDIN") as copy:
            for i in enrolled:
                copy.write_row((1, i, "aktif", date(2026, 2, 1), now))
        with cur.copy("COPY entitlement (id, cycle_id, programme_id, household_id, amount, channel, status, "
                      "snapshot, created_at, updated_at) FROM STDIN") as copy:
            for n, i in enumerate(enrolled, start=1):
                copy.write_row((n, 1, 1, i, 300000, "tunai", "disalurkan", Json({}), now, now))
        with cur.copy("COPY ledger_entry (seq, cycle_id, entitlement_id, event, amount, actor, at, payload, "
                      "prev_hash, hash) FROM STDIN") as copy:
            for n in range(1, len(enrolled) + 1):
                if n % 10:
                    at = now + timedelta(days=rng.randint(0, 33), hours=rng.randint(0, 23))
                    copy.write_row((n, 1, n, rng.choice(("paid", "collected")), 300000, "bench", at, Json({}),
                                    f"{n - 1:064d}", f"{n:064d}"))
        with cur.copy("COPY survey_response (household_id, instrument_id, collected_at, source, answers, created_at) "
                      "FROM STDIN") as copy:
            for i in range(1, households + 1, 3):
                income = rng.randint(5, 40) * 100000
                for visit in range(2):
                    copy.write_row((i, 1, datetime(2026, 1 + visit * 2, 5, tzinfo=UTC), "demo",
                                    Json({"pendapatan_bulanan": income + visit * rng.randint(-2, 5) * 100000}), now))
        with cur.copy("COPY complaint (tracking_code, channel, category, sensitive, title, body, anonymous, status, "
                      "received_at, closed_at, escalation_level, recorded_by, programme_id) FROM STDIN") as copy:
            for n in range(households // 20):
                received = now + timedelta(days=rng.randint(-20, 25))
                copy.write_row((f"ADU-{n:08d}", "web", "layanan", False, "x", "x", False, "selesai", received,
                                received + timedelta(days=rng.randint(1, 20)), 0, "bench", 1 if n % 2 else None))
        with cur.copy("COPY satisfaction_response (code, cycle_id, score, created_at) FROM STDIN") as copy:
            for n in range(len(enrolled) // 2):
                copy.write_row((f"KS-{n:08d}", 1, rng.randint(1, 5), now + timedelta(days=rng.randint(0, 30))))
        conn.commit()
        conn.autocommit = True
        cur.execute("ANALYZE")
    print(f"generated {households} households, {len(enrolled)} entitlements")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=100_000)
    pgdb.add_arguments(parser)
    args = parser.parse_args()
    with pgdb.throwaway(args, schema.upgrade, prefix="bansos_bench_indicators") as url:
        engine = make_engine(url)
        generate(pgdb.libpq(url), args.households)
        march = period_of(date(2026, 3, 1), "bulan")
        with Session(engine) as session:
            for computation, function in COMPUTATIONS.items():
                for programme_id in (None, 1):
                    started = time.perf_counter()
                    result = function(session, Scope(march, programme_id, {}))
                    print(f"{computation:30s} programme={programme_id!s:4s} value={result.value!s:>12s} "
                          f"{time.perf_counter() - started:6.2f}s")
            seed_indicators(session, ("BENCH",))
            started = time.perf_counter()
            counts = compute_all(session, date(2026, 3, 1), datetime(2026, 4, 2, tzinfo=UTC), actor="bench")
            session.commit()
            print(f"compute_all: {counts['dihitung']} indicators in {time.perf_counter() - started:.2f}s")
        engine.dispose()

if __name__ == "__main__":
    main()
