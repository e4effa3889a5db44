"""A throw-away PostgreSQL database for one benchmark run: created, migrated, yielded, dropped.

Every bench script uses this instead of its own CREATE/DROP so the naming, the migration and the
forced drop (even after Ctrl-C or a failed assertion) are the same everywhere.

    parser = argparse.ArgumentParser(); pgdb.add_arguments(parser); args = parser.parse_args()
    with pgdb.throwaway(args, schema.upgrade) as url:   # SQLAlchemy URL of the fresh database
        ...
"""
from __future__ import annotations

import argparse
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432"
ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pg-url", default=PG_URL, help="server URL (SQLAlchemy form) without a database name")
    parser.add_argument("--pg-admin-dsn", default=ADMIN_DSN, help="libpq DSN used to create and drop the database")


def libpq(url: str) -> str:
    """The plain psycopg/libpq form of a SQLAlchemy URL (for COPY through psycopg directly)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextmanager
def throwaway(args: argparse.Namespace, upgrade: Callable[[str], None] | None = None,
              prefix: str = "bansos_bench") -> Iterator[str]:
    """Create ``<prefix>_<random>``, run ``upgrade(url)`` (a service's ``schema.upgrade``) and yield its URL.

    The database is dropped WITH (FORCE) afterwards, so connections a benchmark forgot to close
    (or a killed worker left behind) never keep it alive."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.pg_admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"{args.pg_url}/{name}"
        if upgrade is not None:
            upgrade(url)
        yield url
    finally:
        with psycopg.connect(args.pg_admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
