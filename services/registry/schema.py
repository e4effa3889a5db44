"""The registry's database schema: run its Alembic history (``bansos migrate`` and the tests call this)."""
from __future__ import annotations

from pathlib import Path

from services.common.migrations import alembic_config
from services.common.migrations import upgrade as run_upgrade
from services.registry.config import registry_database_url

SCRIPT_LOCATION = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"


def upgrade(url: str | None = None) -> None:
    """Bring the registry database at ``url`` (default: REGISTRY_DATABASE_URL) to the latest revision."""
    run_upgrade(SCRIPT_LOCATION, url or registry_database_url(), VERSION_TABLE)


def config(url: str | None = None):
    """The Alembic config, for autogenerating a new revision during development."""
    return alembic_config(SCRIPT_LOCATION, url or registry_database_url(), VERSION_TABLE)
