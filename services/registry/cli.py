"""Registry commands of ``bansos``: import-roster, seed-demo, demo-roster."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy.orm import Session

from services.common.db import make_engine

from .config import registry_database_url


@click.command("import-roster")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--actor", default="cli", show_default=True, help="Nama pelaku yang dicatat di jejak audit.")
def import_roster(file: Path, actor: str) -> None:
    """Impor daftar keluarga (CSV/XLSX) ke registri; laporan baris ditolak ditulis di samping berkas."""
    from .importer.jobs import create_import_job, run_import_job

    engine = make_engine(registry_database_url())
    try:
        with Session(engine, expire_on_commit=False) as session:
            job = create_import_job(session, file.name, str(file.resolve()), actor)
        job = run_import_job(engine, job.id)
    finally:
        engine.dispose()
    if job.status != "selesai":
        click.echo(f"Impor gagal: {job.error}", err=True)
        sys.exit(2)
    click.echo(f"imported {job.imported}, updated {job.updated}, rejected {job.rejected}")
    click.echo(f"unchanged {job.unchanged}")
    click.echo(f"rejection report: {job.rejection_report_path}")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Isi registri dengan data contoh Desa Kamal (palsu); aman dijalankan berulang kali."""
    from .demo.seed import seed_demo

    engine = make_engine(registry_database_url())
    try:
        with Session(engine) as session:
            counts = seed_demo(session)
    finally:
        engine.dispose()
    click.echo("Data contoh siap: " + ", ".join(f"{name} {value}" for name, value in counts.items()))


@click.command("demo-roster")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--households", default=300, show_default=True, help="Jumlah keluarga.")
@click.option("--invalid", default=10, show_default=True, help="Jumlah baris yang sengaja salah.")
@click.option("--seed", default=2026, show_default=True, help="Benih acak (hasil sama untuk benih sama).")
@click.option("--delimiter", type=click.Choice([",", ";"]), default=",", show_default=True)
def demo_roster(out: Path, households: int, invalid: int, seed: int, delimiter: str) -> None:
    """Tulis berkas daftar keluarga contoh (CSV, atau XLSX bila OUT berakhiran .xlsx)."""
    from .demo.roster import roster_rows, write_roster

    rows = roster_rows(households, invalid, seed)
    write_roster(out, rows, delimiter)
    click.echo(f"{len(rows)} baris ({invalid} sengaja salah) ditulis ke {out}")


@click.command("verify-audit", help="Periksa rantai hash jejak audit; sebutkan entri pertama yang rusak.")
def verify_audit() -> None:
    from .audit_chain import verify

    engine = make_engine(registry_database_url())
    try:
        with Session(engine) as session:
            check = verify(session)
    finally:
        engine.dispose()
    if check.ok:
        click.echo(f"Rantai audit utuh: {check.entries} entri.")
        return
    where = f"nomor {check.first_broken_seq}" if check.first_broken_seq else "kepala rantai"
    click.echo(f"Rantai audit RUSAK di {where} (id {check.first_broken_id}): {check.reason}.", err=True)
    sys.exit(1)


@click.command("export-lapor", help="Ekspor pengaduan untuk SP4N-LAPOR! (CSV atau XLSX menurut akhiran berkas).")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--sensitif", is_flag=True, help="Sertakan kategori sensitif (pungli, nepotisme).")
def export_lapor(out: Path, sensitif: bool) -> None:
    from .complaints.export import lapor_rows, write_csv, write_xlsx

    engine = make_engine(registry_database_url())
    try:
        with Session(engine) as session:
            rows = lapor_rows(session, include_sensitive=sensitif)
    finally:
        engine.dispose()
    if out.suffix.lower() == ".xlsx":
        write_xlsx(rows, out)
    else:
        with out.open("w", newline="", encoding="utf-8") as handle:
            write_csv(rows, handle)
    click.echo(f"{len(rows)} pengaduan ditulis ke {out}")


COMMANDS = [import_roster, seed_demo_command, demo_roster, verify_audit, export_lapor]
