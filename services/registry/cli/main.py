"""Registry commands of ``bansos``: imports, demo data, audit check, regions, entitlement resume, LAPOR export."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy.orm import Session

from services.common.db import make_engine
from services.registry.config import registry_database_url


@click.command("import-roster")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--actor", default="cli", show_default=True, help="Nama pelaku yang dicatat di jejak audit.")
def import_roster(file: Path, actor: str) -> None:
    """Impor daftar keluarga (CSV/XLSX) ke registri; laporan baris ditolak ditulis di samping berkas."""
    from services.registry.people.importer.jobs import create_import_job, run_import_job

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


@click.command("import-bnba")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--programme", "programme_code", required=True, help="Kode program, mis. BLT-DD-2026.")
@click.option("--actor", default="cli", show_default=True, help="Nama pelaku yang dicatat di jejak audit.")
def import_bnba_command(file: Path, programme_code: str, actor: str) -> None:
    """Impor daftar BNBA (kolom NIK, NAMA): daftarkan KK penerima ke program; baris ditolak dilaporkan."""
    from services.registry.core.parsing import RosterFileError
    from services.registry.people.importer.bnba import import_bnba

    engine = make_engine(registry_database_url())
    try:
        with Session(engine) as session:
            result = import_bnba(session, file.resolve(), programme_code, actor)
    except RosterFileError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()
    click.echo(f"didaftarkan {result.enrolled}, sudah terdaftar {result.already}, ditolak {result.rejected}")
    click.echo(f"laporan baris ditolak: {result.report_path}")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Isi registri dengan data contoh Desa Kamal dan Desa Gili Anyar (palsu); aman dijalankan berulang kali."""
    from services.registry.cli.demo.seed import seed_demo
    from services.registry.cli.demo.villages import seed_gili_anyar

    engine = make_engine(registry_database_url())
    try:
        with Session(engine) as session:
            counts = seed_demo(session)
            counts.update(seed_gili_anyar(session))
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
    from services.registry.cli.demo.roster import roster_rows, write_roster

    rows = roster_rows(households, invalid, seed)
    write_roster(out, rows, delimiter)
    click.echo(f"{len(rows)} baris ({invalid} sengaja salah) ditulis ke {out}")


@click.command("verify-audit", help="Periksa rantai hash jejak audit; sebutkan entri pertama yang rusak.")
def verify_audit() -> None:
    from services.registry.core.audit_chain import verify

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


@click.command("import-regions")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--property", "mapping", multiple=True, metavar="FIELD=PROPERTI",
              help="Nama properti GeoJSON untuk kind, code, name atau parent (bawaan: kind, code, name, "
                   "parent_code), mis. --property code=KODE --property parent=INDUK.")
@click.option("--kind", type=click.Choice(["desa", "dusun", "rw", "rt"]), default=None,
              help="Semua fitur berjenis ini (bila berkas tidak punya properti jenis).")
@click.option("--actor", default="cli", show_default=True, help="Nama pelaku yang dicatat di jejak audit.")
def import_regions_command(file: Path, mapping: tuple[str, ...], kind: str | None, actor: str) -> None:
    """Impor wilayah (desa, dusun, RW, RT) beserta batasnya dari berkas GeoJSON."""
    from services.registry.people.regions import DEFAULT_PROPERTIES, import_regions_file

    properties = {}
    for item in mapping:
        field, _, prop = item.partition("=")
        if field not in DEFAULT_PROPERTIES or not prop:
            raise click.BadParameter(f"'{item}': tulis FIELD=PROPERTI dengan FIELD salah satu dari "
                                     f"{', '.join(DEFAULT_PROPERTIES)}", param_hint="--property")
        properties[field] = prop
    engine = make_engine(registry_database_url())
    try:
        with Session(engine) as session:
            result = import_regions_file(session, file, actor, properties, kind)
    finally:
        engine.dispose()
    click.echo(f"inserted {result.inserted}, updated {result.updated}, unchanged {result.unchanged}, "
               f"rejected {len(result.rejected)}")
    for rejected in result.rejected:
        click.echo(f"ditolak fitur #{rejected['feature']} ({rejected['code'] or '-'}): {rejected['reason']}", err=True)
    if result.rejected and not (result.inserted or result.updated or result.unchanged):
        sys.exit(2)


@click.command("resume-entitlements")
def resume_entitlements() -> None:
    """Kirim ulang pembuatan hak bantuan untuk siklus disetujui yang belum selesai (aman diulang)."""
    from services.common.contracts import send
    from services.registry.app import create_app
    from services.registry.programmes.approval import pending_generation

    app = create_app()
    engine = make_engine(registry_database_url())
    try:
        with Session(engine) as session:
            pending = pending_generation(session)
    finally:
        engine.dispose()
    for cycle_id in pending:
        # Idempotent: a chunk only creates entitlements that are still missing.
        send(app.extensions["celery"], "registry.generate_entitlements", {"cycle_id": cycle_id})
    click.echo(f"{len(pending)} siklus dikirim ulang" + (": " + ", ".join(map(str, pending)) if pending else ""))


from services.registry.cli.dedup import COMMANDS as DEDUP_COMMANDS  # noqa: E402
from services.registry.cli.distribution import COMMANDS as DISTRIBUTION_COMMANDS  # noqa: E402
from services.registry.cli.indicators import COMMANDS as INDICATOR_COMMANDS  # noqa: E402


@click.command("export-lapor", help="Ekspor pengaduan untuk SP4N-LAPOR! (CSV atau XLSX menurut akhiran berkas).")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--sensitif", is_flag=True, help="Sertakan kategori sensitif (pungli, nepotisme).")
def export_lapor(out: Path, sensitif: bool) -> None:
    from services.registry.feedback.lapor_export import lapor_rows, write_csv, write_xlsx

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


COMMANDS = [import_roster, import_bnba_command, seed_demo_command, demo_roster, verify_audit,
            import_regions_command, resume_entitlements, *DISTRIBUTION_COMMANDS, export_lapor,
            *DEDUP_COMMANDS, *INDICATOR_COMMANDS]
