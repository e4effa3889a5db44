"""Benchmark: a whole cycle of N households on PostgreSQL: rule preview, candidate list, musyawarah
(all approved in one statement), approval, and entitlement generation in task-sized chunks.

Run: .venv/bin/python bench/entitlements.py [--households 100000] [--chunk 1000]
The chunks run in this process through the same ``run_chunk`` the worker task calls (one transaction
per chunk, as each task delivery does), so the figure is the work itself without broker latency.
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import pgdb  # noqa: E402
from services.common.db import Database, make_engine  # noqa: E402
from services.registry import schema  # noqa: E402
from services.registry.models import (  # noqa: E402
    Cycle,
    CyclePlan,
    EligibilityRule,
    FundingSource,
    Household,
    HouseholdWelfare,
    Person,
    Programme,
)
from services.registry.programmes import approval, rules  # noqa: E402
from services.registry.programmes import candidates as cand  # noqa: E402
from services.registry.programmes import musyawarah as mus  # noqa: E402
from services.registry.programmes.entitlements import run_chunk  # noqa: E402

RULE = {"all": [{"field": "band", "op": "le", "value": 4},
                {"member": {"field": "age", "op": "ge", "value": 18}}]}


def seed(session: Session, households: int) -> None:
    """Households with one head each, all in band 1-4 so every one matches RULE."""
    for start in range(0, households, 10_000):
        stop = min(start + 10_000, households)
        session.execute(insert(Household), [
            {"id": n, "no_kk": f"3526{n:012d}", "rt": f"{n % 9 + 1:03d}", "rw": "001", "dusun": "Kamal",
             "desa": "Kamal", "address": f"Jl. Kamal {n}"} for n in range(start + 1, stop + 1)])
        session.execute(insert(Person), [
            {"household_id": n, "nik": f"3526{n:012d}", "name": f"Warga {n}", "sex": "L",
             "birth_date": date(1970, 1, 1), "relationship_to_head": "KEPALA KELUARGA"}
            for n in range(start + 1, stop + 1)])
        session.execute(insert(HouseholdWelfare), [
            {"household_id": n, "band": str(n % 4 + 1), "rank": n, "score": Decimal(n % 100), "explanation": {}}
            for n in range(start + 1, stop + 1)])
    session.commit()


def timed(label: str, func):
    started = time.perf_counter()
    result = func()
    print(f"{label:<40} {time.perf_counter() - started:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=1000)
    pgdb.add_arguments(parser)
    args = parser.parse_args()
    with pgdb.throwaway(args, schema.upgrade) as url:
        engine = make_engine(url)
        run(engine, args)
        engine.dispose()


def run(engine, args) -> None:
    """Seed, select, decide, approve (timed step by step), then generate the entitlements in chunks."""
    with Session(engine, expire_on_commit=False) as session:
        timed(f"seed {args.households} households", lambda: seed(session, args.households))
        programme = Programme(code="BLTDD", name="BLT Dana Desa", kind="tunai", benefit_amount=Decimal(300000))
        session.add(programme)
        session.flush()
        source = FundingSource(programme_id=programme.id, name="Dana Desa 2027", kind="dana_desa",
                               budget=Decimal(300000) * args.households)
        rule = EligibilityRule(programme_id=programme.id, name="band <= 4, dewasa", condition=RULE)
        cycle = Cycle(programme_id=programme.id, name="Januari 2027")
        session.add_all([source, rule, cycle])
        session.flush()
        session.add(CyclePlan(cycle_id=cycle.id, rule_id=rule.id, funding_source_id=source.id,
                              benefit_amount=Decimal(300000)))
        session.commit()
        preview = timed("rule preview (count + 10)", lambda: rules.preview(session, RULE))
        assert preview["count"] == args.households, preview["count"]
        timed("candidate list (ranked, snapshots)", lambda: (cand.generate(session, cycle, "bench"),
                                                             session.commit()))
        meeting = mus.record_meeting(session, cycle, "musdesus", date(2027, 1, 15), "Balai Desa", "Ketua BPD",
                                     [("A", "Kepala Desa", True)], "bench")
        timed("musyawarah: approve all listed", lambda: (mus.approve_remaining(session, meeting, "bench"),
                                                        session.commit()))
        timed("approval (all checks, freeze)", lambda: (approval.approve(session, cycle, "bench"),
                                                       session.commit()))
    database = Database()
    database.engine = engine
    chunks = 0

    def generate():
        nonlocal chunks
        while True:
            chunks += 1
            if run_chunk(database, cycle.id, args.chunk)["done"]:
                return

    timed(f"entitlements in chunks of {args.chunk}", generate)
    with Session(engine) as session:
        plan = session.get(CyclePlan, cycle.id)
        print(f"entitlements: {plan.generated_count} in {chunks} chunks, status {plan.generation_status}")


if __name__ == "__main__":
    main()
