"""Migrations of FAB's security tables (``ab_*``) in the registry database, history in admin/migrations."""
from __future__ import annotations

from pathlib import Path

from services.common.migrations import upgrade as run_upgrade
from services.registry.config import registry_database_url

SCRIPT_LOCATION = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version_admin"


def upgrade(url: str | None = None) -> None:
    """Upgrade the ``ab_*`` tables; run after the registry's history (ab_user points at organisation)."""
    run_upgrade(SCRIPT_LOCATION, url or registry_database_url(), VERSION_TABLE)
