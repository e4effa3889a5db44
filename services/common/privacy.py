"""Masking of personal identifiers for outputs seen by partners and the public."""
from __future__ import annotations

import re

MASK = "\u2022"  # bullet, as shown on screens and posters


def mask_nik(nik: str | None) -> str:
    """``3526011203840012`` -> ``3526••••••••0012``: region and serial only."""
    if not nik:
        return ""
    nik = str(nik)
    if len(nik) <= 8:
        return MASK * len(nik)
    return nik[:4] + MASK * (len(nik) - 8) + nik[-4:]


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    return phone[:5] + MASK * max(len(phone) - 8, 0) + phone[-3:]


# 10 or more digits in a row: a NIK or KK (16), a bank account (10-16) or a phone number (10-15). Never a
# count, an id or a date in our texts.
_LONG_NUMBER = re.compile(r"(?<![0-9])[0-9]{10,}(?![0-9])")


def redact_numbers(text: str) -> str:
    """Mask every long digit run past its first four digits: for texts that may quote personal data they
    were never meant to show, such as a database error (PostgreSQL repeats the clashing value in its
    DETAIL line), a log line or an error stored on a job."""
    return _LONG_NUMBER.sub(lambda m: m.group(0)[:4] + MASK * (len(m.group(0)) - 4), text)
