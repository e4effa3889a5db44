"""Offline checks of NIK, No. KK and phone numbers; every failure is a reason in Bahasa Indonesia."""
from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache
from pathlib import Path

from services.common import phones

_DIGITS16 = re.compile(r"\d{16}")
# Separators people type inside phone numbers ("0812-3456 7890", "(0812) 345.678").


class IdentityError(ValueError):
    """An identifier fails a structural check; ``str(exc)`` is the reason shown to the operator."""


@lru_cache(maxsize=1)
def province_codes() -> dict[str, str]:
    """Kemendagri province codes (kept as data, since provinces are still being created)."""
    data = json.loads((Path(__file__).with_name("provinces.json")).read_text(encoding="utf-8"))
    return data["provinces"]


def _ddmmyy(digits: str) -> str:
    return f"{digits[0:2]}-{digits[2:4]}-{digits[4:6]}"


def _full_year(yy: int, today: date) -> int:
    """Two-digit year -> the latest century that does not put the date in the future."""
    year = 2000 + yy
    return year if year <= today.year else year - 100


def _real_date(day: int, month: int, yy: int, today: date) -> date | None:
    year = _full_year(yy, today)
    for candidate_year in (year, year - 100):
        try:
            found = date(candidate_year, month, day)
        except ValueError:
            return None
        if found <= today:
            return found
    return None


def check_nik(nik: str, sex: str | None = None, birth_date: date | None = None, today: date | None = None) -> date:
    """Validate a NIK; return the birth date it encodes. ``sex`` is "L"/"P"."""
    today = today or date.today()
    if not isinstance(nik, str) or not _DIGITS16.fullmatch(nik):
        raise IdentityError("NIK harus 16 digit angka")
    if nik[:2] not in province_codes():
        raise IdentityError(f"Kode provinsi pada NIK ({nik[:2]}) tidak dikenal")
    raw_day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    nik_sex = "P" if raw_day > 40 else "L"
    day = raw_day - 40 if raw_day > 40 else raw_day
    encoded = _real_date(day, month, yy, today)
    if encoded is None:
        raise IdentityError(f"Tanggal lahir pada NIK ({_ddmmyy(nik[6:12])}) bukan tanggal yang sah")
    if nik[12:] == "0000":
        raise IdentityError("Nomor urut pada NIK tidak boleh 0000")
    if sex is not None and sex != nik_sex:
        label = "perempuan" if nik_sex == "P" else "laki-laki"
        raise IdentityError(f"Jenis kelamin pada NIK ({label}) tidak sama dengan JENIS_KELAMIN ({sex})")
    if birth_date is not None and (birth_date.day, birth_date.month, birth_date.year % 100) != (day, month, yy):
        shown = f"{day:02d}-{month:02d}-{yy:02d}"
        raise IdentityError(
            f"Tanggal lahir pada NIK ({shown}) tidak sama dengan TANGGAL_LAHIR ({birth_date:%d-%m-%Y})"
        )
    if birth_date is not None:
        return birth_date
    return encoded


def check_kk(no_kk: str, today: date | None = None) -> date:
    """Validate a No. KK (region code 6 + issue date DDMMYY + serial 4); return the issue date."""
    today = today or date.today()
    if not isinstance(no_kk, str) or not _DIGITS16.fullmatch(no_kk):
        raise IdentityError("No. KK harus 16 digit angka")
    if no_kk[:2] not in province_codes():
        raise IdentityError(f"Kode provinsi pada No. KK ({no_kk[:2]}) tidak dikenal")
    issued = _real_date(int(no_kk[6:8]), int(no_kk[8:10]), int(no_kk[10:12]), today)
    if issued is None:
        raise IdentityError(f"Tanggal terbit pada No. KK ({_ddmmyy(no_kk[6:12])}) bukan tanggal yang sah")
    if no_kk[12:] == "0000":
        raise IdentityError("Nomor urut pada No. KK tidak boleh 0000")
    return issued


def normalise_phone(raw: str | None) -> str | None:
    """Typed number (08xx, +628xx, 628xx) -> E.164 ``+628xx``; empty -> None; invalid -> IdentityError."""
    try:
        return phones.normalise_phone(raw)
    except phones.PhoneError as exc:
        raise IdentityError(str(exc)) from exc
