"""The check behind ``bansos verify-audit`` (the chaining itself happens at flush: models/audit.py)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.core.models.audit import GENESIS_HASH, AuditChainHead, AuditEntry, entry_hash


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
