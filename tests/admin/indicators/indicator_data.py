"""Known indicator values and follow-up surveys on top of the seeded demo, for the dashboard tests."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.registry.models import (
    Enrolment,
    Indicator,
    IndicatorValue,
    Instrument,
    Programme,
    SurveyResponse,
)

# (indicator code, [(period, value)]): PARTISIPASI reaches its 95 % target in March; the BLT one does not.
VALUES = {
    "PARTISIPASI": [("2026-01", "70"), ("2026-02", "85"), ("2026-03", "96")],
    "PARTISIPASI-BLT-DD-2026": [("2026-01", "55"), ("2026-02", "60"), ("2026-03", "75")],
    "KEPUASAN-SEMBAKO-CSR-2026": [("2026-02", "4.1"), ("2026-03", "4.5")],
    "PENGADUAN-HARI": [("2026-01", "12"), ("2026-02", "9.5"), ("2026-03", "8")],
}


def fill(session: Session) -> None:
    """Replace the stored values with VALUES; add a needs follow-up (+500.000) for some BLT households."""
    indicators = {i.code: i for i in session.scalars(select(Indicator))}
    session.execute(delete(IndicatorValue))
    for code, points in VALUES.items():
        for period, value in points:
            year, month = map(int, period.split("-"))
            session.add(IndicatorValue(indicator_id=indicators[code].id, period=period,
                                       period_start=date(year, month, 1),
                                       period_end=date(year + month // 12, month % 12 + 1, 1), value=Decimal(value),
                                       final=True, details={}))
    needs = session.scalar(select(Instrument).where(Instrument.code == "KEBUTUHAN-DESA"))
    blt = session.scalar(select(Programme).where(Programme.code == "BLT-DD-2026"))
    enrolled = select(Enrolment.household_id).where(Enrolment.programme_id == blt.id)
    for first in session.scalars(select(SurveyResponse).where(SurveyResponse.instrument_id == needs.id,
                                                              SurveyResponse.household_id.in_(enrolled))).all():
        key = f"uji-indikator:{first.household_id}"
        if session.scalar(select(SurveyResponse.id).where(SurveyResponse.submission_key == key)):
            continue
        answers = {**first.answers, "pendapatan_bulanan": int(first.answers["pendapatan_bulanan"]) + 500000}
        session.add(SurveyResponse(household_id=first.household_id, instrument_id=needs.id, source="admin",
                                   answers=answers, submission_key=key,
                                   collected_at=datetime(2026, 9, 20, tzinfo=UTC)))
    session.commit()
