"""Satisfaction surveys after a distribution or training: one 1-5 score per one-time code."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AuditEntry, Cycle, SatisfactionResponse
from .service import ComplaintError


def record_survey(session: Session, data: dict) -> tuple[SatisfactionResponse, bool]:
    """Store the answer for ``data["code"]``; a second answer with the same code keeps the first."""
    existing = session.scalar(select(SatisfactionResponse).where(SatisfactionResponse.code == data["code"]))
    if existing is not None:
        return existing, False
    if session.get(Cycle, data["cycle_id"]) is None:
        raise ComplaintError(f"Siklus {data['cycle_id']} tidak ditemukan")
    score = int(data["score"])
    if not 1 <= score <= 5:
        raise ComplaintError("Nilai kepuasan harus 1 sampai 5")
    response = SatisfactionResponse(code=data["code"], cycle_id=data["cycle_id"], score=score,
                              comment=(data.get("comment") or "").strip() or None)
    session.add(response)
    session.flush()
    session.add(AuditEntry(actor="publik:survei", action="create", entity="satisfaction_response",
                           entity_id=str(response.id), details={"cycle_id": data["cycle_id"], "score": score}))
    return response, True
