"""``bansos backup`` and ``bansos restore``: every database and the report store, with checksums.

PostgreSQL databases go through ``pg_dump --format=custom`` / ``pg_restore`` (consistent snapshot while
the services run); SQLite files through the SQLite online backup API (a plain file copy of a WAL
database can miss committed pages). The report store is a tar.gz. A ``manifest.json`` lists every
part with its SHA-256 so a damaged or incomplete backup is refused before anything is restored.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import click
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from services.common.db import utcnow
from services.common.settings import env_str, var_dir

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


def database_urls() -> dict[str, str]:
    """Every database of the system, by the name its backup file carries (admin lives in registry)."""
    from services.notifications.config import notifications_database_url
    from services.registry.config import registry_database_url
    from services.reports.config import reports_database_url

    return {"registry": registry_database_url(), "notifications": notifications_database_url(),
            "reports": reports_database_url()}


def report_store() -> Path:
    return Path(env_str("REPORTS_STORE") or var_dir() / "reports")


class BackupError(click.ClickException):
    """A backup or restore that cannot go on; the message is for the operator, in Indonesian."""


@dataclass
class _Pg:
    """libpq connection settings from a SQLAlchemy URL; the password travels in PGPASSWORD, not argv."""

    url: str

    def args(self) -> list[str]:
        parsed = make_url(self.url)
        args = ["--dbname", parsed.database or "postgres", "--host", parsed.host or "127.0.0.1",
                "--port", str(parsed.port or 5432)]
        return args + (["--username", parsed.username] if parsed.username else [])

    def env(self) -> dict:
        password = make_url(self.url).password
        return {**os.environ, **({"PGPASSWORD": str(password)} if password else {})}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _run(argv: list[str], env: dict) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{argv[0]} gagal (kode {done.returncode}): {done.stderr.strip()[:500]}")


def _sqlite_path(url: str) -> Path:
    return Path(make_url(url).database or "")


def _dump_database(name: str, url: str, target: Path) -> dict:
    if url.startswith("sqlite"):
        source = _sqlite_path(url)
        if not source.is_file():
            raise BackupError(f"Basis data {name} tidak ditemukan: {source}")
        out = target / f"{name}.sqlite3"
        with sqlite3.connect(source) as src, sqlite3.connect(out) as dst:
            src.backup(dst)
        kind = "sqlite"
    else:
        out = target / f"{name}.dump"
        pg = _Pg(url)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(out), *pg.args()],
             pg.env())
        kind = "postgresql"
    return {"name": name, "kind": kind, "file": out.name, "sha256": sha256_of(out), "bytes": out.stat().st_size}


def _archive_store(store: Path, target: Path) -> dict:
    out = target / "reports-store.tar.gz"
    with tarfile.open(out, "w:gz") as tar:
        if store.is_dir():
            tar.add(store, arcname="reports")
    return {"name": "reports-store", "kind": "files", "file": out.name, "sha256": sha256_of(out),
            "bytes": out.stat().st_size}


def backup(target_root: Path) -> Path:
    """Write one complete backup into a new timestamped folder under ``target_root``; return it."""
    target = target_root / utcnow().strftime("bansos-%Y%m%dT%H%M%SZ")
    if target.exists():
        raise BackupError(f"Folder cadangan sudah ada: {target}")
    target.mkdir(parents=True)
    parts, seen = [], {}
    for name, url in database_urls().items():
        if url in seen:  # one database serving two parts (a small install): dump it once
            parts.append({"name": name, "kind": "same_as", "file": None, "same_as": seen[url]})
            continue
        seen[url] = name
        parts.append(_dump_database(name, url, target))
    parts.append(_archive_store(report_store(), target))
    manifest = {"format": FORMAT_VERSION, "created_at": utcnow().isoformat(), "parts": parts}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return target


def prune(root: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest complete backups under ``root``; return what was deleted."""
    folders = sorted(p for p in root.glob("bansos-*") if (p / MANIFEST).is_file())
    old = folders[:-keep]
    for folder in old:
        shutil.rmtree(folder)
    return old


def read_manifest(source: Path) -> dict:
    """The manifest of a backup folder, after checking every part's checksum."""
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"Bukan folder cadangan (tidak ada {MANIFEST}): {source}")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Format cadangan tidak dikenal: {manifest.get('format')!r}")
    for part in manifest["parts"]:
        if part["kind"] == "same_as":
            continue
        file = source / part["file"]
        if not file.is_file():
            raise BackupError(f"Bagian cadangan hilang: {part['file']}")
        if sha256_of(file) != part["sha256"]:
            raise BackupError(f"Checksum tidak cocok, cadangan rusak: {part['file']}")
    return manifest


