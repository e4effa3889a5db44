"""Append-only, hash-chained record of changes to people, programmes, money and users.

Each entry carries ``seq`` (1, 2, 3... without gaps), the previous entry's hash and its own hash over
its content; ``audit_chain_head`` holds the last seq and hash, so deleting or editing any row, even
the last, is detected by ``bansos verify-audit``. The chain fields are filled in
when the entry is flushed (``_chain_new_entries``); code only adds AuditEntry objects.

Writers are serialised on the ``audit_chain_head`` row: an UPDATE takes the row lock on PostgreSQL
and the database write lock on SQLite, so two transactions never chain onto the same predecessor.
The lock is held to the end of the writer's transaction, which is short for every audited change."""
from __future__ import annotations

import hashlib
import json
import os
import socket
from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Integer, String, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from services.registry.core.base import Base, utcnow

GENESIS_HASH = "0" * 64
# Set by the web apps for the length of a request (the client's address), so entries written during a
# request name the client; anything else (workers, the CLI) names the host and process.
REQUEST_SOURCE: ContextVar[str | None] = ContextVar("audit_request_source", default=None)


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))  # create / update / delete / import / ...
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str | None] = mapped_column(String(50))
    details: Mapped[dict | None] = mapped_column(JSON)  # for updates {column: [before, after]}
    source: Mapped[str | None] = mapped_column(String(100))  # client address, or the process for workers/CLI
    seq: Mapped[int | None] = mapped_column(Integer, unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class AuditChainHead(Base):
    """One row (id 1): the last seq and hash of the audit chain; updating it serialises writers."""

    __tablename__ = "audit_chain_head"

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


def install_audit_chain() -> None:
    """Chain every AuditEntry flushed by any SQLAlchemy session in this process (idempotent)."""
    if not event.contains(Session, "before_flush", _chain_new_entries):
        event.listen(Session, "before_flush", _chain_new_entries)
