"""Satisfaction surveys after a distribution or training: one 1-5 score per issued one-time code
(``indicators/codes.py``); the answer is linked to the code's cycle or training."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.core.audit import record
from services.registry.feedback.complaints import ComplaintError
from services.registry.indicators.codes import CodeError, use_code
from services.registry.indicators.models.read import normalise
from services.registry.models import SatisfactionResponse


def record_survey(session: Session, data: dict) -> SatisfactionResponse:
    """Store the answer for ``data["code"]``; any second use of a code is refused (ComplaintError). A
    redelivered task therefore only logs the refusal: the first answer is kept and counted once."""
    code = normalise(data["code"])
    if session.scalar(select(SatisfactionResponse.id).where(SatisfactionResponse.code == code)) is not None:
        raise ComplaintError("Kode survei ini sudah dipakai. Setiap kode hanya berlaku sekali.")
    score = int(data["score"])
    if not 1 <= score <= 5:
        raise ComplaintError("Nilai kepuasan harus 1 sampai 5")
    try:
        issued = use_code(session, code, data.get("cycle_id"))
    except CodeError as exc:
        raise ComplaintError(str(exc)) from exc
    response = SatisfactionResponse(code=code, cycle_id=issued.cycle_id, training_id=issued.training_id, score=score,
                                    comment=(data.get("comment") or "").strip() or None)
    session.add(response)
    session.flush()
    record(session, "publik:survei", "create", "satisfaction_response", response.id, cycle_id=issued.cycle_id,
           training_id=issued.training_id, score=score)
    return response
