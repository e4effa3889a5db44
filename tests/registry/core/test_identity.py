"""NIK, No. KK and phone checks: valid numbers pass, each kind of defect gives its Indonesian reason."""
from __future__ import annotations

from datetime import date

import pytest

from services.registry.core.identity import IdentityError, check_kk, check_nik, normalise_phone

TODAY = date(2026, 11, 29)
MAN = "3526011203840012"  # Bangkalan/Kamal, born 12-03-1984, serial 0012
WOMAN = "3526015203840013"  # day 12 + 40 = 52


def test_valid_nik_of_a_man_gives_the_encoded_birth_date():
    assert check_nik(MAN, "L", date(1984, 3, 12), TODAY) == date(1984, 3, 12)


def test_valid_nik_of_a_woman_uses_the_plus_40_day():
    assert check_nik(WOMAN, "P", None, TODAY) == date(1984, 3, 12)


def test_two_digit_year_takes_the_century_that_is_not_in_the_future():
    assert check_nik("3526011203100012", None, None, TODAY) == date(2010, 3, 12)
    assert check_nik("3526011203300012", None, None, TODAY) == date(1930, 3, 12)


@pytest.mark.parametrize(
    ("nik", "sex", "born", "reason"),
    [
        ("352601120384001", None, None, "NIK harus 16 digit angka"),
        ("35260112038400AB", None, None, "NIK harus 16 digit angka"),
        ("9926011203840012", None, None, "Kode provinsi pada NIK (99) tidak dikenal"),
        ("3526013213840012", None, None, "Tanggal lahir pada NIK (32-13-84) bukan tanggal yang sah"),
        ("3526013002840012", None, None, "Tanggal lahir pada NIK (30-02-84) bukan tanggal yang sah"),
        ("3526011203840000", None, None, "Nomor urut pada NIK tidak boleh 0000"),
        (WOMAN, "L", None, "Jenis kelamin pada NIK (perempuan) tidak sama dengan JENIS_KELAMIN (L)"),
        (MAN, "P", None, "Jenis kelamin pada NIK (laki-laki) tidak sama dengan JENIS_KELAMIN (P)"),
        (MAN, "L", date(1984, 3, 13),
         "Tanggal lahir pada NIK (12-03-84) tidak sama dengan TANGGAL_LAHIR (13-03-1984)"),
    ],
)
def test_each_invalid_nik_has_its_reason(nik, sex, born, reason):
    with pytest.raises(IdentityError) as caught:
        check_nik(nik, sex, born, TODAY)
    assert str(caught.value) == reason


def test_nik_birth_date_in_the_future_of_this_century_is_read_as_last_century():
    # 01-12-26 is after TODAY, so the NIK means 1926, which is a real (past) date.
    assert check_nik("3526010112260012", None, None, TODAY) == date(1926, 12, 1)


def test_valid_kk_gives_its_issue_date():
    assert check_kk("3526010507150003", TODAY) == date(2015, 7, 5)


@pytest.mark.parametrize(
    ("kk", "reason"),
    [
        ("35260105071500", "No. KK harus 16 digit angka"),
        ("3526010507150O03", "No. KK harus 16 digit angka"),
        ("0026010507150003", "Kode provinsi pada No. KK (00) tidak dikenal"),
        ("3526014507150003", "Tanggal terbit pada No. KK (45-07-15) bukan tanggal yang sah"),
        ("3526010507150000", "Nomor urut pada No. KK tidak boleh 0000"),
    ],
)
def test_each_invalid_kk_has_its_reason(kk, reason):
    with pytest.raises(IdentityError) as caught:
        check_kk(kk, TODAY)
    assert str(caught.value) == reason


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("081234567890", "+6281234567890"),
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("(031) 3012345", "+62313012345"),  # a landline in Surabaya: valid, through the full parser
        ("", None),
    ],
)
def test_phone_numbers_are_normalised_to_e164(typed, e164):
    assert normalise_phone(typed) == e164


@pytest.mark.parametrize("typed", ["0812-12", "08xx", "0000000000000"])
def test_invalid_phone_numbers_are_rejected_with_the_number_shown(typed):
    with pytest.raises(IdentityError) as caught:
        normalise_phone(typed)
    assert str(caught.value) == f"Nomor HP ({typed}) tidak sah"
