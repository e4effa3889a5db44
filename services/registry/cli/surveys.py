"""Survey commands of ``bansos``: load-instruments, import-survey, import-dtsen, create-enumerator, rescore."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.db import make_engine
from services.registry.config import registry_database_url
from services.registry.surveys.credentials import set_password


def _session() -> Session:
    return Session(make_engine(registry_database_url()), expire_on_commit=False)


@click.command("load-instruments")
def load_instruments() -> None:
    """Muat instrumen survei bawaan (14 kriteria BPS, kebutuhan desa); versi yang sudah ada tidak diubah."""
    from services.registry.surveys.instruments import load_shipped_instruments

    with _session() as session:
        for instrument, created in load_shipped_instruments(session, actor="cli"):
            click.echo(f"{instrument.code} v{instrument.version}: {'dimuat' if created else 'sudah ada'}")


@click.command("import-survey")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--instrument", "code", required=True, help="Kode instrumen, mis. BPS14.")
@click.option("--actor", default="cli", show_default=True)
def import_survey(file: Path, code: str, actor: str) -> None:
    """Impor ekspor KoboToolbox/ODK (CSV/XLSX); baris ditolak ditulis ke <berkas>.ditolak.csv."""
    from services.registry.core.parsing import RosterFileError
    from services.registry.surveys.instruments import active_instrument
    from services.registry.surveys.kobo import import_kobo
    from services.registry.surveys.scoring import rescore

    with _session() as session:
        instrument = active_instrument(session, code)
        if instrument is None:
            raise click.ClickException(f"Instrumen aktif '{code}' tidak ada (jalankan load-instruments)")
        try:
            result = import_kobo(session, file, instrument, actor)
        except RosterFileError as exc:
            click.echo(f"Impor gagal: {exc}", err=True)
            sys.exit(2)
        if result.imported and instrument.purpose == "kesejahteraan":
            rescore(session, instrument.code, actor=actor)
    click.echo(f"imported {result.imported}, unchanged {result.unchanged}, rejected {len(result.rejected)}")
    if result.ignored_columns:
        click.echo("kolom diabaikan: " + ", ".join(result.ignored_columns))
    click.echo(f"rejection report: {result.report}")


@click.command("import-dtsen")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--actor", default="cli", show_default=True)
def import_dtsen_command(file: Path, actor: str) -> None:
    """Impor desil DTSEN (kolom NO_KK, DESIL); baris ditolak ditulis ke <berkas>.ditolak.csv."""
    from services.registry.core.parsing import RosterFileError
    from services.registry.surveys.dtsen import import_dtsen

    with _session() as session:
        try:
            result = import_dtsen(session, file, actor)
        except RosterFileError as exc:
            click.echo(f"Impor gagal: {exc}", err=True)
            sys.exit(2)
    click.echo(f"updated {result.updated}, unchanged {result.unchanged}, rejected {len(result.rejected)}")
    click.echo(f"rejection report: {result.report}")


@click.command("create-enumerator")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Nama lengkap pencacah.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--phone", default=None)
def create_enumerator(username: str, full_name: str, password: str, phone: str | None) -> None:
    """Buat pencacah (login ODK Collect, Digest/Basic); bila sudah ada, kata sandinya diganti."""
    from services.registry.core.audit import record
    from services.registry.models import Enumerator

    if len(password) < 8:
        raise click.ClickException("Kata sandi minimal 8 karakter")
    with _session() as session:
        found = session.execute(select(Enumerator).where(Enumerator.username == username)).scalar_one_or_none()
        action = "update" if found else "create"
        if found is None:
            found = Enumerator(username=username, full_name=full_name, phone=phone, password_hash="")
            session.add(found)
        found.full_name, found.active = full_name, True
        set_password(found, password)  # werkzeug hash for Basic and the Digest HA1 together
        session.flush()
        record(session, "cli", action, "survey_enumerator", found.id, username=username, full_name=full_name)
        session.commit()
    click.echo(f"Pencacah {username} {'dibuat' if action == 'create' else 'diperbarui'}")


@click.command("rescore")
@click.option("--instrument", "code", default=None, help="Kode instrumen (bawaan: instrumen kesejahteraan aktif).")
def rescore_command(code: str | None) -> None:
    """Hitung ulang skor, peringkat dan kelompok kesejahteraan semua keluarga (langsung, tanpa worker)."""
    from services.registry.surveys.scoring import RescoreError, rescore

    with _session() as session:
        try:
            summary = rescore(session, code, actor="cli")
        except RescoreError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"{summary['households']} keluarga dinilai ulang ({summary['instrument']} v{summary['version']})")


COMMANDS = [load_instruments, import_survey, import_dtsen_command, create_enumerator, rescore_command]
