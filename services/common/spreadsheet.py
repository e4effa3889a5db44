"""Cells written into CSV/XLSX that people open in Excel or LibreOffice: neutralise formula injection.

A roster or complaint may carry text like ``=HYPERLINK(...)`` or ``@SUM(...)``; echoed into an export
it would run as a formula on the reader's machine. Such text gets a leading apostrophe (shown as
text, OWASP's advice); numbers, dates and ordinary text pass unchanged."""
from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: Any) -> Any:
    """``value`` as it may be written to a spreadsheet cell."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


class SafeCsvWriter:
    """``csv.writer`` whose every row goes through ``safe_row``."""

    def __init__(self, handle, **options) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
