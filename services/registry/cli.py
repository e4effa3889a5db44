"""Registry commands of ``bansos``: import-roster, seed-demo, demo-roster, dedup."""
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


@click.command("dedup")
@click.option("--export", "export", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Tulis CSV (cluster_id,NIK,NO_KK,NAMA,TANGGAL_LAHIR,score) per anggota kasus terbuka.")
@click.option("--actor", default="cli", show_default=True, help="Nama pelaku yang dicatat di jejak audit.")
def dedup_command(export: Path | None, actor: str) -> None:
    """Periksa seluruh registri untuk data ganda dan simpan kasusnya untuk ditinjau."""
    from .dedup.store import export_open_clusters, run_dedup

    engine = make_engine(registry_database_url())
    try:
        with Session(engine) as session:
            counts = run_dedup(session, actor)
            click.echo(f"{counts['persons']} penduduk diperiksa: {counts['clusters']} kelompok "
                       f"({counts['new']} baru, {counts['already_decided']} sudah diputuskan, "
                       f"{counts['withdrawn']} ditarik)")
            if export is not None:
                rows = export_open_clusters(session, export)
                click.echo(f"{rows} baris ditulis ke {export}")
    finally:
        engine.dispose()


COMMANDS = [import_roster, seed_demo_command, demo_roster, dedup_command]
