"""Bank results (camt.053/.054, the result CSV, and further text layouts through ``TEXT_READERS``)
checked, stored and applied to payment items, chunk by chunk, idempotently.

Each chunk is one transaction holding its item/entitlement changes, their ledger entries, audit rows
and the statement's progress (settlement.py does the per-line work). A file for another account or
currency than the programme's paying account is refused whole at upload: nothing is stored or changed.
"""
from __future__ import annotations

import csv
import hashlib
import io
import shutil
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from services.common.db import utcnow
from services.common.settings import env_int, var_dir
from services.registry.core.audit import record
from services.registry.distribution import camt, ledger
from services.registry.distribution.banks.mutation_csv import is_mutation_csv, read_mutation_csv
from services.registry.distribution.batches import debtor
from services.registry.distribution.common import DistributionError, chunk_pause
from services.registry.distribution.settlement import Tally, apply_line, still_held
from services.registry.distribution.statement_line import StatementLine
from services.registry.models import BankStatement, Cycle, PaymentBatch, PaymentItem

__all__ = ["StatementLine", "TEXT_READERS", "read_lines", "read_csv", "create_statement", "apply_statement"]

OUTCOMES = {
    "paid": "paid", "dibayar": "paid", "berhasil": "paid", "sukses": "paid", "success": "paid",
    "failed": "failed", "gagal": "failed", "ditolak": "failed", "rejected": "failed",
    "returned": "returned", "dikembalikan": "returned", "retur": "returned", "return": "returned",
}
_COLUMNS = {"end_to_end_id": ("end_to_end_id", "endtoendid", "referensi", "reference"),
            "status": ("status", "hasil"), "amount": ("amount", "jumlah", "nominal"),
            "reason_code": ("reason_code", "kode_alasan", "alasan", "reason")}
CURRENCY = "IDR"  # every pain.001 the village sends is in rupiah
_BOM = b"\xef\xbb\xbf"

# Text layouts besides the result CSV: (accepts(text) -> bool, read(text)); the first that accepts
# the file reads it. The bank's own rekening koran (date, description, reference, debit, credit, balance).
TEXT_READERS: list[tuple[Callable[[str], bool], Callable[[str], list[StatementLine]]]] = [
    (is_mutation_csv, read_mutation_csv),
]


def _key(header: str) -> str:
    return header.strip().lstrip("\ufeff").lower().replace(" ", "_")


def _delimiter(first_line: str) -> str:
    # The roster reader's rule (more ";" than "," in the header line): csv.Sniffer raises on a header
    # without either, and a bank file with one column must still be refused with our own message.
    return ";" if first_line.count(";") > first_line.count(",") else ","


def read_csv(text: str) -> list[StatementLine]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]))
    header = [_key(h) for h in next(reader, [])]
    where = {name: next((header.index(a) for a in aliases if a in header), None) for name, aliases in _COLUMNS.items()}
    if where["end_to_end_id"] is None or where["status"] is None:
        raise DistributionError("Berkas CSV bank wajib memiliki kolom end_to_end_id dan status")
    lines = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue

        def cell(name, cells=cells):
            index = where[name]
            return cells[index].strip() if index is not None and index < len(cells) else ""

        outcome = OUTCOMES.get(cell("status").lower())
        code = cell("reason_code") or None
        reason = None
        try:
            amount = Decimal(cell("amount").replace(",", ".")) if cell("amount") else None
        except InvalidOperation:
            amount, outcome, reason = None, None, f"nominal tidak terbaca: {cell('amount')!r}"
        if outcome is None and reason is None:
            reason = f"status tidak dikenal: {cell('status')!r}"
        lines.append(StatementLine(number, cell("end_to_end_id") or None, outcome, amount, reason,
                                   reason_code=code, line=number))
    return lines


def read_text_lines(text: str) -> list[StatementLine]:
    for accepts, reader in TEXT_READERS:
        if accepts(text):
            return reader(text)
    return read_csv(text)


