"""``bansos migrate`` and ``bansos demo-setup``: upgrade every schema, then prepare the demo."""
from __future__ import annotations

import importlib

import click

# Order matters: the admin's ab_* tables live in the registry database next to its tables.
SCHEMA_MODULES = (
    "services.registry.schema",
    "admin.schema",
    "services.notifications.schema",
    "services.reports.schema",
)


def migrate_all() -> list[str]:
    """Upgrade every schema in order; return the modules upgraded."""
    for module in SCHEMA_MODULES:
        importlib.import_module(module).upgrade()
    return list(SCHEMA_MODULES)


@click.command("migrate", help="Perbarui skema semua basis data (registry, admin, notifikasi, laporan).")
def migrate() -> None:
    for module in migrate_all():
        click.echo(f"Skema diperbarui: {module}")


@click.command("demo-setup", help="Siapkan demo: migrasi, init-admin, seed-demo, create-demo-users (aman diulang).")
@click.pass_context
def demo_setup(ctx: click.Context) -> None:
    ctx.invoke(migrate)
    root = ctx.find_root().command
    for name in ("init-admin", "seed-demo", "create-demo-users"):
        command = root.get_command(ctx, name) if isinstance(root, click.Group) else None
        if command is None:
            raise click.ClickException(f"Perintah '{name}' tidak tersedia.")
        ctx.invoke(command)
    click.echo("Demo siap.")


COMMANDS = [migrate, demo_setup]
