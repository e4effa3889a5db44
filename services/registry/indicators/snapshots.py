"""Compute indicators for a period and store them (``indicator_value``), once and for good.

A value computed after its period ended is *final*: later runs leave it as it is (``force`` recomputes),
so a trend shows what was known and reported at the time. A value computed while its period is still
running is provisional and is replaced by the next run."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.common.db import utcnow
from services.registry.core.audit import record
from services.registry.core.models.areas import VISIBLE_AREAS
from services.registry.core.periods import Period, period_of
from services.registry.indicators.computations import COMPUTATIONS, Scope
from services.registry.models import Area, Indicator, IndicatorValue


class IndicatorError(ValueError):
    """An indicator definition that cannot be computed (unknown computation or bad parameters)."""


def validate_definition(indicator: Indicator) -> None:
    from services.registry.indicators.models.indicators import DIRECTIONS, GRANULARITIES

    if indicator.computation not in COMPUTATIONS:
        raise IndicatorError(f"Perhitungan '{indicator.computation}' tidak dikenal; pilih salah satu dari: "
                             f"{', '.join(COMPUTATIONS)}")
    if indicator.direction not in DIRECTIONS:
        raise IndicatorError("Arah harus 'naik' (makin tinggi makin baik) atau 'turun'")
    if indicator.granularity not in GRANULARITIES:
        raise IndicatorError(f"Periode harus salah satu dari: {', '.join(GRANULARITIES)}")
    if not isinstance(indicator.parameters or {}, dict):
        raise IndicatorError("Parameter harus objek JSON, mis. {\"bands\": [\"miskin\"]}")


def _measured_areas(session: Session, area_id: int) -> tuple[int, ...]:
    code = session.scalar(select(Area.code).where(Area.id == area_id))
    ids = set(session.scalars(select(Area.id).where(or_(Area.id == area_id, Area.code.startswith(f"{code}.")))))
    current = VISIBLE_AREAS.get()
    return tuple(sorted(ids if current is None else ids & set(current)))


def compute_value(session: Session, indicator: Indicator, period: Period, now: datetime,
                  force: bool = False) -> tuple[IndicatorValue, bool]:
    """Store the value of ``indicator`` for ``period``; returns (row, whether it was (re)computed)."""
    validate_definition(indicator)
    row = session.scalar(select(IndicatorValue).where(IndicatorValue.indicator_id == indicator.id,
                                                      IndicatorValue.period == period.key))
    if row is not None and row.final and not force:
        return row, False
    # An indicator measures its own area (a desa's its village, a kabupaten's every village in it): the
    # computation runs under that area scope, narrowed further by the caller's own.
    token = VISIBLE_AREAS.set(_measured_areas(session, indicator.area_id)) if indicator.area_id else None
    try:
        result = COMPUTATIONS[indicator.computation](
            session, Scope(period, indicator.programme_id, dict(indicator.parameters or {})))
    finally:
        if token is not None:
            VISIBLE_AREAS.reset(token)
    if row is None:
        row = IndicatorValue(indicator_id=indicator.id, period=period.key, area_id=indicator.area_id)
        session.add(row)
    row.period_start, row.period_end = period.first_day, period.next_first_day
    row.value, row.numerator, row.denominator = result.value, result.numerator, result.denominator
    row.details = result.details
    row.final = now >= period.end
    row.computed_at = now
    session.flush()
    return row, True


def compute_all(session: Session, month: date, now: datetime | None = None, force: bool = False,
                actor: str = "sistem", indicator_ids: list[int] | None = None) -> dict:
    """Compute every active indicator for the period (of its granularity) that contains ``month``."""
    now = now or utcnow()
    query = select(Indicator).where(Indicator.active.is_(True)).order_by(Indicator.id)
    if indicator_ids:
        query = query.where(Indicator.id.in_(indicator_ids))
    counts = {"dihitung": 0, "tetap": 0, "galat": 0}
    errors = []
    for indicator in session.scalars(query).all():
        try:
            _row, computed = compute_value(session, indicator, period_of(month, indicator.granularity), now, force)
        except IndicatorError as exc:
            counts["galat"] += 1
            errors.append(f"{indicator.code}: {exc}")
            continue
        counts["dihitung" if computed else "tetap"] += 1
    record(session, actor, "compute", "indicator_value", f"{month:%Y-%m}",
           **{**counts, "force": force, "errors": errors})
    session.flush()
    return {**counts, "errors": errors}


def trend(session: Session, indicator_id: int, limit: int = 12) -> list[IndicatorValue]:
    """The latest ``limit`` stored values, oldest first."""
    rows = session.scalars(select(IndicatorValue).where(IndicatorValue.indicator_id == indicator_id)
                           .order_by(IndicatorValue.period_start.desc()).limit(limit)).all()
    return list(reversed(rows))
