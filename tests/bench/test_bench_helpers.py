"""The benchmark helpers: the throw-away database is always dropped, the streamed roster is what the bench says."""
from __future__ import annotations

import argparse
import csv

import psycopg
import pytest
from sqlalchemy import create_engine, inspect

from bench import pgdb
from bench.import_roster import write_rosters
from services.registry import schema


def _exists(name: str) -> bool:
    with psycopg.connect(pgdb.ADMIN_DSN, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    pgdb.add_arguments(parser)
    return parser.parse_args([])


def test_throwaway_database_is_migrated_and_dropped():
    with pgdb.throwaway(_args(), schema.upgrade, prefix="bansos_t_bench") as url:
        name = url.rsplit("/", 1)[1]
        assert name.startswith("bansos_t_bench_") and _exists(name)
        engine = create_engine(url)
        assert {"person", "household", "alembic_version"} <= set(inspect(engine).get_table_names())
        engine.dispose()
    assert not _exists(name)


def test_throwaway_database_is_dropped_after_an_error_with_a_connection_still_open():
    with pytest.raises(RuntimeError), pgdb.throwaway(_args(), prefix="bansos_t_bench") as url:
        name = url.rsplit("/", 1)[1]
        left_open = psycopg.connect(pgdb.libpq(url))  # a benchmark that forgot to close: WITH (FORCE) ends it
        raise RuntimeError("bench failed")
    assert not _exists(name)
    left_open.close()


def test_streamed_roster_has_every_defect_once_and_a_renamed_twin(tmp_path):
    plain, renamed, rows = write_rosters(tmp_path, 600, 11)
    with plain.open(encoding="utf-8") as a, renamed.open(encoding="utf-8") as b:
        first, second = list(csv.DictReader(a)), list(csv.DictReader(b))
    assert len(first) == len(second) == rows
    niks = [r["NIK"] for r in first]
    # 11 defects, one of each kind: one repeats an earlier NIK, one has a 15-digit NIK, one an empty name
    assert len(niks) - len(set(niks)) == 1
    assert sum(len(n) != 16 for n in niks) == 1 and sum(not r["NAMA"] for r in first) == 1
    assert all(b["NAMA"] == (a["NAMA"] + " Baru" if a["NAMA"] else "") for a, b in zip(first, second, strict=True))
    assert {k: v for k, v in first[5].items() if k != "NAMA"} == {k: v for k, v in second[5].items() if k != "NAMA"}
