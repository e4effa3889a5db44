"""`bansos backup` / `bansos restore`: a backup restored into an empty stack holds every row and file."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, inspect, select, table

from services.backup import database_urls
from services.cli import main as bansos


def _use_stack(monkeypatch, urls: dict[str, str], store: Path) -> None:
    for name, url in urls.items():
        monkeypatch.setenv(f"{name.upper()}_DATABASE_URL", url)
    monkeypatch.setenv("REPORTS_STORE", str(store))


def _row_counts() -> dict[str, int]:
    """Rows per table of every database: what a restore must bring back unchanged."""
    counts = {}
    for name, url in database_urls().items():
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                for table_name in inspect(engine).get_table_names():
                    counts[f"{name}.{table_name}"] = connection.execute(
                        select(func.count()).select_from(table(table_name))).scalar_one()
        finally:
            engine.dispose()
    return counts


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(bansos, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _stacks(kind: str, tmp_path: Path, pg) -> tuple[dict, dict]:
    names = ("registry", "notifications", "reports")
    if kind == "sqlite":
        return ({n: f"sqlite:///{tmp_path / 'a' / f'{n}.db'}" for n in names},
                {n: f"sqlite:///{tmp_path / 'b' / f'{n}.db'}" for n in names})
    return ({n: pg.create(f"bk_a_{n}") for n in names}, {n: pg.create(f"bk_b_{n}") for n in names})


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_restore_into_an_empty_stack_brings_back_every_row_and_file(kind, tmp_path, tmp_var, monkeypatch, request):
    pg = request.getfixturevalue("pg") if kind == "postgres" else None
    source_urls, empty_urls = _stacks(kind, tmp_path, pg)
    (tmp_path / "a").mkdir()
    _use_stack(monkeypatch, source_urls, tmp_path / "store-a")
    _invoke("demo-setup")
    artifact = tmp_path / "store-a" / "2026" / "laporan.pdf"
    artifact.parent.mkdir(parents=True)
    artifact.write_bytes(b"%PDF-1.4 laporan bulanan")
    before = _row_counts()
    assert before["registry.household"] > 0 and before["registry.person"] > 0 and before["registry.ab_user"] > 0

    output = _invoke("backup", "--to", str(tmp_path / "backups"))
    folder = Path(output.strip().splitlines()[-1].split(": ", 1)[1])
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {part["name"] for part in manifest["parts"]} == {"registry", "notifications", "reports", "reports-store"}

    _use_stack(monkeypatch, empty_urls, tmp_path / "store-b")
    _invoke("restore", str(folder))
    assert _row_counts() == before
    assert (tmp_path / "store-b" / "2026" / "laporan.pdf").read_bytes() == artifact.read_bytes()

    # A second restore over the now non-empty stack is refused, in Indonesian, and changes nothing.
    refused = CliRunner().invoke(bansos, ["restore", str(folder)])
    assert refused.exit_code != 0 and "tidak kosong" in refused.output
    assert _row_counts() == before


def test_a_damaged_backup_is_refused_before_anything_is_restored(tmp_path, tmp_var, monkeypatch):
    urls = {n: f"sqlite:///{tmp_path / f'{n}.db'}" for n in ("registry", "notifications", "reports")}
    _use_stack(monkeypatch, urls, tmp_path / "store")
    _invoke("migrate")
    folder = Path(_invoke("backup", "--to", str(tmp_path / "backups")).strip().splitlines()[-1].split(": ", 1)[1])
    damaged = folder / "registry.sqlite3"
    damaged.write_bytes(damaged.read_bytes()[:-10] + b"0123456789")

    empty = {n: f"sqlite:///{tmp_path / 'empty' / f'{n}.db'}" for n in urls}
    _use_stack(monkeypatch, empty, tmp_path / "store-empty")
    result = CliRunner().invoke(bansos, ["restore", str(folder)])
    assert result.exit_code != 0 and "Checksum tidak cocok" in result.output
    assert not (tmp_path / "empty").exists()
