"""Append to and verify the hash-chained disbursement ledger.

Each village (desa area) keeps its own chain: an event goes into the chain of the household it is
about. Every entry's hash covers its own fields and the previous entry's hash, so editing any row changes
its hash (and breaks the next link), and deleting one leaves a gap in its chain's ``seq``. Appends lock
their chain's ``ledger_head`` row first (an UPDATE: a row lock on PostgreSQL, the database write lock on SQLite),
so two workers appending to one chain at once queue up instead of forking the chain. An append belongs to the
caller's transaction: the event and the money change it records commit or roll back together.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from services.common.db import utcnow
from services.registry.core.models.areas import area_of_row, default_area_id
from services.registry.core.models.audit import lock_head
from services.registry.distribution.models.ledger import LEDGER_EVENTS
from services.registry.distribution.models.read import amount_text
from services.registry.models import Area, LedgerEntry, LedgerHead

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


def entry_area(session: Session, *, cycle_id: int | None = None, entitlement_id: int | None = None,
               capital_grant_id: int | None = None) -> int | None:
    """The chain an event belongs to: the village of the household it pays, else the cycle's or the grant's
    area (a kabupaten programme's payment to a Kamal household goes into Kamal's chain)."""
    if entitlement_id is not None:
        return area_of_row(session, "entitlement", entitlement_id)
    if capital_grant_id is not None:
        grant = session.connection().execute(
            text("SELECT household_id, programme_id FROM capital_grant WHERE id = :id"), {"id": capital_grant_id}
        ).first()
        if grant is not None and grant[0] is not None:
            return area_of_row(session, "household", grant[0])
        if grant is not None and grant[1] is not None:
            return area_of_row(session, "programme", grant[1])
        return default_area_id(session)
    if cycle_id is not None:
        return area_of_row(session, "cycle", cycle_id)
    return default_area_id(session)


def areas_of_references(session: Session, references: list[str]) -> set[int | None]:
    """The chains a bank statement's lines will append to: the villages of the households they pay."""
    from services.registry.models import Entitlement, Household, PaymentItem

    found: set[int | None] = set()
    refs = sorted({r for r in references if r})
    for start in range(0, len(refs), 1000):
        found |= set(session.scalars(
            select(Household.area_id).distinct()
            .join(Entitlement, Entitlement.household_id == Household.id)
            .join(PaymentItem, PaymentItem.entitlement_id == Entitlement.id)
            .where(PaymentItem.end_to_end_id.in_(refs[start:start + 1000])).execution_options(all_areas=True)))
    return found


def _lock_head(session: Session, area_id: int | None) -> LedgerHead:
    lock_head(session.connection(), LedgerHead.__table__, area_id, GENESIS)
    where = LedgerHead.area_id.is_(None) if area_id is None else LedgerHead.area_id == area_id
    return session.execute(
        select(LedgerHead).where(where).execution_options(populate_existing=True, all_areas=True)
    ).scalar_one()


def lock(session: Session, area_ids=None) -> None:
    """Take the ledger locks now, for a transaction that will append later: taking them before any other
    lock (e.g. an audit chain head flushed on the way), and several areas' in id order, keeps one lock
    order and so no deadlock. Without ``area_ids``: the default desa's chain."""
    ids = {default_area_id(session)} if area_ids is None else set(area_ids)
    for area_id in sorted(ids, key=lambda a: (a is None, a or 0)):
        _lock_head(session, area_id)


