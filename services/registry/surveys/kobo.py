"""Import a KoboToolbox / ODK Central export (CSV or XLSX) of an instrument's responses.

Columns are question paths (``kesehatan/penyakit_kronis``, ``group_x-penyakit_kronis``, or just the
code): the last path segment is the question code. Every row needs the household's KK (``no_kk``).
Re-importing the same file changes nothing: the key is the submission uuid (``_uuid`` /
``meta/instanceID``) when present, otherwise a hash of the row's content."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from services.registry.core.tabular import read_table, report_path, write_rejections
from services.registry.models import Instrument
from services.registry.surveys.responses import ResponseInvalid, household_by_kk, record_response

UUID_COLUMNS = ("_uuid", "instanceid", "uuid")
TIME_COLUMNS = ("_submission_time", "end", "start", "today")


@dataclass
class KoboResult:
    imported: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str, list[str]]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    report: Path | None = None
    households: set = field(default_factory=set)


def _segment(header: str) -> str:
    return header.strip().rsplit("/", 1)[-1].strip().lower()


def map_columns(headers: list[str], instrument: Instrument) -> tuple[dict[int, str], dict[str, int], list[str]]:
    """(column index -> question code, special name -> column index, ignored headers)."""
    codes = {q.code.lower(): q.code for q in instrument.questions}
    questions: dict[int, str] = {}
    special: dict[str, int] = {}
    ignored = []
    for index, header in enumerate(headers):
        last = _segment(header)
        # Kobo's "group-question" export style: try the part after the last dash too.
        candidates = [last, last.rsplit("-", 1)[-1]]
        code = next((codes[c] for c in candidates if c in codes), None)
        if code is not None and code not in questions.values():
            questions[index] = code
        elif any(c == "no_kk" for c in candidates):
            special.setdefault("no_kk", index)
        elif any(c in UUID_COLUMNS for c in candidates):
            special.setdefault("uuid", index)
        elif last in TIME_COLUMNS and "time" not in special:
            special["time"] = index
        else:
            ignored.append(header)
    return questions, special, ignored


def _collected_at(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00")) if text.strip() else None
    except ValueError:
        return None


def _key(instrument: Instrument, kk: str, answers: dict, uuid: str) -> str:
    if uuid:
        return "uuid:" + uuid.removeprefix("uuid:")
    digest = hashlib.sha256(json.dumps([instrument.form_id, kk, answers], sort_keys=True).encode()).hexdigest()
    return f"row:{digest[:60]}"


def import_kobo(session: Session, path: str | Path, instrument: Instrument, actor: str = "cli") -> KoboResult:
    """Import every valid row in one transaction; write ``<file>.ditolak.csv`` with each rejected row's reason."""
    headers, rows = read_table(path)
    questions, special, ignored = map_columns(headers, instrument)
    result = KoboResult(ignored_columns=ignored)
    if "no_kk" not in special:
        from services.registry.core.parsing import RosterFileError

        raise RosterFileError("Kolom no_kk (nomor KK keluarga) tidak ada")
    if not questions:
        from services.registry.core.parsing import RosterFileError

        raise RosterFileError(f"Tidak ada kolom yang cocok dengan pertanyaan instrumen {instrument.code}")

    def cell(cells: list[str], index: int | None) -> str:
        return cells[index].strip() if index is not None and index < len(cells) else ""

    for number, cells in enumerate(rows, start=1):
        kk = cell(cells, special["no_kk"])
        answers = {code: cell(cells, index) for index, code in questions.items()}
        household = household_by_kk(session, kk) if kk else None
        if household is None:
            result.rejected.append((number, f"NO_KK '{kk}' tidak ada di registri" if kk else "NO_KK kosong", cells))
            continue
        key = _key(instrument, kk, answers, cell(cells, special.get("uuid")))
        try:
            # A savepoint per row: a rejected row leaves nothing behind, the others still go in.
            with session.begin_nested():
                _, created = record_response(
                    session, instrument=instrument, household=household, answers=answers, source="kobo",
                    actor=actor, collected_at=_collected_at(cell(cells, special.get("time"))), submission_key=key)
        except ResponseInvalid as exc:
            result.rejected.append((number, "; ".join(f"{k}: {v}" for k, v in exc.errors.items()), cells))
            continue
        if created:
            result.imported += 1
            result.households.add(household.id)
        else:
            result.unchanged += 1
    session.commit()
    result.report = write_rejections(report_path(path), headers, result.rejected)
    return result
