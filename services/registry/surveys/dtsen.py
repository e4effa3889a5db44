"""Import DTSEN desil values (CSV/XLSX with NO_KK, DESIL) into HouseholdWelfare.dtsen_desil, with a rejection report."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.core.audit import record
from services.registry.core.bulk import KEY_CHUNK, chunked
from services.registry.core.parsing import canonical_header
from services.registry.core.tabular import read_table, report_path, write_rejections
from services.registry.models import Household, HouseholdWelfare

AUDIT_DETAIL_LIMIT = 1000  # changes listed one by one in the audit entry; the count is always exact


@dataclass
class DtsenResult:
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str, list[str]]] = field(default_factory=list)
    report: Path | None = None


def _parse(headers: list[str], rows: list[list[str]], result: DtsenResult) -> dict[str, tuple[int, int, list[str]]]:
    names = [canonical_header(h) for h in headers]
    if "NO_KK" not in names or "DESIL" not in names:
        from services.registry.core.parsing import RosterFileError

        raise RosterFileError("Kolom wajib tidak ada: " + ", ".join(c for c in ("NO_KK", "DESIL") if c not in names))
    kk_at, desil_at = names.index("NO_KK"), names.index("DESIL")
    wanted: dict[str, tuple[int, int, list[str]]] = {}
    for number, cells in enumerate(rows, start=1):
        kk = cells[kk_at].strip() if kk_at < len(cells) else ""
        raw = cells[desil_at].strip() if desil_at < len(cells) else ""
        if not (kk.isascii() and kk.isdigit() and len(kk) == 16):
            result.rejected.append((number, "NO_KK harus 16 digit angka", cells))
        elif not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 10:
            result.rejected.append((number, f"DESIL harus angka 1 sampai 10, bukan '{raw}'", cells))
        elif kk in wanted and wanted[kk][1] != int(raw):
            result.rejected.append((number, f"NO_KK {kk} muncul lagi dengan desil lain (baris {wanted[kk][0]})", cells))
        else:
            wanted.setdefault(kk, (number, int(raw), cells))
    return wanted


def import_dtsen(session: Session, path: str | Path, actor: str = "cli") -> DtsenResult:
    """Apply the file in one transaction (all or nothing) and write ``<file>.ditolak.csv`` beside it."""
    headers, rows = read_table(path)
    result = DtsenResult()
    wanted = _parse(headers, rows, result)
    households: dict[str, int] = {}
    for part in chunked(list(wanted), KEY_CHUNK):
        households.update(session.execute(select(Household.no_kk, Household.id).where(Household.no_kk.in_(part))).all())
    changes = []
    for kk, (number, desil, cells) in wanted.items():
        household_id = households.get(kk)
        if household_id is None:
            result.rejected.append((number, f"NO_KK {kk} tidak ada di registri", cells))
            continue
        welfare = session.get(HouseholdWelfare, household_id)
        if welfare is None:
            welfare = HouseholdWelfare(household_id=household_id, explanation={})
            session.add(welfare)
        if welfare.dtsen_desil == desil:
            result.unchanged += 1
            continue
        changes.append({"no_kk": kk, "before": welfare.dtsen_desil, "after": desil})
        welfare.dtsen_desil = desil
        result.updated += 1
    result.rejected.sort(key=lambda item: item[0])
    record(session, actor, "import", "dtsen_desil", None, file=Path(path).name, updated=result.updated,
           unchanged=result.unchanged, rejected=len(result.rejected), changes=changes[:AUDIT_DETAIL_LIMIT])
    session.commit()
    result.report = write_rejections(report_path(path), headers, result.rejected)
    return result
