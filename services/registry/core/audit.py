"""Writing audit entries: the one way code adds a row to the trail (the chain itself is filled in at flush,
see models/audit.py), and the JSON-safe form of the values kept in an entry's details."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum

from sqlalchemy.orm import Session

from services.registry.core.models.areas import CURRENT_AREA
from services.registry.core.models.audit import AuditEntry


def plain(value):
    """JSON-safe copy of an audit detail: dates as ISO text, Decimals as exact text (never a float), enums as
    their value, containers copied through; anything else unknown as its text, so hashing never guesses."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((plain(v) for v in value), key=str)  # a stable order keeps the entry's hash stable
    return str(value)


def record(session: Session, actor: str | None, action: str, entity: str, entity_id, /, **details) -> AuditEntry:
    """Add one entry to ``session``; it is chained and written with the caller's transaction.

    The leading arguments are positional-only so a detail may itself be called ``entity`` or ``action``."""
    entry = AuditEntry(actor=actor or "sistem", action=action, entity=entity,
                       entity_id=None if entity_id is None else str(entity_id), details=plain(details) or None)
    entry.request_area = CURRENT_AREA.get()  # the chain's fallback when the row it is about has no area
    session.add(entry)
    return entry


def record_row(session: Session, actor: str | None, action: str, row, /, **details) -> AuditEntry:
    """An entry about one mapped row, named by its table and id; flushes first so a new row has its id."""
    session.flush()
    return record(session, actor, action, row.__tablename__, row.id, **details)
