"""Alembic environment of the admin: FAB's ``ab_*`` tables only, in the registry database."""
from __future__ import annotations

from alembic import context
from flask_appbuilder.models.sqla import Model
from sqlalchemy import engine_from_config, pool

from admin.security import BansosUser  # noqa: F401  (adds organisation_id to ab_user's table)

config = context.config
target_metadata = Model.metadata
VERSION_TABLE = config.attributes.get("version_table", "alembic_version_admin")


def include_name(name, type_, parent_names):
    # The registry database also holds the registry's tables: never look at them.
    if type_ == "table":
        return bool(name) and name.startswith("ab_")
    return True


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table":
        return name.startswith("ab_")
    table = getattr(obj, "table", None)
    return table is None or table.name.startswith("ab_")


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, version_table=VERSION_TABLE, include_name=include_name,
                      include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
                                     poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, version_table=VERSION_TABLE,
                          include_name=include_name, include_object=include_object,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
