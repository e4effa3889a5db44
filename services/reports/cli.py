"""``bansos generate-report``: build a programme recipients report in-process and print the files."""
from __future__ import annotations

from datetime import datetime

import click
from sqlalchemy import or_, select

from services.registry.models import Programme

from .registry_read import registry_sessions


@click.command("generate-report", help="Buat laporan penerima satu program (PDF/XLSX/CSV).")
@click.option("--programme", "programme", required=True, help="Kode atau ID program.")
@click.option("--format", "formats", multiple=True, type=click.Choice(["pdf", "xlsx", "csv"]),
              help="Format keluaran (boleh diulang); bawaan: pdf dan xlsx.")
@click.option("--period", default=None, help="Periode YYYY-MM; bawaan: bulan ini.")
def generate_report(programme: str, formats: tuple[str, ...], period: str | None) -> None:
    from .app import create_app
    from .runner import current_period, generate_run
    from .schema import upgrade

    app = create_app()
    upgrade(app.config["DATABASE_URL"])
    with registry_sessions(app.config["REGISTRY_READ_URL"])() as registry:
        condition = Programme.code == programme
        if programme.isdigit():
            condition = or_(condition, Programme.id == int(programme))
        found = registry.scalar(select(Programme).where(condition))
    if found is None:
        raise click.ClickException(f"Program {programme!r} tidak ditemukan")
    period = period or current_period()
    stamp = datetime.now().strftime("%Y%m%d%H%M%S")
    payload = {"run_key": f"cli:{found.id}:{period}:{stamp}", "report": "programme_recipients",
               "params": {"programme_id": found.id, "period": period}, "formats": list(formats or ("pdf", "xlsx")),
               "requested_by": "cli"}
    with app.app_context():
        run = generate_run(app.extensions["database"], app.config["REGISTRY_READ_URL"],
                           app.config["REPORTS_STORE"], payload)
        for artifact in run.artifacts:
            click.echo(f"{artifact.path}  sha256={artifact.sha256}")


COMMANDS = [generate_report]
