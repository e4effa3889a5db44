"""Bank results (generic CSV or camt.053) applied to payment items, chunk by chunk, idempotently.

Each chunk is one transaction holding its item/entitlement changes, their ledger entries, audit rows
and the statement's progress. Every change is a conditional UPDATE from the expected state, so a
chunk replayed after a crash finds the work done and counts it "unchanged": nobody is paid twice.
"""
from __future__ import annotations

import csv
import hashlib
import io
import shutil
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.common.db import utcnow
from services.common.settings import env_int, var_dir
from services.registry.core.audit import record
from services.registry.distribution import ledger
from services.registry.distribution.common import DistributionError, chunk_pause
from services.registry.distribution.iso20022 import StatementLine, read_camt053, validation_errors
from services.registry.models import BankStatement, Entitlement, PaymentItem

OUTCOMES = {
    "paid": "paid", "dibayar": "paid", "berhasil": "paid", "sukses": "paid", "success": "paid",
    "failed": "failed", "gagal": "failed", "ditolak": "failed", "rejected": "failed",
    "returned": "returned", "dikembalikan": "returned", "retur": "returned", "return": "returned",
}
_COLUMNS = {"end_to_end_id": ("end_to_end_id", "endtoendid", "referensi", "reference"),
            "status": ("status", "hasil"), "amount": ("amount", "jumlah", "nominal"),
            "reason_code": ("reason_code", "kode_alasan", "alasan", "reason")}


def _key(header: str) -> str:
    return header.strip().lstrip("\ufeff").lower().replace(" ", "_")


def read_csv(text: str) -> list[StatementLine]:
    # The roster reader's rule (more ";" than "," in the header line): csv.Sniffer raises on a header
    # without either, and a bank file with one column must still be refused with our own message.
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
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
        reason = cell("reason_code") or None
        try:
            amount = Decimal(cell("amount").replace(",", ".")) if cell("amount") else None
        except InvalidOperation:
            amount, outcome, reason = None, None, f"nominal tidak terbaca: {cell('amount')!r}"
        if outcome is None and reason is None:
            reason = f"status tidak dikenal: {cell('status')!r}"
        lines.append(StatementLine(number, cell("end_to_end_id") or None, outcome, amount, reason))
    return lines


def read_lines(statement: BankStatement) -> list[StatementLine]:
    path = Path(statement.path)
    if statement.file_format == "camt053":
        return read_camt053(path)
    return read_csv(path.read_bytes().decode("utf-8-sig"))


def create_statement(session: Session, source: Path, filename: str, actor: str) -> BankStatement:
    """Check the file (camt.053 against its XSD), keep a copy under var/, and queue it as a job."""
    data = source.read_bytes()
    is_xml = data.lstrip().startswith(b"<")
    if is_xml:
        errors = validation_errors(source, "camt.053.001.02")
        if errors:
            raise DistributionError("Berkas camt.053 tidak sah: " + "; ".join(errors[:5]))
    else:
        try:
            total = len(read_csv(data.decode("utf-8-sig")))
        except UnicodeDecodeError as exc:
            raise DistributionError("Berkas CSV bank harus UTF-8") from exc
    digest = hashlib.sha256(data).hexdigest()
    folder = var_dir() / "statements"
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{digest}{'.xml' if is_xml else '.csv'}"
    if not stored.exists():
        shutil.copyfile(source, stored)
    statement = BankStatement(filename=filename, path=str(stored), file_format="camt053" if is_xml else "csv",
                              file_sha256=digest, created_by=actor, rejections=[])
    statement.total_rows = len(read_camt053(stored)) if is_xml else total
    session.add(statement)
    session.flush()
    record(session, actor, "upload", "bank_statement", statement.id,
          **{"filename": filename, "sha256": digest, "format": statement.file_format, "rows": statement.total_rows})
    session.commit()
    return statement


def _claim(session, item: PaymentItem, expected: str, status: str, **values) -> bool:
    """Move the payment from ``expected`` to ``status`` unless another delivery already did (conditional UPDATE)."""
    return bool(session.execute(update(PaymentItem).where(PaymentItem.id == item.id, PaymentItem.status == expected)
                                .values(status=status, **values)).rowcount)


