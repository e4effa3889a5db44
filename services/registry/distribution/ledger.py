"""Append to and verify the hash-chained disbursement ledger.

Every entry's hash covers its own fields and the previous entry's hash, so editing any row changes
its hash (and breaks the next link), and deleting one leaves a gap in ``seq``. Appends lock the one
``ledger_head`` row first (an UPDATE: a row lock on PostgreSQL, the database write lock on SQLite),
so two workers appending at once queue up instead of forking the chain. An append belongs to the
caller's transaction: the event and the money change it records commit or roll back together.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common.db import utcnow
from services.registry.distribution.models.ledger import LEDGER_EVENTS
from services.registry.distribution.models.read import amount_text
from services.registry.models import LedgerEntry, LedgerHead

GENESIS = "0" * 64


def _at_text(at: datetime) -> str:
    # SQLite hands back naive datetimes, PostgreSQL aware ones: hash the same UTC text for both.
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def entry_hash(seq: int, cycle_id: int | None, entitlement_id: int | None, event: str, amount, actor: str,
               at: datetime, payload: dict, prev_hash: str, capital_grant_id: int | None = None) -> str:
    fields = {"seq": seq, "cycle_id": cycle_id, "entitlement_id": entitlement_id, "event": event,
              "amount": amount_text(amount), "actor": actor, "at": _at_text(at), "payload": payload or {},
              "prev_hash": prev_hash}
    if capital_grant_id is not None:
        # Hashed only when set, so every entry written before capital payouts joined the ledger keeps its hash.
        fields["capital_grant_id"] = capital_grant_id
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _lock_head(session: Session) -> LedgerHead:
    locked = session.execute(update(LedgerHead).where(LedgerHead.id == 1).values(seq=LedgerHead.seq))
    if locked.rowcount == 0:
        # Databases built by the migration have the row; create_all() ones get it here, once.
        try:
            with session.begin_nested():
                session.add(LedgerHead(id=1, seq=0, hash=GENESIS))
        except IntegrityError:
            pass
        session.execute(update(LedgerHead).where(LedgerHead.id == 1).values(seq=LedgerHead.seq))
    return session.execute(
        select(LedgerHead).where(LedgerHead.id == 1).execution_options(populate_existing=True)
    ).scalar_one()


def lock(session: Session) -> None:
    """Take the ledger lock now, for a transaction that will append later: taking it before any other
    lock (e.g. an audit chain head flushed on the way) keeps one lock order and so no deadlock."""
    _lock_head(session)


def append(session: Session, *, cycle_id: int | None, event: str, amount, actor: str,
           entitlement_id: int | None = None, payload: dict | None = None,
           capital_grant_id: int | None = None) -> LedgerEntry:
    """Append one event in the caller's transaction (commit is the caller's): an entitlement's event names
    its cycle, a business-capital payout or repayment names its grant."""
    if event not in LEDGER_EVENTS:
        raise ValueError(f"Jenis kejadian buku besar tidak dikenal: {event}")
    if (cycle_id is None) == (capital_grant_id is None):
        raise ValueError("Entri buku besar harus menyebut tepat satu: siklus atau bantuan modal")
    head = _lock_head(session)
    # Stored amounts are NUMERIC(14,2): hash the rounded value that will be read back.
    amount = None if amount is None else Decimal(amount).quantize(Decimal("0.01"))
    at = utcnow()
    payload = json.loads(json.dumps(payload or {}, sort_keys=True, default=str))
    seq = head.seq + 1
    digest = entry_hash(seq, cycle_id, entitlement_id, event, amount, actor, at, payload, head.hash,
                        capital_grant_id)
    entry = LedgerEntry(seq=seq, cycle_id=cycle_id, entitlement_id=entitlement_id, event=event, amount=amount,
                        actor=actor, at=at, payload=payload, prev_hash=head.hash, hash=digest,
                        capital_grant_id=capital_grant_id)
    session.add(entry)
    head.seq, head.hash = seq, digest
    session.flush()
    return entry


@dataclass
class Verification:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str | None = None

    def message(self) -> str:
        if self.ok:
            return f"Buku besar utuh: {self.checked} entri diperiksa."
        return f"Buku besar RUSAK pada entri #{self.broken_seq}: {self.reason}"


def verify(session: Session, chunk: int = 1000) -> Verification:
    """Recompute the whole chain in ``seq`` order; name the first entry that does not fit."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    while True:
        rows = session.execute(
            select(LedgerEntry).where(LedgerEntry.seq >= expected_seq).order_by(LedgerEntry.seq).limit(chunk)
        ).scalars().all()
        if not rows:
            break
        for row in rows:
            if row.seq != expected_seq:
                return Verification(False, checked, expected_seq, f"entri #{expected_seq} hilang (dihapus)")
            if row.prev_hash != expected_prev:
                return Verification(False, checked, row.seq, "hash entri sebelumnya tidak cocok")
            digest = entry_hash(row.seq, row.cycle_id, row.entitlement_id, row.event, row.amount, row.actor,
                                row.at, row.payload, row.prev_hash, row.capital_grant_id)
            if digest != row.hash:
                return Verification(False, checked, row.seq, "isi entri diubah (hash tidak cocok)")
            expected_prev, expected_seq, checked = row.hash, row.seq + 1, checked + 1
        session.expunge_all()
    head = session.get(LedgerHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != checked or head_hash != expected_prev:
        return Verification(False, checked, checked + 1, f"entri terakhir (#{head_seq}) hilang atau diganti")
    return Verification(True, checked)
