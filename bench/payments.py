"""Benchmark: build a payment batch for N bank entitlements and export it as CSV + pain.001 (XSD-checked).

Run: .venv/bin/python bench/payments.py [--payments 100000] [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432]
Creates a fresh PostgreSQL database, loads N households (one head, one bank account, one entitlement
each) with Core bulk inserts, then times create_batch, export_batch and the XSD validation of the file.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import pgdb  # noqa: E402
from services.common.db import make_engine  # noqa: E402
from services.registry import schema  # noqa: E402
from services.registry.distribution import batches, iso20022  # noqa: E402
from services.registry.models import BankAccount, Cycle, Entitlement, Household, Person, Programme  # noqa: E402


def load(engine, n: int) -> int:
    with Session(engine) as session:
        programme = Programme(code="BLT-BENCH", name="BLT Dana Desa (bench)", kind="tunai", benefit_amount=300000)
        cycle = Cycle(programme=programme, name="Bench", status="disetujui")
        session.add(cycle)
        session.commit()
        cycle_id, programme_id = cycle.id, programme.id
    step = 5000
    with engine.begin() as conn:
        for start in range(0, n, step):
            ids = range(start + 1, min(n, start + step) + 1)
            conn.execute(insert(Household), [{"id": i, "no_kk": f"3526{i:012d}"} for i in ids])
            conn.execute(insert(Person), [{"id": i, "household_id": i, "nik": f"3526{i:012d}", "name": f"Warga {i}",
                                           "sex": "L", "birth_date": date(1980, 1, 1),
                                           "relationship_to_head": "KEPALA KELUARGA"} for i in ids])
            conn.execute(insert(BankAccount), [{"person_id": i, "bank_code": "002", "account_number": f"{i:015d}",
                                                "holder_name": f"WARGA {i}"} for i in ids])
            conn.execute(insert(Entitlement), [{"cycle_id": cycle_id, "programme_id": programme_id, "household_id": i,
                                                "recipient_id": i, "amount": 300000, "channel": "bank",
                                                "status": "menunggu", "snapshot": {}} for i in ids])
    return cycle_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--payments", type=int, default=100_000)
    pgdb.add_arguments(parser)
    args = parser.parse_args()
    # The export files (35 MiB of XML at 100k) go to a folder removed afterwards.
    with tempfile.TemporaryDirectory(prefix="bansos-bench-") as var, pgdb.throwaway(args, schema.upgrade) as url:
        os.environ["BANSOS_VAR"] = var
        engine = make_engine(url)
        started = time.perf_counter()
        cycle_id = load(engine, args.payments)
        print(f"loaded {args.payments:,} bank entitlements in {time.perf_counter() - started:.1f}s (not timed below)")
        with Session(engine, expire_on_commit=False) as session:
            started = time.perf_counter()
            batch, skipped = batches.create_batch(session, cycle_id, "bench")
            built = time.perf_counter() - started
        started = time.perf_counter()
        done = batches.export_batch(engine, batch.id)
        exported = time.perf_counter() - started
        started = time.perf_counter()
        errors = iso20022.validation_errors(Path(done.xml_path), "pain.001.001.03")
        validated = time.perf_counter() - started
        size = Path(done.xml_path).stat().st_size / 2**20
        print(f"payments {done.exported_items:,} (skipped {len(skipped)})")
        print(f"create_batch      {built:6.1f} s  {done.exported_items / built:9,.0f} /s")
        print(f"export CSV+pain001 {exported:6.1f} s  {done.exported_items / exported:9,.0f} /s  ({size:.1f} MiB XML)")
        print(f"XSD validation    {validated:6.1f} s  errors: {len(errors)}")
        engine.dispose()


if __name__ == "__main__":
    main()
