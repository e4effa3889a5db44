"""Read a CSV/XLSX export into (headers, rows) and write rejection reports; reuses the roster reader's parsers."""
from __future__ import annotations

import csv
from pathlib import Path

from ..importer.parsing import RosterFileError, _read_csv, _read_xlsx  # same CSV/XLSX rules as the roster


def read_table(path: str | Path) -> tuple[list[str], list[list[str]]]:
    path = Path(path)
    if not path.is_file():
        raise RosterFileError(f"Berkas tidak ditemukan: {path.name}")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        table = _read_xlsx(path)
    elif suffix in (".csv", ".txt"):
        table = _read_csv(path)
    else:
        raise RosterFileError(f"Jenis berkas {suffix or '(tanpa akhiran)'} tidak didukung: gunakan CSV atau XLSX")
    table = [row for row in table if any(cell for cell in row)]
    if not table:
        raise RosterFileError("Berkas kosong: tidak ada baris judul kolom")
    return [str(h).strip() for h in table[0]], table[1:]


def write_rejections(path: Path, headers: list[str], rejections: list[tuple[int, str, list[str]]]) -> Path:
    """One line per rejected row: row number, reason, original cells (header only when none)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["BARIS", "ALASAN", *headers])
        for number, reason, cells in rejections:
            writer.writerow([number, reason, *cells])
    return path


def report_path(source: str | Path) -> Path:
    source = Path(source)
    return source.with_name(f"{source.stem}.ditolak.csv")
