"""Append-only, hash-chained record of changes to people, programmes, money and users.

Each entry carries ``seq`` (1, 2, 3... without gaps), the previous entry's hash and its own hash over
its content; ``audit_chain_head`` holds the last seq and hash, so deleting or editing any row, even
the last, is detected by ``bansos verify-audit``. The chain fields are filled in by
services/registry/audit_chain.py when the entry is flushed; code only adds AuditEntry objects."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow

GENESIS_HASH = "0" * 64


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