def _is_empty(url: str) -> bool:
    if url.startswith("sqlite") and not _sqlite_path(url).is_file():
        return True
    engine = create_engine(url)
    try:
        return not inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _restore_database(part: dict, url: str, source: Path) -> None:
    file = source / part["file"]
    if part["kind"] == "sqlite":
        if not url.startswith("sqlite"):
            raise BackupError(f"Cadangan {part['name']} dari SQLite tidak dapat dipulihkan ke "
                              f"{make_url(url).drivername}.")
        destination = _sqlite_path(url)
        destination.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{destination}{suffix}").unlink(missing_ok=True)
        with sqlite3.connect(file) as src, sqlite3.connect(destination) as dst:
            src.backup(dst)
        return
    if url.startswith("sqlite"):
        raise BackupError(f"Cadangan {part['name']} dari PostgreSQL tidak dapat dipulihkan ke SQLite.")
    pg = _Pg(url)
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *pg.args(), str(file)], pg.env())


def _restore_store(part: dict, source: Path, store: Path) -> None:
    store.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / part["file"], "r:gz") as tar:
        staging = store.parent / f".{store.name}-restore"
        shutil.rmtree(staging, ignore_errors=True)
        tar.extractall(staging, filter="data")  # "data" refuses absolute paths, links out, devices
    restored = staging / "reports"
    if restored.is_dir():
        for item in restored.iterdir():
            shutil.move(str(item), store / item.name)
    shutil.rmtree(staging, ignore_errors=True)


def restore(source: Path, force: bool = False) -> dict:
    """Restore every part of the backup at ``source`` into the configured (empty) databases and store."""
    manifest = read_manifest(source)
    urls = database_urls()
    databases = [part for part in manifest["parts"] if part["kind"] in ("sqlite", "postgresql")]
    for part in databases:
        if part["name"] not in urls:
            raise BackupError(f"Basis data tidak dikenal dalam cadangan: {part['name']}")
        if not force and not _is_empty(urls[part["name"]]):
            raise BackupError(f"Basis data {part['name']} tidak kosong; pulihkan ke sistem kosong "
                              "atau pakai --force untuk menimpa.")
    store = report_store()
    if not force and store.is_dir() and any(store.iterdir()):
        raise BackupError(f"Folder laporan tidak kosong: {store}")
    for part in databases:
        _restore_database(part, urls[part["name"]], source)
    for part in manifest["parts"]:
        if part["kind"] == "files":
            _restore_store(part, source, store)
    return manifest


@click.command("backup", help="Cadangkan semua basis data dan folder laporan ke satu folder bertanggal.")
@click.option("--to", "target", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder induk cadangan (bawaan: BANSOS_BACKUP_DIR atau var/backups).")
@click.option("--keep", type=click.IntRange(min=1), default=None,
              help="Simpan hanya N cadangan terbaru di folder induk (yang lebih lama dihapus).")
def backup_command(target: Path | None, keep: int | None) -> None:
    root = target or Path(env_str("BANSOS_BACKUP_DIR") or var_dir() / "backups")
    folder = backup(root)
    if keep:
        for old in prune(root, keep):
            click.echo(f"Cadangan lama dihapus: {old}")
    manifest = json.loads((folder / MANIFEST).read_text())
    for part in manifest["parts"]:
        if part["kind"] == "same_as":
            click.echo(f"{part['name']:<15} (satu basis data dengan {part['same_as']})")
            continue
        click.echo(f"{part['name']:<15} {part['bytes']:>12,} bita  sha256 {part['sha256'][:16]}…")
    click.echo(f"Cadangan selesai: {folder}")


@click.command("restore", help="Pulihkan cadangan (folder hasil 'bansos backup') ke sistem yang kosong.")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Timpa basis data dan folder laporan yang tidak kosong.")
def restore_command(source: Path, force: bool) -> None:
    manifest = restore(source, force=force)
    created = datetime.fromisoformat(manifest["created_at"])
    click.echo(f"Dipulihkan {len(manifest['parts'])} bagian dari cadangan {created:%Y-%m-%d %H:%M} UTC.")


COMMANDS = [backup_command, restore_command]
