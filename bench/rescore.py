"""Benchmark: re-score and rank every household (registry.rescore's SQL) on PostgreSQL.

Run: .venv/bin/python bench/rescore.py [--households 300000] [--persons-per-household 3.34] [--follow-up 0.2]
Generates households, persons and BPS14 survey responses (a share with a follow-up visit) straight
into a fresh database with COPY, then times ``rescore`` twice: first run (all inserts into
household_welfare) and a second run (every row updated)."""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg
from psycopg.types.json import Json
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import pgdb  # noqa: E402
from services.common.db import make_engine  # noqa: E402
from services.registry import schema  # noqa: E402
from services.registry.surveys.answers import score_answers  # noqa: E402
from services.registry.surveys.instruments import active_instrument, load_shipped_instruments  # noqa: E402
from services.registry.surveys.scoring import rescore  # noqa: E402

DESA = ("Kamal", "Banyuajuh", "Gili Anyar", "Gili Barat", "Gili Timur", "Kebun", "Pendabah", "Tajungan",
        "Tanjung Jati", "Telang")


def generate(dsn: str, instrument, households: int, per_household: float, follow_up: float) -> int:
    rng = random.Random(2026)
    now = datetime.now(UTC)
    codes = [q.code for q in instrument.questions]
    responses = 0
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        with cur.copy("COPY household (id, no_kk, desa, dusun, rt, rw, created_at, updated_at) FROM STDIN") as copy:
            for i in range(1, households + 1):
                copy.write_row((i, f"3526{i:012d}", DESA[i % len(DESA)], f"Dusun {i % 7}", "001", "002", now, now))
        person_id = 0
        with cur.copy("COPY person (id, household_id, nik, name, sex, birth_date, is_duplicate_candidate, "
                      "created_at, updated_at) FROM STDIN") as copy:
            for i in range(1, households + 1):
                members = int(per_household) + (1 if rng.random() < per_household % 1 else 0)
                for _ in range(members):
                    person_id += 1
                    copy.write_row((person_id, i, f"35{person_id:014d}", f"Warga {person_id}", "L",
                                    date(1980, 1, 1), False, now, now))
        with cur.copy("COPY survey_response (household_id, instrument_id, collected_at, source, answers, score, "
                      "explanation, created_by, created_at) FROM STDIN") as copy:
            for i in range(1, households + 1):
                visits = 2 if rng.random() < follow_up else 1
                for visit in range(visits):
                    bias = rng.random()
                    answers = {code: rng.random() < bias for code in codes}
                    score, explanation = score_answers(instrument, answers)
                    copy.write_row((i, instrument.id, datetime(2026, 2 + visit * 6, 1, tzinfo=UTC), "demo",
                                    Json(answers), score, Json(explanation), "bench", now))
                    responses += 1
        cur.execute("SELECT setval('household_id_seq', %s)", (households,))
        cur.execute("SELECT setval('person_id_seq', %s)", (person_id,))
        conn.commit()
        conn.autocommit = True
        cur.execute("ANALYZE")
    print(f"generated {households} households, {person_id} persons, {responses} responses")
    return responses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=300_000)
    parser.add_argument("--persons-per-household", type=float, default=3.34)
    parser.add_argument("--follow-up", type=float, default=0.2, help="share of households with a second visit")
    pgdb.add_arguments(parser)
    args = parser.parse_args()

    with pgdb.throwaway(args, schema.upgrade, prefix="bansos_bench_rescore") as url:
        engine = make_engine(url)
        with Session(engine, expire_on_commit=False) as session:
            load_shipped_instruments(session)
            instrument = active_instrument(session, "BPS14")
        started = time.perf_counter()
        generate(pgdb.libpq(url), instrument, args.households, args.persons_per_household, args.follow_up)
        print(f"generation took {time.perf_counter() - started:.1f}s")
        for label in ("first rescore (inserts)", "second rescore (updates)"):
            with Session(engine) as session:
                started = time.perf_counter()
                summary = rescore(session, "BPS14", actor="bench")
                elapsed = time.perf_counter() - started
            print(f"{label}: {summary['households']} households in {elapsed:.2f}s "
                  f"({summary['households'] / elapsed:,.0f}/s); bands {summary['bands']}")
        engine.dispose()


if __name__ == "__main__":
    main()
