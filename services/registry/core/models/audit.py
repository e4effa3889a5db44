"""Append-only, hash-chained record of changes to people, programmes, money and users.

Every area keeps its own chain (a desa's changes in the desa's, a kabupaten officer's in the
kabupaten's). Each entry carries ``seq`` (1, 2, 3... without gaps within its area's chain), the previous
entry's hash and its own hash over its content; ``audit_chain_head`` holds each chain's last seq and
hash, so deleting or editing any row, even the last, is detected by ``bansos verify-audit``. The chain fields are filled in
when the entry is flushed (``_chain_new_entries``); code only adds AuditEntry objects.

Writers are serialised on their chain's ``audit_chain_head`` row (several chains in one flush are locked
in area id order, so two writers never wait on each other crosswise): an UPDATE takes the row lock on PostgreSQL
and the database write lock on SQLite, so two transactions never chain onto the same predecessor.
The lock is held to the end of the writer's transaction, which is short for every audited change."""
from __future__ import annotations

import hashlib
import json
import os
import socket
from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Integer, String, UniqueConstraint, event, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from services.registry.core.base import Base, utcnow
from services.registry.core.models.areas import CURRENT_AREA, InArea, area_of_row, default_area_id

GENESIS_HASH = "0" * 64
# Set by the web apps for the length of a request (the client's address), so entries written during a
# request name the client; anything else (workers, the CLI) names the host and process.
REQUEST_SOURCE: ContextVar[str | None] = ContextVar("audit_request_source", default=None)


class AuditEntry(InArea, Base):
    """``area_id``: the chain the entry belongs to (one per desa, and one for each kecamatan/kabupaten whose
    staff act there): the area of the row it is about, else the request's area, else the default desa."""

    __tablename__ = "audit_entry"
    __table_args__ = (UniqueConstraint("area_id", "seq", name="uq_audit_entry_area_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))  # create / update / delete / import / ...
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str | None] = mapped_column(String(50))
    details: Mapped[dict | None] = mapped_column(JSON)  # for updates {column: [before, after]}
    source: Mapped[str | None] = mapped_column(String(100))  # client address, or the process for workers/CLI
    seq: Mapped[int | None] = mapped_column(Integer)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class AuditChainHead(InArea, Base):
    """One row per area: the last seq and hash of that area's chain; updating it serialises its writers."""

    __tablename__ = "audit_chain_head"
    __table_args__ = (UniqueConstraint("area_id", name="uq_audit_chain_head_area"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)


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
    return (REQUEST_SOURCE.get() or f"{socket.gethostname()}:{os.getpid()}")[:100]


def _give_areas(session: Session, entries: list[AuditEntry]) -> None:
    """The row the entry is about decides its chain; else the request's area; else the default desa."""
    found: dict[tuple[str, str | None], int | None] = {}
    default = None
    for entry in entries:
        if entry.area_id is not None:
            continue
        key = (entry.entity, entry.entity_id)
        if key not in found:
            found[key] = area_of_row(session, entry.entity, entry.entity_id)
        # The request's area as it was when the entry was made (core/audit.record), not at the flush.
        area_id = found[key] or getattr(entry, "request_area", None) or CURRENT_AREA.get()
        if area_id is None:
            default = default or default_area_id(session)
            area_id = default
        entry.area_id = area_id


def lock_head(connection, table, area_id: int | None, genesis: str) -> tuple[int, str]:
    """Lock one chain's head row (creating it at genesis the first time) and read its seq and hash."""
    where = table.c.area_id.is_(None) if area_id is None else table.c.area_id == area_id
    if connection.execute(update(table).where(where).values(seq=table.c.seq)).rowcount == 0:
        try:
            with connection.begin_nested():
                connection.execute(insert(table).values(area_id=area_id, seq=0, hash=genesis))
        except IntegrityError:  # another writer created it a moment ago; its lock is ours next
            if connection.execute(select(table.c.id).where(where)).first() is None:
                raise
        connection.execute(update(table).where(where).values(seq=table.c.seq))
    return tuple(connection.execute(select(table.c.seq, table.c.hash).where(where)).one())


def _chain_new_entries(session: Session, _flush_context, _instances) -> None:
    entries = [obj for obj in session.new if isinstance(obj, AuditEntry) and obj.hash is None]
    if not entries:
        return
    _give_areas(session, entries)
    connection = session.connection()
    head = AuditChainHead.__table__
    chains: dict[int | None, list[AuditEntry]] = {}
    for entry in entries:
        chains.setdefault(entry.area_id, []).append(entry)
    for area_id in sorted(chains, key=lambda a: (a is None, a or 0)):
        seq, prev_hash = lock_head(connection, head, area_id, GENESIS_HASH)
        for entry in chains[area_id]:
            seq += 1
            entry.at = entry.at or datetime.now(UTC)
            entry.source = entry.source or _source()
            entry.seq, entry.prev_hash = seq, prev_hash
            entry.hash = prev_hash = entry_hash(entry, prev_hash)
        where = head.c.area_id.is_(None) if area_id is None else head.c.area_id == area_id
        connection.execute(update(head).where(where).values(seq=seq, hash=prev_hash))


def install_audit_chain() -> None:
    """Chain every AuditEntry flushed by any SQLAlchemy session in this process (idempotent)."""
    if not event.contains(Session, "before_flush", _chain_new_entries):
        event.listen(Session, "before_flush", _chain_new_entries)
