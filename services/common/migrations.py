"""Run a service's Alembic history programmatically (``bansos migrate`` and the tests use this)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config


def alembic_config(script_location: Path, url: str, version_table: str = "alembic_version") -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    # Percent signs in passwords would be read as interpolation by ConfigParser.
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["version_table"] = version_table
    return cfg


def upgrade(script_location: Path, url: str, version_table: str = "alembic_version", revision: str = "head") -> None:
    command.upgrade(alembic_config(script_location, url, version_table), revision)
