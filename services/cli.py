"""The ``bansos`` command line: one group gathering each service's commands."""
from __future__ import annotations

import click


@click.group(help="Bansos: pengelolaan bantuan sosial desa.")
def main() -> None:
    pass


def _register() -> None:
    # Each part contributes plain click commands; importing them here keeps one entry point.
    from services.registry.cli import COMMANDS as registry_commands

    for command in registry_commands:
        main.add_command(command)
    for module in ("services.notifications.cli", "services.reports.cli", "admin.cli", "services.migrate_all"):
        try:
            mod = __import__(module, fromlist=["COMMANDS"])
        except ModuleNotFoundError as exc:
            # Only a part that is not there (yet) is skipped; a broken import inside a part still fails.
            if not exc.name or not (module == exc.name or module.startswith(exc.name + ".")):
                raise
            continue
        for command in mod.COMMANDS:
            main.add_command(command)


_register()
