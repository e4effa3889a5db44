"""Uploaded workbooks are refused from their zip directory before parsing when they would inflate beyond the
limits, parsed as a stream, and formula cells are named instead of read as empty."""
from __future__ import annotations

import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from services.registry.core import parsing
from services.registry.core.parsing import MAX_SHEET_BYTES, RosterFileError, read_roster

HEADER = ["NO_KK", "NIK", "NAMA", "JENIS_KELAMIN", "TANGGAL_LAHIR"]
ROW = ('<row><c t="inlineStr"><is><t>3526011201900001</t></is></c><c t="inlineStr"><is><t>3526014101900002'
       '</t></is></c><c t="inlineStr"><is><t>Siti Aminah</t></is></c><c t="inlineStr"><is><t>P</t></is></c>'
       '<c t="inlineStr"><is><t>01-01-1990</t></is></c></row>')

HEADER_ROW = "<row>" + "".join(f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in HEADER) + "</row>"


def _with_sheet(path: Path, write_sheet, dimension: str | None = None) -> Path:
    """A genuine workbook whose first sheet's XML is replaced by what ``write_sheet`` streams."""
    template = path.with_suffix(".template.xlsx")
    book = Workbook()
    book.active.append(HEADER)
    book.save(template)
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info))
                continue
            with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
                            b'.org/spreadsheetml/2006/main">')
                if dimension:
                    sheet.write(f'<dimension ref="{dimension}"/>'.encode())
                sheet.write(b"<sheetData>" + HEADER_ROW.encode())
                write_sheet(sheet)
                sheet.write(b"</sheetData></worksheet>")
    template.unlink()
    return path


def zip_bomb(path: Path, inflated_mb: int = 300) -> Path:
    """A few hundred KB that inflate to ``inflated_mb`` MB of one repetitive sheet (built in about a second)."""
    chunk = (ROW * (2**20 // len(ROW))).encode()

    def write(sheet):
        for _ in range(inflated_mb):
            sheet.write(chunk)

    return _with_sheet(path, write)


def test_a_zip_bomb_is_refused_quickly_from_its_directory_with_the_limits(tmp_path):
    bomb = zip_bomb(tmp_path / "bom.xlsx")
    assert bomb.stat().st_size < 5 * 2**20  # small on disk...
    with zipfile.ZipFile(bomb) as archive:  # ...huge once inflated
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > MAX_SHEET_BYTES
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(RosterFileError) as refused:
        read_roster(bomb)
    elapsed, (_, peak) = time.monotonic() - started, tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 2 and peak < 5 * 2**20
    message = str(refused.value)
    assert "terlalu besar" in message and "256 MB" in message and "200.000 baris" in message


def test_the_row_count_the_sheet_declares_is_checked_before_parsing(tmp_path):
    book = _with_sheet(tmp_path / "besar.xlsx", lambda sheet: sheet.write(ROW.encode()), dimension="A1:E5000001")
    with pytest.raises(RosterFileError, match="5.000.000 baris"):
        read_roster(book)


def test_rows_are_counted_while_streaming_when_no_size_is_declared(tmp_path, monkeypatch):
    monkeypatch.setattr(parsing, "MAX_SHEET_ROWS", 2_000)
    book = _with_sheet(tmp_path / "panjang.xlsx", lambda sheet: sheet.write((ROW * 5_000).encode()))
    tracemalloc.start()
    with pytest.raises(RosterFileError, match="lebih dari 2.000 baris"):
        read_roster(book)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20 * 2**20  # the stream stopped at the limit; the whole sheet was never held


def test_a_sheet_within_the_limits_still_reads(tmp_path):
    book = _with_sheet(tmp_path / "biasa.xlsx", lambda sheet: sheet.write((ROW * 3).encode()))
    roster = read_roster(book)
    assert roster.canonical == HEADER and len(roster.rows) == 3 and roster.rows[0][2] == "Siti Aminah"


def test_formula_cells_are_named_not_read_as_empty(tmp_path):
    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["3526011201900001", "3526014101900002", '=CONCAT("Siti", " Aminah")', "P", "01-01-1990"])
    book.active.append(["3526011201900001", "3526014101900003", "Ahmad", "L", "=TEXT(TODAY(),\"DD-MM-YYYY\")"])
    path = tmp_path / "rumus.xlsx"
    book.save(path)
    with pytest.raises(RosterFileError) as refused:
        read_roster(path)
    assert str(refused.value) == "Sel berisi rumus: simpan sebagai nilai (C2, E3)"


def test_the_cli_refuses_a_zip_bomb_quickly_and_the_job_ends_failed(tmp_path):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from services.common.db import make_engine
    from services.registry import schema
    from services.registry.models import ImportJob
    from tests.registry.core.test_cli import bansos

    url = f"sqlite:///{tmp_path / 'registry.db'}"
    schema.upgrade(url)
    bomb = zip_bomb(tmp_path / "bom.xlsx")
    started = time.monotonic()
    result = bansos("import-roster", str(bomb), url=url, var=tmp_path)
    assert time.monotonic() - started < 30  # start-up included; the refusal itself takes milliseconds
    assert result.returncode == 2 and "Impor gagal: Lembar kerja terlalu besar" in result.stderr
    engine = make_engine(url)
    with Session(engine) as session:
        job = session.scalars(select(ImportJob)).one()
        assert job.status == "gagal" and "256 MB" in job.error and job.finished_at is not None
    engine.dispose()
