"""Admin commands for the ``bansos`` CLI: ``init-admin`` and ``create-demo-users``."""
from __future__ import annotations

import click

from services.common.settings import demo_mode


def _app():
    from admin.app import create_app

    return create_app()


@click.command("init-admin", help="Buat peran dan sinkronkan izin admin (aman dijalankan ulang).")
def init_admin() -> None:
    from admin.bootstrap import init_security

    app = _app()
    with app.app_context():
        roles = init_security(app.appbuilder)
    click.echo("Peran: " + ", ".join(roles))


@click.command("create-demo-users", help="Buat pengguna demo (hanya dengan BANSOS_DEMO=1 atau --force).")
@click.option("--force", is_flag=True, help="Buat juga di luar mode demo.")
def create_demo_users_command(force: bool) -> None:
    from admin.bootstrap import DEMO_PASSWORD, DemoDataMissing, create_demo_users

    if not (demo_mode() or force):
        raise click.ClickException("Pengguna demo hanya untuk mode demo: set BANSOS_DEMO=1 atau pakai --force.")
    app = _app()
    with app.app_context():
        try:
            users = create_demo_users(app.appbuilder)
        except DemoDataMissing as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"Pengguna demo ({DEMO_PASSWORD}): " + ", ".join(users))


COMMANDS = [init_admin, create_demo_users_command]
