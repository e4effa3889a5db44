"""Masking of personal identifiers for outputs seen by partners and the public."""
from __future__ import annotations

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
