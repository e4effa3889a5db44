"""Distribution commands of ``bansos``: verify-ledger, print-cards, distribution-watchdog, import-bank-statement."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy.orm import Session

from services.common.db import make_engine
from services.registry.config import registry_database_url


@click.command("verify-ledger")
def verify_ledger() -> None:
    """Hitung ulang rantai hash buku besar penyaluran; sebutkan entri pertama yang rusak (kode keluar 1)."""
    from services.registry.distribution import ledger

    engine = make_engine(registry_database_url())
    try:
        with Session(engine) as session:
            result = ledger.verify(session)
    finally:
        engine.dispose()
    click.echo(result.message())
    if not result.ok:
        sys.exit(1)


@click.command("print-cards")
@click.argument("cycle_id", type=int)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def print_cards(cycle_id: int, out: Path) -> None:
    """Tulis kartu pengambilan (PDF, 8 per halaman A4) untuk siklus CYCLE_ID yang sudah disetujui."""
    from services.registry.distribution.cards import render_cards_pdf
    from services.registry.distribution.common import DistributionError
    from services.registry.distribution.pickup import cards_for_cycle

    engine = make_engine(registry_database_url())
    try:
        with Session(engine) as session:
            cards = cards_for_cycle(session, cycle_id)
    except DistributionError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    finally:
        engine.dispose()
    out.write_bytes(render_cards_pdf(cards, f"Kartu siklus {cycle_id}"))
    click.echo(f"{len(cards)} kartu ditulis ke {out}")



@click.command("distribution-watchdog")
@click.option("--older-than", default=600, show_default=True, help="Detik tanpa tanda hidup sebelum dikirim ulang.")
def distribution_watchdog(older_than: int) -> None:
    """Kirim ulang ekspor batch dan impor hasil bank yang macet (aman: keduanya idempoten)."""
    from datetime import timedelta

    from services.registry.app import create_app
    from services.registry.distribution.watchdog import resend_stale

    app = create_app()
    with app.app_context():
        session = app.extensions["database"].session
        jobs = resend_stale(session, app.extensions["celery"], timedelta(seconds=older_than))
    for name, payload in jobs:
        click.echo(f"dikirim ulang: {name} {payload}")
    click.echo(f"{len(jobs)} tugas macet dikirim ulang")




@click.command("import-bank-statement")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--batch", "batch_id", type=int, default=None, help="Hanya cocokkan dengan batch pembayaran ini.")
@click.option("--actor", default="cli", show_default=True, help="Nama pelaku yang dicatat di jejak audit.")
def import_bank_statement(file: Path, batch_id: int | None, actor: str) -> None:
    """Impor hasil bank (camt.053/camt.054 atau CSV) dan cetak laporannya; kode keluar 1 bila ada baris yang
    ditolak atau belum terselesaikan, 2 bila seluruh berkas ditolak."""
    from services.registry.distribution import statements
    from services.registry.distribution.common import DistributionError
    from services.registry.distribution.statement_report import report_lines, summarize

    engine = make_engine(registry_database_url())
    try:
        with Session(engine) as session:
            try:
                statement_id = statements.create_statement(session, file, file.name, actor, batch_id=batch_id).id
            except DistributionError as exc:
                session.rollback()
                click.echo(f"Berkas ditolak: {exc}", err=True)
                sys.exit(2)
        done = statements.apply_statement(engine, statement_id, actor)
    finally:
        engine.dispose()
    for line in report_lines(done):
        click.echo(line)
    if not summarize(done)["clean"]:
        sys.exit(1)


COMMANDS = [verify_ledger, print_cards, distribution_watchdog, import_bank_statement]