def is_xml(data: bytes) -> bool:
    """An XML declaration or a root element, after an optional UTF-8 BOM, sends the file to the XML reader."""
    return data[len(_BOM):].lstrip().startswith(b"<") if data.startswith(_BOM) else data.lstrip().startswith(b"<")


def read_lines(statement: BankStatement) -> list[StatementLine]:
    data = Path(statement.path).read_bytes()
    if statement.file_format.startswith("camt"):
        return camt.read_camt(data, validate=False).lines  # checked when it was uploaded
    return read_text_lines(data.decode("utf-8-sig"))


def _normal(account: str | None) -> str:
    return "".join(ch for ch in (account or "") if ch.isalnum()).upper()


def paying_accounts(session: Session, lines: list[StatementLine], cycle_id: int | None,
                    batch_id: int | None) -> set[str]:
    """The paying account(s) the file must be for: the programme's own (or the village default), of the
    cycle or batch it was uploaded for, else of every batch its lines point at."""
    cycles: set[int] = set()
    if batch_id is not None:
        batch = session.get(PaymentBatch, batch_id)
        if batch is None:
            raise DistributionError(f"Batch pembayaran {batch_id} tidak ditemukan")
        cycles.add(batch.cycle_id)
    elif cycle_id is not None:
        cycles.add(cycle_id)
    else:
        refs = sorted({line.reference for line in lines if line.reference})
        batch_refs = {line.batch_ref for line in lines if line.batch_ref}
        for start in range(0, len(refs), 1000):
            cycles.update(session.execute(select(PaymentBatch.cycle_id).join(PaymentItem).where(
                PaymentItem.end_to_end_id.in_(refs[start:start + 1000]))).scalars())
        if batch_refs:
            cycles.update(session.execute(select(PaymentBatch.cycle_id).where(
                PaymentBatch.reference.in_(sorted(batch_refs)))).scalars())
    default = debtor().account
    accounts = {_normal(session.get(Cycle, c).programme.paying_account or default) for c in cycles}
    return accounts or {_normal(default)}


def _check_account(parsed: camt.CamtFile, expected: set[str]) -> None:
    for stmt in parsed.statements:
        if _normal(stmt.account) not in expected:
            raise DistributionError(
                f"Berkas {parsed.version} untuk rekening {stmt.account or '(tanpa rekening)'}, bukan rekening "
                f"pembayar program ({', '.join(sorted(expected))}): seluruh berkas ditolak, tidak ada yang diubah")
        currencies = {stmt.currency} | {line.currency for line in parsed.lines if line.currency}
        if currencies - {CURRENCY}:
            raise DistributionError(
                f"Berkas {parsed.version} bermata uang {', '.join(sorted(c for c in currencies if c))}, bukan "
                f"{CURRENCY}: seluruh berkas ditolak, tidak ada yang diubah")


