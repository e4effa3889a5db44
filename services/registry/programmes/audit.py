"""AuditEntry rows for the selection steps: who changed money or recipients, and before/after."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from services.registry.models import AuditEntry


def plain(value):
    """JSON-safe form of a column value."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def record(session: Session, actor: str, action: str, entity: str, entity_id, **details) -> AuditEntry:
    entry = AuditEntry(actor=actor or "sistem", action=action, entity=entity,
                       entity_id=None if entity_id is None else str(entity_id), details=plain(details))
    session.add(entry)
    return entry