def _not_claimed(item: PaymentItem, status: str, counts: dict, reject):
    """Already in ``status`` (the same file applied again) counts as unchanged; any other state is refused."""
    if item.status == status:
        counts["unchanged"] += 1
        return None
    return reject(f"pembayaran berstatus {item.status}, tidak bisa ditandai {status}")


def _apply_line(session: Session, line: StatementLine, actor: str, counts: dict, rejections: list) -> None:
    def reject(reason):
        rejections.append({"row": line.row, "ref": line.reference, "reason": reason})

    if line.outcome is None:
        return reject(line.reason or "baris tidak terbaca")
    item = session.execute(select(PaymentItem).where(PaymentItem.end_to_end_id == line.reference)).scalar_one_or_none()
    if item is None:
        return reject("referensi pembayaran tidak dikenal")
    entitlement_id, now = item.entitlement_id, utcnow()
    outcome = line.outcome
    if outcome == "returned" and item.status == "dikirim":
        outcome = "failed"  # refused before it was ever paid
    if outcome == "paid":
        if line.amount is not None and line.amount != item.amount:
            return reject(f"nominal {line.amount} berbeda dari yang dikirim ({item.amount})")
        if not _claim(session, item, "dikirim", "dibayar", settled_at=now):
            return _not_claimed(item, "dibayar", counts, reject)
        session.execute(update(Entitlement).where(Entitlement.id == entitlement_id)
                        .values(status="disalurkan", updated_at=now))
        ledger.append(session, cycle_id=item.entitlement.cycle_id, entitlement_id=entitlement_id, event="paid",
                      amount=item.amount, actor=actor, payload={"end_to_end_id": item.end_to_end_id,
                                                                 "batch_id": item.batch_id})
        before, after, counts["paid"] = "dikirim", "dibayar", counts["paid"] + 1
    elif outcome == "failed":
        if not _claim(session, item, "dikirim", "gagal", live_entitlement_id=None, reason_code=line.reason,
                      settled_at=now):
            return _not_claimed(item, "gagal", counts, reject)
        session.execute(update(Entitlement).where(Entitlement.id == entitlement_id, Entitlement.status == "menunggu")
                        .values(status="gagal", updated_at=now))
        before, after, counts["failed"] = "dikirim", "gagal", counts["failed"] + 1
    else:  # returned after being paid: money back, the entitlement may be paid again in a new batch
        if not _claim(session, item, "dibayar", "dikembalikan", live_entitlement_id=None, reason_code=line.reason,
                      settled_at=now):
            return _not_claimed(item, "dikembalikan", counts, reject)
        session.execute(update(Entitlement).where(Entitlement.id == entitlement_id)
                        .values(status="dikembalikan", updated_at=now))
        ledger.append(session, cycle_id=item.entitlement.cycle_id, entitlement_id=entitlement_id, event="returned",
                      amount=item.amount, actor=actor, payload={"end_to_end_id": item.end_to_end_id,
                                                                 "reason_code": line.reason})
        before, after, counts["returned"] = "dibayar", "dikembalikan", counts["returned"] + 1
    record(session, actor, "bank_result", "payment_item", item.id,
          **{"end_to_end_id": item.end_to_end_id, "entitlement_id": entitlement_id, "before": {"status": before},
           "after": {"status": after}, "reason_code": line.reason})
    return None


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
            counts = {k: getattr(statement, k) for k in ("paid", "failed", "returned", "unchanged")}
            rejections = list(statement.rejections or [])
            for line in lines[offset:offset + chunk]:
                _apply_line(session, line, actor, counts, rejections)
            for key, value in counts.items():
                setattr(statement, key, value)
            statement.rejections = rejections
            statement.processed_rows = min(offset + chunk, len(lines))
            statement.heartbeat_at = utcnow()
            session.commit()
        if pause:
            time.sleep(pause)
    with Session(engine, expire_on_commit=False) as session:
        statement = session.get(BankStatement, statement_id)
        statement.status, statement.finished_at = "selesai", utcnow()
        statement.processed_rows = statement.total_rows = len(lines)
        record(session, actor, "apply", "bank_statement", statement_id,
              **{"paid": statement.paid, "failed": statement.failed, "returned": statement.returned,
               "unchanged": statement.unchanged, "rejected": len(statement.rejections or [])})
        session.commit()
        return statement
