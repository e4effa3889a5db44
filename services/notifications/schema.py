"""The notifications database schema: run its Alembic history (``bansos migrate`` and the tests call this)."""
from __future__ import annotations

from pathlib import Path

from services.common.migrations import upgrade as run_upgrade
from services.notifications.config import notifications_database_url

SCRIPT_LOCATION = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"


def upgrade(url: str | None = None) -> None:
    """Bring the notifications database at ``url`` (default: NOTIFICATIONS_DATABASE_URL) to the latest revision."""
    run_upgrade(SCRIPT_LOCATION, url or notifications_database_url(), VERSION_TABLE)
