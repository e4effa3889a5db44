"""``bansos generate-report`` and ``generate-periodic-report``: build a report in-process and print the files."""
from __future__ import annotations

from datetime import datetime

import click
from sqlalchemy import or_, select

from services.registry.models import Programme
from services.reports.registry_read import registry_sessions


@click.command("generate-report", help="Buat laporan penerima satu program (PDF/XLSX/CSV).")
@click.option("--programme", "programme", required=True, help="Kode atau ID program.")
@click.option("--format", "formats", multiple=True, type=click.Choice(["pdf", "xlsx", "csv"]),
              help="Format keluaran (boleh diulang); bawaan: pdf dan xlsx.")
@click.option("--period", default=None, help="Periode YYYY-MM; bawaan: bulan ini.")
def generate_report(programme: str, formats: tuple[str, ...], period: str | None) -> None:
    from services.reports.app import create_app
    from services.reports.runner import current_period, generate_run
    from services.reports.schema import upgrade

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


@click.command("generate-periodic-report",
               help="Buat laporan berkala (realisasi bulanan, triwulan mitra, tahunan) dan cetak berkas serta "
                    "SHA-256 angkanya.")
@click.option("--kind", "kind", required=True,
              type=click.Choice(["realisasi_bulanan", "mitra_triwulan", "tahunan_kabupaten"]))
@click.option("--period", required=True, help="YYYY-MM, YYYY-Qn atau YYYY sesuai jenis laporan.")
@click.option("--mitra", "organisation_id", type=int, default=None, help="ID lembaga mitra (mitra_triwulan).")
@click.option("--format", "formats", multiple=True, type=click.Choice(["pdf", "xlsx", "csv"]),
              help="Format keluaran (boleh diulang); bawaan: pdf, xlsx dan csv.")
def generate_periodic_report(kind: str, period: str, organisation_id: int | None, formats: tuple[str, ...]) -> None:
    from services.registry.core.periods import PeriodError, period_for
    from services.reports.app import create_app
    from services.reports.runner import generate_run
    from services.reports.schema import upgrade

    try:
        period = period_for(kind, period).key
    except PeriodError as exc:
        raise click.ClickException(str(exc)) from exc
    if kind == "mitra_triwulan" and organisation_id is None:
        raise click.ClickException("Laporan triwulan mitra perlu --mitra ID_LEMBAGA")
    app = create_app()
    upgrade(app.config["DATABASE_URL"])
    params = {"period": period, **({"organisation_id": organisation_id} if kind == "mitra_triwulan" else {})}
    stamp = datetime.now().strftime("%Y%m%d%H%M%S")
    payload = {"run_key": f"cli:{kind}:{period}:{organisation_id or '-'}:{stamp}", "report": kind, "params": params,
               "formats": list(formats or ("pdf", "xlsx", "csv")), "requested_by": "cli"}
    with app.app_context():
        try:
            run = generate_run(app.extensions["database"], app.config["REGISTRY_READ_URL"],
                               app.config["REPORTS_STORE"], payload)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"angka sha256={run.figures_sha256}")
        for artifact in run.artifacts:
            click.echo(f"{artifact.path}  sha256={artifact.sha256}")


COMMANDS = [generate_report, generate_periodic_report]
