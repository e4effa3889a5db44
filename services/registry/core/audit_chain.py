"""The check behind ``bansos verify-audit`` (the chaining itself happens at flush: models/audit.py).

Every area's chain is checked on its own, so a broken entry in one village names that village and
its number while every other village's chain still reads as whole."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.core.models.audit import GENESIS_HASH, AuditChainHead, AuditEntry, entry_hash
from services.registry.models import Area


@dataclass
class ChainCheck:
    entries: int
    first_broken_seq: int | None = None
    first_broken_id: int | None = None
    reason: str | None = None
    area_id: int | None = None
    area_code: str | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None

    @property
    def label(self) -> str:
        return self.area_code or "tanpa wilayah"


@dataclass
class AuditCheck:
    """Every chain's result; ``ok`` only when all are whole. The ``first_broken_*`` fields and ``reason``
    are those of the first broken chain (by area code)."""

    chains: list[ChainCheck] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(chain.ok for chain in self.chains)

    @property
    def entries(self) -> int:
        return sum(chain.entries for chain in self.chains)

    @property
    def broken(self) -> list[ChainCheck]:
        return [chain for chain in self.chains if not chain.ok]

    def _first(self, name: str):
        return getattr(self.broken[0], name) if self.broken else None

    first_broken_seq = property(lambda self: self._first("first_broken_seq"))
    first_broken_id = property(lambda self: self._first("first_broken_id"))
    reason = property(lambda self: self._first("reason"))

    def lines(self) -> list[str]:
        if self.ok:
            return [f"Rantai audit utuh: {self.entries} entri di {len(self.chains)} rantai wilayah."]
        out = []
        for chain in self.broken:
            where = f"nomor {chain.first_broken_seq}" if chain.first_broken_seq else "kepala rantai"
            ident = f" (id {chain.first_broken_id})" if chain.first_broken_id else ""
            out.append(f"Rantai audit {chain.label} RUSAK di {where}{ident}: {chain.reason}.")
        whole = len(self.chains) - len(self.broken)
        out.append(f"{whole} dari {len(self.chains)} rantai wilayah utuh.")
        return out


def _area_where(column, area_id: int | None):
    return column.is_(None) if area_id is None else column == area_id


def verify_chain(session: Session, area_id: int | None, batch: int = 5000) -> ChainCheck:
    """Recompute one area's chain from its first entry; name the first entry that does not fit."""
    prev_hash, expected_seq, count = GENESIS_HASH, 1, 0
    code = session.scalar(select(Area.code).where(Area.id == area_id)) if area_id is not None else None
    query = (select(AuditEntry).where(_area_where(AuditEntry.area_id, area_id))
             .order_by(AuditEntry.seq.is_(None), AuditEntry.seq, AuditEntry.id))

    def broken(seq, entry_id, reason):
        return ChainCheck(count, seq, entry_id, reason, area_id, code)

    for entry in session.execute(query.execution_options(yield_per=batch)).scalars():
        count += 1
        if area_id is None:
            return broken(entry.seq, entry.id, "entri tanpa wilayah (ditambahkan di luar aplikasi)")
        if entry.seq is None:
            return broken(None, entry.id, "entri tanpa nomor urut rantai (ditambahkan di luar aplikasi)")
        if entry.seq != expected_seq:
            return broken(expected_seq, entry.id, f"entri nomor {expected_seq} hilang (dihapus); berikutnya nomor {entry.seq}")
        if entry.prev_hash != prev_hash:
            return broken(entry.seq, entry.id, "hash sebelumnya tidak cocok (entri sebelumnya diubah)")
        if entry_hash(entry, prev_hash) != entry.hash:
            return broken(entry.seq, entry.id, "isi entri diubah setelah dicatat")
        prev_hash, expected_seq = entry.hash, expected_seq + 1
    head = session.scalar(select(AuditChainHead).where(_area_where(AuditChainHead.area_id, area_id)))
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_seq != expected_seq - 1 or head_hash != prev_hash:
        return broken(expected_seq, None, "kepala rantai tidak cocok: entri terakhir dihapus atau kepala diubah")
    return ChainCheck(count, area_id=area_id, area_code=code)


def chain_areas(session: Session, entry_model, head_model) -> list[int | None]:
    """Every area that has a chain: entries or a head (a chain whose entries were all deleted still has one)."""
    found = set(session.scalars(select(entry_model.area_id).distinct()))
    found |= set(session.scalars(select(head_model.area_id).distinct()))
    codes = dict(session.execute(select(Area.id, Area.code).where(Area.id.in_([a for a in found if a]))).all())
    return sorted(found, key=lambda a: (a is None, codes.get(a, "")))


def verify(session: Session, batch: int = 5000) -> AuditCheck:
    """Every area's chain the session may see (all of them for the CLI)."""
    return AuditCheck([verify_chain(session, area_id, batch) for area_id in
                       chain_areas(session, AuditEntry, AuditChainHead)])
