"""Migrated template databases: an empty test database brought to "head" is copied, not migrated.

Running a service's Alembic history costs about a second per database (more on a loaded machine), and
hundreds of tests each migrate a fresh SQLite file or PostgreSQL database. Here the history runs once per
test process and (script location, version table, backend); every later ``upgrade(url, "head")`` on an
*empty* database copies that template instead: a SQLite backup, or PostgreSQL's
``CREATE DATABASE x TEMPLATE t``. The result is the same schema and the same alembic_version row, because
the template was made by the very same migrations.

Anything else goes to the real Alembic: other revisions, offline SQL, databases that already hold tables
(e.g. the admin's history on top of the registry's), a PostgreSQL database someone is connected to.
tests/*/test_schema.py still check the migrations themselves. ``BANSOS_TEST_TEMPLATES=0`` turns this off.
"""
from __future__ import annotations

import os
import sqlite3
import uuid
from pathlib import Path

import psycopg
from alembic import command
from psycopg.conninfo import conninfo_to_dict
from sqlalchemy.engine import make_url

ACTIVE: MigrationTemplates | None = None  # set for the test session by tests/conftest.py


def snapshot(key: str, url: str, build) -> None:
    """``build(url)``, or a copy of what it made the first time for ``key`` when ``url`` is an empty database.

    For expensive fixtures whose result only depends on ``key`` (e.g. the seeded demo registry)."""
    if ACTIVE is None or not ACTIVE.snapshot(key, url, build):
        build(url)


class MigrationTemplates:
    def __init__(self, folder: Path, admin_dsn: str) -> None:
        self.folder = folder
        self.admin_dsn = admin_dsn
        self.real_upgrade = command.upgrade
        self.templates: dict[tuple, str] = {}  # key -> SQLite path or PostgreSQL database name
        self.pg_created: list[str] = []
        self.copies = 0

    def install(self) -> None:
        global ACTIVE
        command.upgrade = self.upgrade
        ACTIVE = self

    def uninstall(self) -> None:
        global ACTIVE
        command.upgrade = self.real_upgrade
        ACTIVE = None
        if self.pg_created:
            with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
                for name in self.pg_created:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def upgrade(self, config, revision, sql=False, tag=None):
        url = config.get_main_option("sqlalchemy.url")
        if revision == "head" and not sql and tag is None and url:
            key = (config.get_main_option("script_location"), config.attributes.get("version_table"))
            if self.snapshot(key, url, lambda template_url: self.real_upgrade(_with_url(config, template_url), "head")):
                return None
        return self.real_upgrade(config, revision, sql=sql, tag=tag)

    def snapshot(self, key, url: str, build) -> bool:
        """Fill the empty database at ``url`` with a copy of what ``build(template_url)`` made once for ``key``.

        False (nothing done) when ``url`` is not an empty local SQLite file or PostgreSQL database."""
        parsed = make_url(url)
        backend = parsed.get_backend_name()
        if backend == "sqlite" and _sqlite_is_empty(parsed.database):
            template = self.templates.get((key, backend))
            if template is None:
                template = str(self.folder / f"{uuid.uuid4().hex}.db")
                build(f"sqlite:///{template}")
                self.templates[(key, backend)] = template
            _sqlite_copy(template, parsed.database)
        elif backend == "postgresql" and self._same_server(parsed) and _pg_is_empty(parsed):
            template = self.templates.get((key, backend))
            if template is None:
                template = f"bansos_t_tpl_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"
                with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
                    conn.execute(f'CREATE DATABASE "{template}"')
                self.pg_created.append(template)
                build(url.rsplit("/", 1)[0] + f"/{template}")
                self.templates[(key, backend)] = template
            with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
                try:
                    # Refused while anyone is connected to it (PostgreSQL waits 5 s first): then do the real work.
                    conn.execute(f'DROP DATABASE "{parsed.database}"')
                except psycopg.errors.ObjectInUse:
                    return False
                conn.execute(f'CREATE DATABASE "{parsed.database}" TEMPLATE "{template}"')
        else:
            return False
        self.copies += 1
        return True


    def _same_server(self, parsed) -> bool:
        """Templates live on the test server (admin_dsn); a private cluster (e.g. the restart chaos test's)
        on another port is migrated for real."""
        server = conninfo_to_dict(self.admin_dsn)
        local = ("127.0.0.1", "localhost")
        same_host = parsed.host == server.get("host") or (parsed.host in local and server.get("host") in local)
        return same_host and int(parsed.port or 5432) == int(server.get("port") or 5432)


def _with_url(config, url: str):
    from services.common.migrations import alembic_config

    return alembic_config(Path(config.get_main_option("script_location")), url,
                          config.attributes.get("version_table", "alembic_version"))


def _sqlite_copy(source: str, target: str) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _sqlite_is_empty(path: str | None) -> bool:
    """A file nobody has written yet (missing or 0 bytes) in an existing folder."""
    if not path or path == ":memory:" or not os.path.isdir(os.path.dirname(os.path.abspath(path))):
        return False
    return not os.path.exists(path) or os.path.getsize(path) == 0


def _pg_is_empty(parsed) -> bool:
    """A database without any table, view or sequence (what ``PgDatabases.create`` hands out)."""
    if not parsed.database:
        return False
    dsn = f"host={parsed.host} port={parsed.port or 5432} user={parsed.username or 'postgres'} dbname={parsed.database}"
    if parsed.password:
        dsn += f" password={parsed.password}"
    try:
        with psycopg.connect(dsn) as conn:
            tables = conn.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                  "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
                                  "AND n.nspname NOT LIKE 'pg_toast%'").fetchone()[0]
    except psycopg.OperationalError:
        return False
    return tables == 0
