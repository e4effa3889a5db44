"""The registry's Alembic history builds exactly the tables the models describe, on SQLite and PostgreSQL."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from services.registry import schema
from services.registry.models import Base


def test_migrations_match_the_models(engine):
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_upgrade_twice_is_harmless_and_records_the_head(registry_url, engine):
    schema.upgrade(registry_url)
    tables = set(inspect(engine).get_table_names())
    assert {"household", "person", "import_job", "import_rejection", "cycle", "entitlement",
            "alembic_version"} <= tables
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    assert current == ScriptDirectory.from_config(schema.config(registry_url)).get_current_head()
    assert current is not None
