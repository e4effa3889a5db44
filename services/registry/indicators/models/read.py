"""Read queries over satisfaction codes (SELECTs only): whether a typed code can still be answered. The
public form in reports asks this before it sends the answer; the registry asks it again when it claims
the code (``indicators/codes.py``), atomically."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.models import SatisfactionCode

UNKNOWN = "Kode survei tidak dikenal. Periksa kembali kode dari SMS atau kupon Anda."
USED = "Kode survei ini sudah dipakai. Setiap kode hanya berlaku sekali."
OTHER_CYCLE = "Kode survei ini bukan untuk penyaluran ini."


def normalise(code: str | None) -> str:
    return (code or "").strip().upper()


def usable_code(session: Session, code: str, cycle_id: int | None = None) -> tuple[SatisfactionCode | None, str | None]:
    """(the issued, unused code, None) or (None, why it cannot be used, in Indonesian)."""
    found = session.scalar(select(SatisfactionCode).where(SatisfactionCode.code == normalise(code)))
    if found is None:
        return None, UNKNOWN
    if found.used_at is not None:
        return None, USED
    if cycle_id is not None and found.cycle_id != cycle_id:
        return None, OTHER_CYCLE
    return found, None
