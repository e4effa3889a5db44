"""Hash-chaining of audit entries at flush time, and the check behind ``bansos verify-audit``.

Writers are serialised on the ``audit_chain_head`` row: an UPDATE takes the row lock on PostgreSQL
and the database write lock on SQLite, so two transactions never chain onto the same predecessor.
The lock is held to the end of the writer's transaction, which is short for every audited change."""
from __future__ import annotations

import hashlib
import json
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from .models.audit import GENESIS_HASH, AuditChainHead, AuditEntry


def _utc_text(moment: datetime) -> str:
    # SQLite gives naive datetimes back, PostgreSQL aware ones in the session zone: hash one form.
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.isoformat(timespec="microseconds")


def entry_hash(entry: AuditEntry, prev_hash: str) -> str:
    content = {"seq": entry.seq, "at": _utc_text(entry.at), "actor": entry.actor, "action": entry.action,
               "entity": entry.entity, "entity_id": entry.entity_id, "details": entry.details,
               "source": entry.source}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def _source() -> str:
    try:
        from flask import has_request_context, request

        if has_request_context():
            return (request.remote_addr or "web")[:100]
    except ImportError:  # pragma: no cover - flask is always installed here
        pass
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _chain_new_entries(session: Session, _flush_context, _instances) -> None:
    entries = [obj for obj in session.new if isinstance(obj, AuditEntry) and obj.hash is None]
    if not entries:
        return
    connection = session.connection()
    connection.execute(update(AuditChainHead).where(AuditChainHead.id == 1).values(seq=AuditChainHead.seq))
    seq, prev_hash = connection.execute(
        select(AuditChainHead.seq, AuditChainHead.hash).where(AuditChainHead.id == 1)).one()
    for entry in entries:
        seq += 1
        entry.at = entry.at or datetime.now(UTC)
        entry.source = entry.source or _source()
        entry.seq, entry.prev_hash = seq, prev_hash
        entry.hash = prev_hash = entry_hash(entry, prev_hash)
    connection.execute(update(AuditChainHead).where(AuditChainHead.id == 1).values(seq=seq, hash=prev_hash))


def install() -> None:
    """Chain every AuditEntry flushed by any SQLAlchemy session in this process (idempotent)."""
    if not event.contains(Session, "before_flush", _chain_new_entries):
        event.listen(Session, "before_flush", _chain_new_entries)


@dataclass
class ChainCheck:
    entries: int
    first_broken_seq: int | None = None
    first_broken_id: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None


def verify(session: Session, batch: int = 5000) -> ChainCheck:
    """Recompute the chain from the first entry; name the first entry that does not fit."""
    prev_hash, expected_seq, count = GENESIS_HASH, 1, 0
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch))
    for entry in rows.scalars():
        count += 1
        if entry.seq is None:
            return ChainCheck(count, None, entry.id, "entri tanpa nomor urut rantai (ditambahkan di luar aplikasi)")
        if entry.seq != expected_seq:
            return ChainCheck(count, expected_seq, entry.id,
                              f"entri nomor {expected_seq} hilang (dihapus); berikutnya nomor {entry.seq}")
        if entry.prev_hash != prev_hash:
            return ChainCheck(count, entry.seq, entry.id, "hash sebelumnya tidak cocok (entri sebelumnya diubah)")
        if entry_hash(entry, prev_hash) != entry.hash:
            return ChainCheck(count, entry.seq, entry.id, "isi entri diubah setelah dicatat")
        prev_hash, expected_seq = entry.hash, expected_seq + 1
    head = session.get(AuditChainHead, 1)
    if head is None or head.seq != expected_seq - 1 or head.hash != prev_hash:
        return ChainCheck(count, expected_seq, None,
                          "kepala rantai tidak cocok: entri terakhir dihapus atau kepala diubah")
    return ChainCheck(count)
