"""Small helpers shared by the capacity modules: audit entries, Indonesian errors, dates."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.registry.models import AuditEntry


class CapacityError(ValueError):
    """A refused action; the message is the Indonesian reason shown to the user."""


def plain(value):
    """JSON-safe copy of an audit detail (dates, Decimals, nested lists and dicts)."""
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def audit(session, actor: str, action: str, item, **details) -> AuditEntry:
    session.flush()  # the new row's id belongs in the entry
    entry = AuditEntry(actor=actor or "sistem", action=action, entity=item.__tablename__,
                       entity_id=str(item.id), details={k: plain(v) for k, v in details.items()} or None)
    session.add(entry)
    return entry


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's end (31 Jan + 1 -> 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def age_on(birth_date: date, today: date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
