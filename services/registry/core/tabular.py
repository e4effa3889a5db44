"""Read a CSV/XLSX export into (headers, rows) and write rejection reports; reuses the roster reader's parsers."""
from __future__ import annotations

from pathlib import Path

from services.common.spreadsheet import SafeCsvWriter
from services.registry.core.parsing import read_rows  # same CSV/XLSX rules as the roster
from services.registry.people.importer.report import report_path_for


def read_table(path: str | Path) -> tuple[list[str], list[list[str]]]:
    table = read_rows(path)
    return [str(h).strip() for h in table[0]], table[1:]


def write_rejections(path: Path, headers: list[str], rejections: list[tuple[int, str, list[str]]]) -> Path:
    """One line per rejected row: row number, reason, original cells (header only when none)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = SafeCsvWriter(handle)  # the cells are the sender's text: no formulas into Excel
        writer.writerow(["BARIS", "ALASAN", *headers])
        for number, reason, cells in rejections:
            writer.writerow([number, reason, *cells])
    return path


def report_path(source: str | Path) -> Path:
    return report_path_for(source)
