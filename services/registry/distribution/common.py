"""What every distribution step shares: the refusal type, the frozen-cycle guard and the audit write."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import AuditEntry, Cycle


class DistributionError(ValueError):
    """A refused distribution step; the text is the Indonesian reason shown to the operator."""


def require_frozen(cycle: Cycle | None) -> Cycle:
    """Only an approved (frozen) cycle may be distributed: its recipients and amounts cannot move any more."""
    if cycle is None:
        raise DistributionError("Siklus tidak ditemukan")
    if cycle.status != "disetujui":
        raise DistributionError(
            f"Siklus {cycle.name} berstatus '{cycle.status}': hanya siklus yang sudah disetujui kepala desa "
            "yang boleh disalurkan"
        )
    return cycle


def audit(session: Session, actor: str, action: str, entity: str, entity_id, details: dict) -> None:
    session.add(AuditEntry(actor=actor, action=action, entity=entity, entity_id=str(entity_id), details=details))
