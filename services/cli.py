"""The ``bansos`` command line: one group gathering each part's commands."""
from __future__ import annotations

import importlib

import click

# Each part contributes plain click commands in its ``COMMANDS`` list.
COMMAND_MODULES = (
    "services.registry.cli.main",
    "services.registry.cli.surveys",
    "services.notifications.cli",
    "services.reports.cli",
    "admin.cli",
    "services.migrate_all",
    "services.backup",
)


@click.group(help="Bansos: pengelolaan bantuan sosial desa.")
def main() -> None:
    pass


for _module in COMMAND_MODULES:
    for _command in importlib.import_module(_module).COMMANDS:
        main.add_command(_command)
