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
@click.option("--desa", "desa_code", default=None, metavar="KODE",
              help="Kode Kemendagri desa tujuan semua baris; kode kecamatan/kabupaten: desa dicocokkan dari kolom "
                   "DESA. Bawaan: kolom DESA dicocokkan dengan desa di kabupaten BANSOS_DEFAULT_DESA.")
@click.option("--actor", default="cli", show_default=True, help="Nama pelaku yang dicatat di jejak audit.")
def import_roster(file: Path, desa_code: str | None, actor: str) -> None:
    """Impor daftar keluarga (CSV/XLSX) ke registri; laporan baris ditolak ditulis di samping berkas."""
    from services.registry.people.importer.jobs import create_import_job, run_import_job

    engine = make_engine(registry_database_url())
    try:
        with Session(engine, expire_on_commit=False) as session:
            area_id = _area_id(session, desa_code)
            job = create_import_job(session, file.name, str(file.resolve()), actor, area_id)
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


@click.command("verify-audit", help="Periksa rantai hash jejak audit setiap wilayah; sebutkan entri pertama "
                                     "yang rusak di tiap rantai.")
def verify_audit() -> None:
    from services.registry.core.audit_chain import verify

    engine = make_engine(registry_database_url())
    try:
        with Session(engine) as session:
            check = verify(session)
    finally:
        engine.dispose()
    for line in check.lines():
        click.echo(line, err=not check.ok)
    if not check.ok:
        sys.exit(1)


@click.command("import-regions")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--property", "mapping", multiple=True, metavar="FIELD=PROPERTI",
              help="Nama properti GeoJSON untuk kind, code, name atau parent (bawaan: kind, code, name, "
                   "parent_code), mis. --property code=KODE --property parent=INDUK.")
@click.option("--kind", type=click.Choice(["desa", "dusun", "rw", "rt"]), default=None,
              help="Semua fitur berjenis ini (bila berkas tidak punya properti jenis).")
@click.option("--desa", "desa_code", default=None, metavar="KODE",
              help="Kode Kemendagri desa pemilik wilayah GeoJSON (bawaan: BANSOS_DEFAULT_DESA).")
@click.option("--actor", default="cli", show_default=True, help="Nama pelaku yang dicatat di jejak audit.")
def import_regions_command(file: Path, mapping: tuple[str, ...], kind: str | None, desa_code: str | None,
                           actor: str) -> None:
    """Impor daftar kode wilayah Kemendagri (kode,nama) atau wilayah dusun/RW/RT beserta batasnya (GeoJSON)."""
    from services.registry.core.areas import import_codes, looks_like_code_list
    from services.registry.people.regions import DEFAULT_PROPERTIES, import_regions_file

    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"Berkas tidak dapat dibaca: {exc}") from None
    if looks_like_code_list(text):
        engine = make_engine(registry_database_url())
        try:
            with Session(engine) as session:
                result = import_codes(session, text, actor)
        finally:
            engine.dispose()
        click.echo(f"ditambah {result.added}, diubah namanya {result.renamed}, tetap {result.unchanged}, "
                   f"ditolak {len(result.refused)}")
        for refused in result.refused:
            click.echo(f"ditolak baris {refused['line']} ({refused['code'] or '-'}): {refused['reason']}", err=True)
        if result.refused and not (result.added or result.renamed or result.unchanged):
            sys.exit(2)
        return
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
            area_id = _desa_id(session, desa_code)
            result = import_regions_file(session, file, actor, properties, kind, area_id)
    finally:
        engine.dispose()
    click.echo(f"inserted {result.inserted}, updated {result.updated}, unchanged {result.unchanged}, "
               f"rejected {len(result.rejected)}")
    for rejected in result.rejected:
        click.echo(f"ditolak fitur #{rejected['feature']} ({rejected['code'] or '-'}): {rejected['reason']}", err=True)
    if result.rejected and not (result.inserted or result.updated or result.unchanged):
        sys.exit(2)


def _area_id(session: Session, code: str | None) -> int:
    """The area an import goes to: ``--desa`` (a desa, kecamatan or kabupaten), else the default desa's kabupaten."""
    from sqlalchemy import select

    from services.registry.core.areas import ensure_default_desa
    from services.registry.models import Area

    if code:
        area = session.scalar(select(Area).where(Area.code == code.strip()))
        if area is None or area.level == "provinsi":
            raise click.BadParameter(f"'{code}' bukan kode desa, kecamatan atau kabupaten yang terdaftar",
                                     param_hint="--desa")
        return area.id
    area = ensure_default_desa(session)
    while area.level != "kabupaten" and area.parent is not None:
        area = area.parent
    session.commit()
    return area.id


def _desa_id(session: Session, code: str | None) -> int | None:
    """The id of the desa named by ``--desa``; None for the default desa; a clear error otherwise."""
    if not code:
        return None
    from sqlalchemy import select

    from services.registry.models import Area

    area = session.scalar(select(Area).where(Area.code == code.strip()))
    if area is None or area.level != "desa":
        raise click.BadParameter(f"'{code}' bukan kode desa/kelurahan yang terdaftar (impor dulu daftar kode "
                                 "Kemendagri)", param_hint="--desa")
    return area.id


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
