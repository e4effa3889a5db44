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


def run_environment(target_metadata) -> None:
    """The body of every service's Alembic ``env.py``: URL and version table from the Alembic config."""
    from alembic import context

    from services.common.db import make_engine

    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    version_table = config.attributes.get("version_table", "alembic_version")
    # SQLite cannot ALTER most things: batch mode rebuilds the table instead.
    options = {"target_metadata": target_metadata, "version_table": version_table,
               "render_as_batch": url.startswith("sqlite")}
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, **options)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()
