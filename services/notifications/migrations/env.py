"""Alembic environment of the notifications service: its models' metadata, the URL from the Alembic config."""
from __future__ import annotations

from alembic import context

from services.common.db import make_engine
from services.notifications.models import Base

config = context.config
target_metadata = Base.metadata
VERSION_TABLE = config.attributes.get("version_table", "alembic_version")


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, version_table=VERSION_TABLE,
                      render_as_batch=config.get_main_option("sqlalchemy.url").startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            # SQLite cannot ALTER most things: batch mode rebuilds the table instead.
            context.configure(connection=connection, target_metadata=target_metadata,
                              version_table=VERSION_TABLE, render_as_batch=url.startswith("sqlite"))
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
