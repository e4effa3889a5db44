"""The rejection report: one CSV line per rejected row, with the reason and the original cells."""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from services.common.spreadsheet import SafeCsvWriter

REPORT_COLUMNS = ("BARIS", "NIK", "NAMA", "ALASAN")


@dataclass
class Rejection:
    number: int
    nik: str
    name: str
    reason: str
    cells: list[str]


def report_path_for(stored_path: str | Path) -> Path:
    """``roster.csv`` -> ``roster.ditolak.csv`` in the same folder."""
    path = Path(stored_path)
    return path.with_name(f"{path.stem}.ditolak.csv")


def write_report(path: Path, headers: list[str], rejections: list[Rejection]) -> Path:
    """Write the report (header only when nothing was rejected, so the download always works)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # A unique temporary name: two deliveries of the same import task may write the report at once.
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    # utf-8-sig so that Excel, which most village offices open CSVs with, shows the names correctly.
    with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = SafeCsvWriter(handle)
        writer.writerow([*REPORT_COLUMNS, *headers])
        for item in rejections:
            writer.writerow([item.number, item.nik, item.name, item.reason, *item.cells])
    tmp.replace(path)
    return path
