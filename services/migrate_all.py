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


def _load(module: str):
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        # Only a part that is not in the tree yet is skipped; a broken import inside a part still fails.
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            return None
        raise


def migrate_all() -> list[str]:
    """Upgrade each present schema; return the modules that were upgraded."""
    done = []
    for module in SCHEMA_MODULES:
        schema = _load(module)
        if schema is None:
            click.echo(f"Lewati {module}: belum ada.", err=True)
            continue
        schema.upgrade()
        done.append(module)
    return done


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