def append(session: Session, *, cycle_id: int | None, event: str, amount, actor: str,
           entitlement_id: int | None = None, payload: dict | None = None,
           capital_grant_id: int | None = None) -> LedgerEntry:
    """Append one event to its village's chain in the caller's transaction (commit is the caller's): an
    entitlement's event names its cycle, a business-capital payout or repayment names its grant."""
    if event not in LEDGER_EVENTS:
        raise ValueError(f"Jenis kejadian buku besar tidak dikenal: {event}")
    if (cycle_id is None) == (capital_grant_id is None):
        raise ValueError("Entri buku besar harus menyebut tepat satu: siklus atau bantuan modal")
    area_id = entry_area(session, cycle_id=cycle_id, entitlement_id=entitlement_id,
                         capital_grant_id=capital_grant_id)
    head = _lock_head(session, area_id)
    # Stored amounts are NUMERIC(14,2): hash the rounded value that will be read back.
    amount = None if amount is None else Decimal(amount).quantize(Decimal("0.01"))
    at = utcnow()
    payload = json.loads(json.dumps(payload or {}, sort_keys=True, default=str))
    seq = head.seq + 1
    digest = entry_hash(seq, cycle_id, entitlement_id, event, amount, actor, at, payload, head.hash,
                        capital_grant_id)
    entry = LedgerEntry(seq=seq, cycle_id=cycle_id, entitlement_id=entitlement_id, event=event, amount=amount,
                        actor=actor, at=at, payload=payload, prev_hash=head.hash, hash=digest,
                        capital_grant_id=capital_grant_id, area_id=area_id)
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
    area_id: int | None = None
    area_code: str | None = None

    @property
    def label(self) -> str:
        return self.area_code or "tanpa wilayah"

    def message(self) -> str:
        if self.ok:
            return f"Buku besar {self.label} utuh: {self.checked} entri diperiksa."
        return f"Buku besar {self.label} RUSAK pada entri #{self.broken_seq}: {self.reason}"


@dataclass
class LedgerCheck:
    """Every village's chain; ``broken_seq`` and ``reason`` are those of the first broken one."""

    chains: list[Verification] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(chain.ok for chain in self.chains)

    @property
    def checked(self) -> int:
        return sum(chain.checked for chain in self.chains)

    @property
    def broken(self) -> list[Verification]:
        return [chain for chain in self.chains if not chain.ok]

    @property
    def broken_seq(self) -> int | None:
        return self.broken[0].broken_seq if self.broken else None

    @property
    def reason(self) -> str | None:
        return self.broken[0].reason if self.broken else None

    def message(self) -> str:
        if self.ok:
            return f"Buku besar utuh: {self.checked} entri diperiksa di {len(self.chains)} rantai wilayah."
        return " ".join([*(chain.message() for chain in self.broken),
                         f"({len(self.chains) - len(self.broken)} dari {len(self.chains)} rantai wilayah utuh.)"])


def verify_chain(session: Session, area_id: int | None, chunk: int = 1000) -> Verification:
    """Recompute one area's chain in ``seq`` order; name the first entry that does not fit."""
    code = session.scalar(select(Area.code).where(Area.id == area_id)) if area_id is not None else None
    where = LedgerEntry.area_id.is_(None) if area_id is None else LedgerEntry.area_id == area_id
    expected_prev, expected_seq, checked = GENESIS, 1, 0

    def broken(seq, reason):
        return Verification(False, checked, seq, reason, area_id, code)

    while True:
        rows = session.execute(
            select(LedgerEntry).where(where, LedgerEntry.seq >= expected_seq).order_by(LedgerEntry.seq).limit(chunk)
        ).scalars().all()
        if not rows:
            break
        for row in rows:
            if area_id is None:
                return broken(row.seq, "entri tanpa wilayah (ditambahkan di luar aplikasi)")
            if row.seq != expected_seq:
                return broken(expected_seq, f"entri #{expected_seq} hilang (dihapus)")
            if row.prev_hash != expected_prev:
                return broken(row.seq, "hash entri sebelumnya tidak cocok")
            digest = entry_hash(row.seq, row.cycle_id, row.entitlement_id, row.event, row.amount, row.actor,
                                row.at, row.payload, row.prev_hash, row.capital_grant_id)
            if digest != row.hash:
                return broken(row.seq, "isi entri diubah (hash tidak cocok)")
            expected_prev, expected_seq, checked = row.hash, row.seq + 1, checked + 1
        session.expunge_all()
    head_where = LedgerHead.area_id.is_(None) if area_id is None else LedgerHead.area_id == area_id
    head = session.scalar(select(LedgerHead).where(head_where))
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != checked or head_hash != expected_prev:
        return broken(checked + 1, f"entri terakhir (#{head_seq}) hilang atau diganti")
    return Verification(True, checked, area_id=area_id, area_code=code)


def verify(session: Session, chunk: int = 1000) -> LedgerCheck:
    """Every village chain the session may see (all of them for the CLI), each checked on its own."""
    from services.registry.core.audit_chain import chain_areas

    return LedgerCheck([verify_chain(session, area_id, chunk)
                        for area_id in chain_areas(session, LedgerEntry, LedgerHead)])