def create_statement(session: Session, source: Path, filename: str, actor: str, cycle_id: int | None = None,
                     batch_id: int | None = None) -> BankStatement:
    """Check the file (camt against its version's XSD, account and currency), keep a copy under var/,
    and queue it as a job. A refused file raises DistributionError and leaves nothing behind."""
    data = source.read_bytes()
    xml = is_xml(data)
    summary: dict = {"batch_id": batch_id, "unresolved": [], "resolved": [], "matched": 0}
    if xml:
        parsed = camt.read_camt(data)
        _check_account(parsed, paying_accounts(session, parsed.lines, cycle_id, batch_id))
        lines, file_format, version = parsed.lines, parsed.format, parsed.version
        summary.update(entries=parsed.entries, message_id=parsed.message_id,
                       statements=[s.check() for s in parsed.statements])
    else:
        try:
            lines = read_text_lines(data.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise DistributionError("Berkas CSV bank harus UTF-8") from exc
        if batch_id is not None:
            paying_accounts(session, lines, cycle_id, batch_id)  # the batch must exist
        file_format, version = "csv", None
        summary.update(entries=len(lines), statements=[])
    summary["lines"] = len(lines)
    digest = hashlib.sha256(data).hexdigest()
    folder = var_dir() / "statements"
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{digest}{'.xml' if xml else '.csv'}"
    if not stored.exists():
        shutil.copyfile(source, stored)
    statement = BankStatement(filename=filename, path=str(stored), file_format=file_format, file_sha256=digest,
                              created_by=actor, rejections=[], total_rows=len(lines), message_version=version,
                              cycle_id=cycle_id, summary=summary)
    session.add(statement)
    session.flush()
    record(session, actor, "upload", "bank_statement", statement.id,
          **{"filename": filename, "sha256": digest, "format": file_format, "version": version,
           "rows": len(lines), "batch_id": batch_id})
    session.commit()
    return statement


def _resolve_held(session: Session, statement_id: int) -> list[dict]:
    """Batch entries held by earlier files whose payments are now all settled (their details arrived)."""
    resolved = []
    for earlier in session.execute(select(BankStatement).options(load_only(BankStatement.id, BankStatement.summary))
                                   .where(BankStatement.id != statement_id, BankStatement.status == "selesai")
                                   ).scalars():
        summary = dict(earlier.summary or {})
        held = summary.get("unresolved") or []
        if not held:
            continue
        keep = [h for h in held if still_held(session, h)]
        done = [dict(h, by_statement=statement_id) for h in held if h not in keep]
        if done:
            summary["unresolved"], summary["resolved"] = keep, list(summary.get("resolved") or []) + done
            earlier.summary = summary
            resolved.extend(dict(h, statement_id=earlier.id) for h in done)
    return resolved


def apply_statement(engine, statement_id: int, actor: str = "bank") -> BankStatement:
    """Apply the statement from where it stopped; a finished one is left alone."""
    chunk = env_int("REGISTRY_STATEMENT_CHUNK", 500)
    pause = chunk_pause()
    with Session(engine, expire_on_commit=False) as session:
        statement = session.get(BankStatement, statement_id)
        if statement is None:
            raise DistributionError(f"Berkas hasil bank {statement_id} tidak ditemukan")
        if statement.status == "selesai":
            return statement
        statement.status, statement.heartbeat_at = "berjalan", utcnow()
        session.commit()
        lines = read_lines(statement)
        start = statement.processed_rows
    for offset in range(start, len(lines), chunk):
        with Session(engine, expire_on_commit=False) as session:
            # First, before anything else this chunk locks: the chains of every village the chunk pays.
            ledger.lock(session, ledger.areas_of_references(session, [line.reference for line in
                                                                      lines[offset:offset + chunk]]))
            statement = session.get(BankStatement, statement_id)
            summary = dict(statement.summary or {})
            tally = Tally({k: getattr(statement, k) for k in ("paid", "failed", "returned", "unchanged")},
                          list(statement.rejections or []), list(summary.get("unresolved") or []),
                          summary.get("matched", 0), summary.get("batch_id"))
            for line in lines[offset:offset + chunk]:
                apply_line(session, line, actor, tally)
            for key, value in tally.counts.items():
                setattr(statement, key, value)
            statement.rejections = tally.rejections
            summary["unresolved"], summary["matched"] = tally.held, tally.matched
            statement.summary = summary
            statement.processed_rows = min(offset + chunk, len(lines))
            statement.heartbeat_at = utcnow()
            session.commit()
        if pause:
            time.sleep(pause)
    with Session(engine, expire_on_commit=False) as session:
        ledger.lock(session)
        statement = session.get(BankStatement, statement_id)
        summary = dict(statement.summary or {})
        summary["resolved_earlier"] = _resolve_held(session, statement_id)
        statement.summary = summary
        statement.status, statement.finished_at = "selesai", utcnow()
        statement.processed_rows = statement.total_rows = len(lines)
        record(session, actor, "apply", "bank_statement", statement_id,
              **{"paid": statement.paid, "failed": statement.failed, "returned": statement.returned,
               "unchanged": statement.unchanged, "rejected": len(statement.rejections or []),
               "unresolved": len(summary.get("unresolved") or []),
               "resolved_earlier": [h["statement_id"] for h in summary["resolved_earlier"]]})
        session.commit()
        return statement
