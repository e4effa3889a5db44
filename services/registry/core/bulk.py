"""Bulk insert/update helpers: PostgreSQL COPY (with a staging table for updates), executemany elsewhere."""
from __future__ import annotations

from collections.abc import Iterator

from psycopg.types.json import Json
from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

# Small enough for every database's bound-parameter limit, large enough to keep round-trips few.
KEY_CHUNK = 900
WRITE_CHUNK = 2000


def chunked(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _raw_connection(session: Session):
    # The psycopg connection of the session's own transaction, so COPY commits or rolls back with it.
    return session.connection().connection.dbapi_connection


def _copy_value(value):
    # COPY has no SQLAlchemy type processing: JSON columns need psycopg's own wrapper.
    return Json(value) if isinstance(value, dict | list) else value


def bulk_insert(session: Session, table: Table, rows: list[dict]) -> None:
    """Insert ``rows`` (all with the same keys) into ``table``."""
    if not rows:
        return
    if not _is_postgres(session):
        for part in chunked(rows, WRITE_CHUNK):
            session.execute(insert(table), part)
        return
    columns = list(rows[0])
    names = ", ".join(f'"{name}"' for name in columns)
    # COPY is ~20x faster than INSERT for large rosters (DESIGN.md, "Bulk loads").
    with _raw_connection(session).cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([_copy_value(row[name]) for name in columns])


def bulk_update(session: Session, table: Table, rows: list[dict]) -> None:
    """Update rows by ``_id``: every other key of a row is a column to set."""
    if not rows:
        return
    if not _is_postgres(session) or len(rows) < WRITE_CHUNK:
        statement = update(table).where(table.c.id == bindparam("_id"))
        for part in chunked(rows, WRITE_CHUNK):
            session.execute(statement, part)
        return
    columns = [name for name in rows[0] if name != "_id"]
    staging = f"_staging_{table.name}"
    raw = _raw_connection(session)
    with raw.cursor() as cursor:
        cursor.execute(f'CREATE TEMP TABLE "{staging}" ON COMMIT DROP AS '
                       f'SELECT id, {", ".join(columns)} FROM "{table.name}" WITH NO DATA')
        with cursor.copy(f'COPY "{staging}" (id, {", ".join(columns)}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row["_id"], *(row[name] for name in columns)])
        assignments = ", ".join(f'"{name}" = s."{name}"' for name in columns)
        cursor.execute(f'UPDATE "{table.name}" AS t SET {assignments} FROM "{staging}" AS s WHERE t.id = s.id')
        cursor.execute(f'DROP TABLE "{staging}"')


def allocate_ids(session: Session, table: Table, count: int) -> list[int] | None:
    """On PostgreSQL, take ``count`` ids from the table's sequence so COPY can write them directly.

    Reading fresh rows back by key right after a bulk load is slow there (the planner still thinks
    the table is empty); knowing the ids up front avoids that query. Elsewhere: None.
    """
    if not count or not _is_postgres(session):
        return None
    with _raw_connection(session).cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       (table.name, count))
        return [row[0] for row in cursor.fetchall()]


def rows_by_keys(session: Session, table: Table, key: str, keys, columns: list[str]) -> list[dict]:
    """Rows of ``table`` whose ``key`` is in ``keys``: ``= ANY(array)`` on PostgreSQL, ``IN`` chunks elsewhere."""
    keys = sorted(set(keys))
    if not keys:
        return []
    if _is_postgres(session):
        names = ", ".join(f'"{name}"' for name in columns)
        found = []
        with _raw_connection(session).cursor() as cursor:
            for part in chunked(keys, 50_000):
                cursor.execute(f'SELECT {names} FROM "{table.name}" WHERE "{key}" = ANY(%s)', (part,))
                found.extend(dict(zip(columns, row, strict=True)) for row in cursor.fetchall())
        return found
    found = []
    for part in chunked(keys, KEY_CHUNK):
        query = select(*(table.c[name] for name in columns)).where(table.c[key].in_(part))
        found.extend(dict(row) for row in session.execute(query).mappings())
    return found
