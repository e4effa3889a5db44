"""``bansos dedup``: the whole layered check, stored as review cases, optionally exported as CSV."""
from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.orm import Session

from services.common.db import make_engine
from services.registry.config import registry_database_url


@click.command("dedup")
@click.option("--export", "export", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Tulis CSV (cluster_id,NIK,NO_KK,NAMA,TANGGAL_LAHIR,score) per anggota kasus terbuka.")
@click.option("--actor", default="cli", show_default=True, help="Nama pelaku yang dicatat di jejak audit.")
def dedup_command(export: Path | None, actor: str) -> None:
    """Periksa seluruh registri untuk data ganda dan simpan kasusnya untuk ditinjau."""
    from services.registry.people.dedup.store import export_open_clusters, run_dedup

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


COMMANDS = [dedup_command]
