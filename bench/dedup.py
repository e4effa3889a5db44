"""Benchmark: layered dedup on a synthetic population; pairwise precision/recall against the generator's
ground truth, and the time of a full run (`run_dedup`: stream persons, all layers, store the cases).

Run: .venv/bin/python bench/dedup.py [--persons 100000] [--seed 2026] [--memory-only]
     [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432]
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

import psycopg
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from population import Population, generate  # noqa: E402

from bench import pgdb  # noqa: E402
from services.common.db import make_engine  # noqa: E402
from services.registry import schema  # noqa: E402
from services.registry.people.dedup import engine as dedup_engine  # noqa: E402
from services.registry.people.dedup.layers import PersonRow  # noqa: E402
from services.registry.people.dedup.store import run_dedup, store_clusters  # noqa: E402


def pairs_of(groups) -> set[tuple[int, int]]:
    return {pair for members in groups for pair in combinations(sorted(members), 2)}


def quality(population: Population, clusters) -> dict:
    by_entity = defaultdict(list)
    for record in population.records:
        by_entity[record.entity].append(record.id)
    truth = pairs_of(ids for ids in by_entity.values() if len(ids) > 1)
    found = pairs_of(c.members for c in clusters)
    hits = truth & found
    kind = {r.id: r.kind for r in population.records}
    per_kind = Counter(max(kind[a], kind[b]) for a, b in truth)
    per_kind_hit = Counter(max(kind[a], kind[b]) for a, b in hits)
    return {"true_pairs": len(truth), "found_pairs": len(found), "precision": len(hits) / max(1, len(found)),
            "recall": len(hits) / max(1, len(truth)),
            "recall_by_kind": {k: round(per_kind_hit[k] / n, 4) for k, n in sorted(per_kind.items())}}


def copy_into(url: str, population: Population) -> None:
    """Load the population with COPY (the import path's speed), then reset the id sequences."""
    dsn = pgdb.libpq(url)
    now = "2026-11-29 00:00:00+00"
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        with cur.copy("COPY household (id, no_kk, created_at, updated_at) FROM STDIN") as copy:
            for h in population.households:
                copy.write_row((h.id, h.no_kk, now, now))
        with cur.copy("COPY person (id, household_id, nik, name, sex, birth_date, birth_place, phone, "
                      "is_duplicate_candidate, created_at, updated_at) FROM STDIN") as copy:
            for r in population.records:
                copy.write_row((r.id, r.household, r.nik, r.name, r.sex, r.birth_date, r.birth_place or None, r.phone,
                                False, now, now))
        with cur.copy("COPY bank_account (person_id, bank_code, account_number, holder_name, holder_name_matches, "
                      "active, created_at) FROM STDIN") as copy:
            for r in population.records:
                if r.account:
                    code, number = r.account.split(":")
                    copy.write_row((r.id, code, number, r.name, True, True, now))
        for table in ("household", "person"):
            cur.execute(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
        cur.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--memory-only", action="store_true", help="skip PostgreSQL: engine on in-memory rows")
    pgdb.add_arguments(parser)
    args = parser.parse_args()

    started = time.perf_counter()
    population = generate(args.persons, args.seed)
    print(f"generated {len(population.records):,} persons in {len(population.households):,} households "
          f"({Counter(r.kind for r in population.records)}) in {time.perf_counter() - started:.1f}s")
    if args.memory_only:
        people = {r.id: PersonRow(r.id, r.household, r.nik, r.name, r.sex, r.birth_date, r.phone, r.birth_place or None)
                  for r in population.records}
        started = time.perf_counter()
        clusters = dedup_engine.find_clusters(people, [(r.id, r.account) for r in population.records if r.account])
        print(f"engine (in memory): {len(clusters):,} clusters in {time.perf_counter() - started:.1f}s")
        print(quality(population, clusters))
        return

    with pgdb.throwaway(args, schema.upgrade) as url:
        started = time.perf_counter()
        copy_into(url, population)
        print(f"loaded with COPY in {time.perf_counter() - started:.1f}s")
        engine = make_engine(url)
        with Session(engine) as session:
            t0 = time.perf_counter()
            people = dedup_engine.load_people(session)
            accounts = dedup_engine.load_accounts(session)
            t1 = time.perf_counter()
            clusters = dedup_engine.find_clusters(people, accounts)
            t2 = time.perf_counter()
            counts = store_clusters(session, people, clusters, "bench")
            t3 = time.perf_counter()
            print(f"full run on PostgreSQL: {t3 - t0:.1f}s (stream persons {t1 - t0:.1f}s, layers+clusters "
                  f"{t2 - t1:.1f}s, store cases {t3 - t2:.1f}s) {counts}")
            print(quality(population, clusters))
            t4 = time.perf_counter()
            again = run_dedup(session, "bench")
            print(f"second run (nothing new): {time.perf_counter() - t4:.1f}s {again}")
        engine.dispose()

if __name__ == "__main__":
    main()
