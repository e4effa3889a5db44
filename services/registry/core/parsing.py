"""Read a roster file (CSV comma/semicolon, UTF-8 with or without BOM, or XLSX) into header-keyed rows."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

# The import contract's columns (DESIGN.md). The required ones are what a person record cannot lack.
COLUMNS = (
    "NO_KK", "NIK", "NAMA", "JENIS_KELAMIN", "TEMPAT_LAHIR", "TANGGAL_LAHIR", "HUBUNGAN_KELUARGA", "ALAMAT",
    "RT", "RW", "DUSUN", "DESA", "KECAMATAN", "KABUPATEN", "NO_HP", "PEKERJAAN", "PENDIDIKAN", "LATITUDE",
    "LONGITUDE",
)
REQUIRED = ("NO_KK", "NIK", "NAMA", "JENIS_KELAMIN", "TANGGAL_LAHIR")
# A programme list (BNBA: by name, by address) may carry only these; the persons must already be registered.
BNBA_REQUIRED = ("NIK", "NAMA")
_SEPARATORS = re.compile(r"[\s_]+")
# A kabupaten's roster fits: 200,000 rows of the contract's 19 columns take about 120 MB of sheet XML.
MAX_SHEET_ROWS = 200_000
MAX_SHEET_BYTES = 256 * 2**20
# The parts that hold cells: XLSX worksheets and shared strings, ODS content.
_SHEET_PARTS = re.compile(r"^(xl/worksheets/[^/]+\.xml|xl/sharedStrings\.xml|content\.xml)$")
_DIMENSION = re.compile(r'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')


class RosterFileError(ValueError):
    """The file as a whole cannot be imported (unreadable, wrong format, missing columns)."""


@dataclass
class Roster:
    """Original headers, their contract names (None = ignored column), and the data rows."""

    headers: list[str]
    canonical: list[str | None]
    rows: list[list[str]]

    def records(self) -> Iterator[tuple[int, dict[str, str], list[str]]]:
        """(1-based row number, contract column -> text, original cells) for every data row."""
        pairs = [(i, name) for i, name in enumerate(self.canonical) if name]
        for number, cells in enumerate(self.rows, start=1):
            record = {name: (cells[i] if i < len(cells) else "") for i, name in pairs}
            yield number, record, cells


# Dukcapil exports name the village column after what it is.
_ALIASES = {"KELURAHAN": "DESA", "DESA/KELURAHAN": "DESA", "DESA_KELURAHAN": "DESA"}


def canonical_header(header: str) -> str:
    """``" no kk "``, ``No_Kk`` and ``NO KK`` all become ``NO_KK``; ``KELURAHAN`` is ``DESA``."""
    name = _SEPARATORS.sub("_", str(header or "").strip()).upper()
    return _ALIASES.get(name, name)


def _cell_text(value) -> str:
    # XLSX cells arrive typed: keep NIK/KK digits exact and dates in ISO form.
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(path: Path) -> list[list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterFileError("Berkas CSV harus berkode UTF-8") from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    check_workbook_size(path)
    try:
        # read_only streams the sheet XML row by row; formulas are kept (not data_only) so they can be named.
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file; all mean "unreadable"
        raise RosterFileError(f"Berkas XLSX tidak dapat dibaca: {exc}") from exc
    try:
        table, formulas = [], []
        for number, row in enumerate(workbook.worksheets[0].iter_rows(), start=1):
            if number > MAX_SHEET_ROWS + 1:  # the header row is not counted
                raise RosterFileError(_too_big(f"lebih dari {MAX_SHEET_ROWS:,} baris".replace(",", ".")))
            cells = []
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    formulas.append(cell.coordinate)
                    cells.append("")
                else:
                    cells.append(_cell_text(getattr(cell, "value", None)))
            table.append(cells)
        if formulas:
            shown = ", ".join(formulas[:10]) + (f" dan {len(formulas) - 10} lainnya" if len(formulas) > 10 else "")
            raise RosterFileError(f"Sel berisi rumus: simpan sebagai nilai ({shown})")
        return table
    finally:
        workbook.close()


def _too_big(what: str) -> str:
    return (f"Lembar kerja terlalu besar ({what}): paling banyak {MAX_SHEET_ROWS:,} baris dan "
            f"{MAX_SHEET_BYTES // 2**20} MB isi lembar setelah dibuka; bagi berkasnya atau kirim sebagai CSV"
            ).replace(",", ".")


def check_workbook_size(path: Path) -> None:
    """Refuse an XLSX/ODS before parsing from its zip directory alone: the sheets' sizes once inflated
    (a few MB can inflate to a GB) and the row count the sheet declares. Cheap: nothing is inflated
    beyond the sheet's first few kilobytes."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise RosterFileError(f"Berkas {path.suffix.upper().lstrip('.')} tidak dapat dibaca: {exc}") from exc
    with archive:
        sheets = [info for info in archive.infolist() if _SHEET_PARTS.match(info.filename)]
        inflated = sum(info.file_size for info in sheets)
        if inflated > MAX_SHEET_BYTES:
            raise RosterFileError(_too_big(f"{inflated // 2**20} MB"))
        first = next((info for info in sheets if info.filename.startswith("xl/worksheets/")), None)
        if first is not None:
            with archive.open(first) as handle:
                head = handle.read(4096).decode("utf-8", "replace")
            declared = _DIMENSION.search(head)
            if declared and declared.group(1) and int(declared.group(1)) > MAX_SHEET_ROWS + 1:
                raise RosterFileError(_too_big(f"{int(declared.group(1)) - 1:,} baris".replace(",", ".")))


def read_rows(path: str | Path) -> list[list[str]]:
    """The non-blank rows of a CSV or XLSX file, header first; RosterFileError when it cannot be read."""
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
    # Blank lines (and blank trailing XLSX rows) are not data rows.
    table = [row for row in table if any(cell for cell in row)]
    if not table:
        raise RosterFileError("Berkas kosong: tidak ada baris judul kolom")
    return table


def read_roster(path: str | Path, required: tuple[str, ...] = REQUIRED) -> Roster:
    """Parse the file; raise RosterFileError if it cannot be imported at all."""
    table = read_rows(path)
    headers = table[0]
    canonical = [canonical_header(h) if canonical_header(h) in COLUMNS else None for h in headers]
    missing = [name for name in required if name not in canonical]
    if missing:
        raise RosterFileError("Kolom wajib tidak ada: " + ", ".join(missing))
    seen: set[str] = set()
    for i, name in enumerate(canonical):
        # A repeated column would make a row ambiguous: the first one wins, later ones are ignored.
        if name in seen:
            canonical[i] = None
        elif name:
            seen.add(name)
    return Roster(headers=[str(h) for h in headers], canonical=canonical, rows=table[1:])
