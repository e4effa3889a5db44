"""Roster parsing (CSV comma/semicolon, BOM, XLSX, header spelling) and the row-level rejection reasons."""
from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook

from services.registry.core.parsing import RosterFileError, read_roster
from services.registry.people.importer.rows import RowError, clean_row

TODAY = date(2026, 11, 29)
HEADER = ["NO_KK", "NIK", "NAMA", "JENIS_KELAMIN", "TANGGAL_LAHIR", "NO_HP", "DUSUN", "RT", "LATITUDE"]
ROW = ["3526010507150003", "3526011203840012", "Moh. Hasan", "L", "12-03-1984", "081234567890", "Pesisir", "2",
       "-7.16"]


def _records(path):
    return list(read_roster(path).records())


@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("bom", [False, True])
def test_csv_with_either_delimiter_and_optional_bom_reads_the_same(write_csv, delimiter, bom):
    path = write_csv([HEADER, ROW], delimiter=delimiter, bom=bom)
    [(number, record, cells)] = _records(path)
    assert number == 1
    assert record["NO_KK"] == "3526010507150003"  # the BOM did not stick to the first header
    assert record["NAMA"] == "Moh. Hasan"
    assert cells == ROW


def test_headers_are_case_insensitive_with_spaces_or_underscores_and_unknown_columns_ignored(write_csv):
    header = ["no kk", "Nik", "nama", "Jenis_Kelamin", "tanggal lahir", "Catatan RT", "no  hp"]
    path = write_csv([header, ["3526010507150003", "3526011203840012", "Siti", "P", "1984-03-12", "x", "0812"]])
    roster = read_roster(path)
    assert roster.canonical == ["NO_KK", "NIK", "NAMA", "JENIS_KELAMIN", "TANGGAL_LAHIR", None, "NO_HP"]
    [(_, record, _)] = roster.records()
    assert "CATATAN_RT" not in record
    assert record["NO_HP"] == "0812"


def test_missing_required_columns_reject_the_whole_file(write_csv):
    path = write_csv([["NIK", "NAMA"], ["3526011203840012", "Moh. Hasan"]])
    with pytest.raises(RosterFileError) as caught:
        read_roster(path)
    assert str(caught.value) == "Kolom wajib tidak ada: NO_KK, JENIS_KELAMIN, TANGGAL_LAHIR"


def test_non_utf8_csv_is_rejected_as_a_file(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(",".join(HEADER).encode() + b"\n" + "Mu\u00e7".encode("latin-1") + b"\n")
    with pytest.raises(RosterFileError, match="UTF-8"):
        read_roster(path)


def test_unsupported_file_type_is_rejected(tmp_path):
    path = tmp_path / "roster.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(RosterFileError, match="tidak didukung"):
        read_roster(path)


def test_xlsx_cells_typed_as_numbers_and_dates_keep_nik_digits_and_dates(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["No KK", "NIK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Kolom Lain"])
    sheet.append([3526010507150003, "3526015203840013", "Sitti Aminah", "PEREMPUAN", date(1984, 3, 12), 5])
    sheet.append([None, None, None, None, None, None])  # blank trailing row: not data
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    [(number, record, _)] = _records(path)
    row = clean_row(number, record, TODAY)
    assert (row.no_kk, row.nik, row.person["sex"], row.person["birth_date"]) == (
        "3526010507150003", "3526015203840013", "P", date(1984, 3, 12))


def _record(**changes) -> dict:
    return {**dict(zip(HEADER, ROW, strict=True)), **changes}


@pytest.mark.parametrize("typed", ["12-03-1984", "12/03/1984", "1984-03-12"])
def test_the_three_date_formats_are_accepted(typed):
    assert clean_row(1, _record(TANGGAL_LAHIR=typed), TODAY).person["birth_date"] == date(1984, 3, 12)


@pytest.mark.parametrize("typed", ["L", "l", "LAKI-LAKI", "Laki-laki"])
def test_male_spellings(typed):
    assert clean_row(1, _record(JENIS_KELAMIN=typed), TODAY).person["sex"] == "L"


def test_clean_row_normalises_phone_rt_and_coordinates():
    row = clean_row(1, _record(), TODAY)
    assert row.person["phone"] == "+6281234567890"
    assert row.household["rt"] == "002"
    assert row.household["latitude"] == -7.16


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"NO_KK": "35260105071500"}, "No. KK harus 16 digit angka"),
        ({"NIK": "352601120384001"}, "NIK harus 16 digit angka"),
        ({"NAMA": "  "}, "NAMA kosong"),
        ({"NAMA": "A" * 151}, "NAMA terlalu panjang (maksimal 150 karakter)"),
        ({"JENIS_KELAMIN": "X"}, "JENIS_KELAMIN (X) tidak dikenal: gunakan L atau P"),
        ({"TANGGAL_LAHIR": ""}, "TANGGAL_LAHIR kosong"),
        ({"TANGGAL_LAHIR": "31/02/1984"},
         "TANGGAL_LAHIR (31/02/1984) tidak sah: gunakan DD-MM-YYYY, DD/MM/YYYY atau YYYY-MM-DD"),
        ({"TANGGAL_LAHIR": "12-03-2084"}, "TANGGAL_LAHIR (12-03-2084) ada di masa depan"),
        ({"JENIS_KELAMIN": "P"}, "Jenis kelamin pada NIK (laki-laki) tidak sama dengan JENIS_KELAMIN (P)"),
        ({"TANGGAL_LAHIR": "13-03-1984"},
         "Tanggal lahir pada NIK (12-03-84) tidak sama dengan TANGGAL_LAHIR (13-03-1984)"),
        ({"NO_HP": "0812-12"}, "Nomor HP (0812-12) tidak sah"),
        ({"RT": "12a"}, "RT (12a) harus angka, paling banyak 3 digit"),
        ({"LATITUDE": "utara"}, "LATITUDE (utara) bukan angka"),
        ({"LATITUDE": "-97"}, "LATITUDE (-97) di luar rentang"),
    ],
)
def test_each_row_rejection_reason(changes, reason):
    with pytest.raises(RowError) as caught:
        clean_row(1, _record(**changes), TODAY)
    assert str(caught.value) == reason
