"""``bansos compute-indicators`` and ``bansos issue-satisfaction-codes``."""
from __future__ import annotations

import sys

import click
from sqlalchemy.orm import Session

from services.common.db import make_engine, utcnow
from services.registry.config import registry_database_url


@click.command("compute-indicators")
@click.option("--period", default=None, metavar="YYYY-MM",
              help="Bulan yang dihitung (indikator triwulan/tahun: periode yang memuat bulan ini). "
                   "Bawaan: bulan lengkap terakhir.")
@click.option("--force", is_flag=True, help="Hitung ulang juga nilai yang sudah final.")
def compute_indicators(period: str | None, force: bool) -> None:
    """Hitung dan simpan nilai setiap indikator aktif untuk satu periode."""
    from services.registry.core.periods import PeriodError, parse_month, previous_month
    from services.registry.indicators.snapshots import compute_all

    now = utcnow()
    try:
        month = parse_month(period) if period else previous_month(now)
    except PeriodError as exc:
        raise click.BadParameter(str(exc), param_hint="--period") from exc
    engine = make_engine(registry_database_url())
    try:
        with Session(engine) as session:
            counts = compute_all(session, month, now, force, actor="cli")
            session.commit()
    finally:
        engine.dispose()
    click.echo(f"periode {month:%Y-%m}: dihitung {counts['dihitung']}, tetap (final) {counts['tetap']}, "
               f"galat {counts['galat']}")
    for error in counts["errors"]:
        click.echo(f"galat {error}", err=True)
    if counts["galat"]:
        sys.exit(2)


@click.command("issue-satisfaction-codes")
@click.option("--cycle", "cycle_id", type=int, default=None, help="Id siklus (rumah tangga yang sudah menerima).")
@click.option("--training", "training_id", type=int, default=None, help="Id pelatihan (peserta yang lulus).")
def issue_codes(cycle_id: int | None, training_id: int | None) -> None:
    """Terbitkan kode survei kepuasan sekali pakai (aman diulang: yang sudah punya kode dilewati)."""
    from services.registry.indicators.codes import CodeError, issue_for_cycle, issue_for_training

    if (cycle_id is None) == (training_id is None):
        raise click.UsageError("Sebutkan tepat satu: --cycle ID atau --training ID")
    engine = make_engine(registry_database_url())
    try:
        with Session(engine) as session:
            issued = (issue_for_cycle(session, cycle_id, "cli") if cycle_id is not None
                      else issue_for_training(session, training_id, "cli"))
            session.commit()
    except CodeError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()
    click.echo(f"{issued} kode baru diterbitkan")


COMMANDS = [compute_indicators, issue_codes]
