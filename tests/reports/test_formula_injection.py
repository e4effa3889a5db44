"""Exports never hand a spreadsheet a formula that came from the data (CSV/XLSX formula injection)."""
from __future__ import annotations

import csv
from datetime import UTC, datetime

import openpyxl
import pytest

from services.common.spreadsheet import safe_cell
from services.registry.people.importer.report import Rejection, write_report
from services.reports.recipients_data import RecipientsReport
from services.reports.renderers import write_csv, write_xlsx

PAYLOADS = ["=HYPERLINK(\"http://jahat.example\",\"klik\")", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "＝1"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_like_text_is_turned_into_text(payload):
    assert safe_cell(payload) == "'" + payload


@pytest.mark.parametrize("value", ["SITI AMINAH", "3526014501800001", 150000, -5, None, "Jl. Raya Kamal"])
def test_ordinary_values_pass_unchanged(value):
    assert safe_cell(value) == value


def test_the_import_rejection_report_echoes_hostile_cells_as_text(tmp_path):
    report = write_report(tmp_path / "tolak.csv", ["NIK", "NAMA"],
                          [Rejection(2, "12", PAYLOADS[0], "NIK harus 16 angka", ["12", PAYLOADS[0]])])
    with open(report, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][2] == "'" + PAYLOADS[0] and rows[1][-1] == "'" + PAYLOADS[0]


def test_recipient_exports_neutralise_formulas_in_csv_and_xlsx(tmp_path):
    report = RecipientsReport("Program", "P1", "tunai", "Rp300.000", [], [], datetime.now(UTC), "2026",
                              rows=[(1, "3526********0001", "@SUM(A1)", "001", "002", "=KAMAL", "aktif")])
    write_csv(report, tmp_path / "r.csv")
    write_xlsx(report, tmp_path / "r.xlsx")
    with open(tmp_path / "r.csv", newline="", encoding="utf-8") as handle:
        row = list(csv.reader(handle))[1]
    assert row[2] == "'@SUM(A1)" and row[5] == "'=KAMAL" and row[0] == "1"
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").worksheets[0]
    cells = [cell.value for cell in sheet[2]]
    assert cells[2] == "'@SUM(A1)" and cells[5] == "'=KAMAL" and sheet.cell(2, 3).data_type == "s"
