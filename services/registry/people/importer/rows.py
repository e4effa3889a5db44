"""Turn one roster record into clean household and person values, or a rejection reason."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from services.registry.core.identity import IdentityError, check_kk, check_nik, normalise_phone

_SEX = {"L": "L", "LAKI-LAKI": "L", "LAKI LAKI": "L", "LAKI": "L", "P": "P", "PEREMPUAN": "P", "WANITA": "P"}
_DMY = re.compile(r"(?P<d>\d{1,2})([-/])(?P<m>\d{1,2})\2(?P<y>\d{4})")
_YMD = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
_RT_RW = re.compile(r"\d{1,3}")

# Column -> (model field, maximum length); lengths are the registry's column sizes.
HOUSEHOLD_TEXT = {
    "ALAMAT": ("address", 255), "DUSUN": ("dusun", 100), "DESA": ("desa", 100),
    "KECAMATAN": ("kecamatan", 100), "KABUPATEN": ("kabupaten", 100),
}
PERSON_TEXT = {
    "NAMA": ("name", 150), "TEMPAT_LAHIR": ("birth_place", 100), "HUBUNGAN_KELUARGA": ("relationship_to_head", 50),
    "PEKERJAAN": ("occupation", 100), "PENDIDIKAN": ("education", 100),
}
HOUSEHOLD_FIELDS = ("address", "rt", "rw", "dusun", "desa", "kecamatan", "kabupaten", "latitude", "longitude")
PERSON_FIELDS = (
    "name", "sex", "birth_place", "birth_date", "relationship_to_head", "occupation", "education", "phone",
)


class RowError(ValueError):
    """The row is rejected; ``str(exc)`` is the reason."""


@dataclass
class CleanRow:
    number: int
    no_kk: str
    nik: str
    household: dict
    person: dict


def parse_date(text: str, today: date) -> date:
    """DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD; a regex and ``date()`` are far faster than strptime per row."""
    match = _DMY.fullmatch(text) or _YMD.fullmatch(text)
    value = None
    if match:
        parts = match.groupdict()
        try:
            value = date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
        except ValueError:
            value = None
    if value is None:
        raise RowError(f"TANGGAL_LAHIR ({text}) tidak sah: gunakan DD-MM-YYYY, DD/MM/YYYY atau YYYY-MM-DD")
    if value > today:
        raise RowError(f"TANGGAL_LAHIR ({text}) ada di masa depan")
    return value


def _coordinate(record: dict, column: str, limit: float) -> float | None:
    text = record.get(column, "").replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError as exc:
        raise RowError(f"{column} ({record[column]}) bukan angka") from exc
    if not -limit <= value <= limit:
        raise RowError(f"{column} ({record[column]}) di luar rentang")
    return value


def _texts(record: dict, columns: dict) -> dict:
    values = {}
    for column, (field, limit) in columns.items():
        text = record.get(column, "")
        if "  " in text or "\t" in text or "\n" in text:
            text = " ".join(text.split())
        if len(text) > limit:
            raise RowError(f"{column} terlalu panjang (maksimal {limit} karakter)")
        values[field] = text or None
    return values


def _rt_rw(record: dict, column: str) -> str | None:
    text = record.get(column, "")
    if not text:
        return None
    if not _RT_RW.fullmatch(text):
        raise RowError(f"{column} ({text}) harus angka, paling banyak 3 digit")
    return text.zfill(3)


_HOUSEHOLD_COLUMNS = (*HOUSEHOLD_TEXT, "RT", "RW", "LATITUDE", "LONGITUDE")


@lru_cache(maxsize=4096)
def _clean_household(raw: tuple[str, ...]) -> dict:
    """Household values of a row; cached because every member of a KK repeats them (treat as read-only)."""
    record = dict(zip(_HOUSEHOLD_COLUMNS, raw, strict=True))
    household = _texts(record, HOUSEHOLD_TEXT)
    household["rt"] = _rt_rw(record, "RT")
    household["rw"] = _rt_rw(record, "RW")
    household["latitude"] = _coordinate(record, "LATITUDE", 90)
    household["longitude"] = _coordinate(record, "LONGITUDE", 180)
    return household


def clean_row(number: int, record: dict, today: date) -> CleanRow:
    """Validate one record; raise RowError with the first reason found."""
    no_kk, nik = record.get("NO_KK", ""), record.get("NIK", "")
    try:
        check_kk(no_kk, today)
    except IdentityError as exc:
        raise RowError(str(exc)) from exc
    person = _texts(record, PERSON_TEXT)
    if not person["name"]:
        raise RowError("NAMA kosong")
    sex = _SEX.get(record.get("JENIS_KELAMIN", "").strip().upper())
    if sex is None:
        raise RowError(f"JENIS_KELAMIN ({record.get('JENIS_KELAMIN', '')}) tidak dikenal: gunakan L atau P")
    if not record.get("TANGGAL_LAHIR"):
        raise RowError("TANGGAL_LAHIR kosong")
    birth_date = parse_date(record["TANGGAL_LAHIR"], today)
    try:
        check_nik(nik, sex, birth_date, today)
        phone = normalise_phone(record.get("NO_HP"))
    except IdentityError as exc:
        raise RowError(str(exc)) from exc
    household = _clean_household(tuple(record.get(column, "") for column in _HOUSEHOLD_COLUMNS))
    person.update(sex=sex, birth_date=birth_date, phone=phone)
    return CleanRow(number=number, no_kk=no_kk, nik=nik, household=household, person=person)
