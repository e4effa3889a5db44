"""One function per indicator computation: set-based SQL over the registry, the same on PostgreSQL and SQLite.

Each takes the session and a ``Scope`` (the period's bounds, an optional programme, the indicator's
parameters) and returns a ``Result``. Everything is bounded by the period's end, read from append-only
or dated rows (ledger entries, complaint and survey dates), so a later run for the same period finds the
same rows; the one current-state input (welfare bands, for coverage) is why values are stored per period.
"""
from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from services.registry.core.periods import JAKARTA, Period
from services.registry.models import (
    Complaint,
    Cycle,
    Enrolment,
    Entitlement,
    FundingSource,
    HouseholdWelfare,
    Instrument,
    LedgerEntry,
    SatisfactionResponse,
    SurveyResponse,
    Training,
)

FROZEN = ("disetujui", "selesai")
DELIVERED_EVENTS = ("paid", "collected")
CENT = Decimal("0.01")


@dataclass
class Scope:
    period: Period
    programme_id: int | None = None
    params: dict = field(default_factory=dict)


@dataclass
class Result:
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    details: dict = field(default_factory=dict)


def _dec(value) -> Decimal:
    return Decimal(str(value or 0))


def _ratio(numerator, denominator, scale=100) -> Decimal | None:
    numerator, denominator = _dec(numerator), _dec(denominator)
    if denominator == 0:
        return None
    return (numerator * scale / denominator).quantize(CENT, ROUND_HALF_UP)


def _round(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def period_cycles(scope: Scope):
    """Approved cycles that belong to the period: their period starts in it (or, without dates, they
    were approved in it)."""
    p = scope.period
    query = select(Cycle.id).where(Cycle.status.in_(FROZEN), or_(
        and_(Cycle.period_start >= p.first_day, Cycle.period_start < p.next_first_day),
        and_(Cycle.period_start.is_(None), Cycle.approved_at >= p.start_utc, Cycle.approved_at < p.end_utc)))
    if scope.programme_id:
        query = query.where(Cycle.programme_id == scope.programme_id)
    return query


def delivered_before(moment: datetime):
    """Entitlements handed over (paid or collected, not returned since) before ``moment``, with the
    first hand-over time, from the append-only ledger."""
    net = func.sum(case((LedgerEntry.event.in_(DELIVERED_EVENTS), 1), (LedgerEntry.event == "returned", -1),
                        else_=0))
    return (select(LedgerEntry.entitlement_id.label("entitlement_id"),
                   func.min(case((LedgerEntry.event.in_(DELIVERED_EVENTS), LedgerEntry.at))).label("first_at"))
            .where(LedgerEntry.at < moment, LedgerEntry.entitlement_id.is_not(None))
            .group_by(LedgerEntry.entitlement_id).having(net > 0)).subquery()


def _live_entitlements(cycle_ids):
    return and_(Entitlement.cycle_id.in_(cycle_ids), Entitlement.status != "dibatalkan")


def participation_rate(session: Session, scope: Scope) -> Result:
    """Recipients who collected or were paid by the period's end / entitled, in the period's cycles (%)."""
    delivered = delivered_before(scope.period.end_utc)
    row = session.execute(
        select(func.count(Entitlement.id), func.count(delivered.c.entitlement_id))
        .outerjoin(delivered, delivered.c.entitlement_id == Entitlement.id)
        .where(_live_entitlements(period_cycles(scope)))).one()
    entitled, participated = row
    return Result(_ratio(participated, entitled), _dec(participated), _dec(entitled),
                  {"penerima_berhak": entitled, "sudah_menerima": participated})


def needy_condition(params: dict):
    """Households in the poorest band(s) (``bands``, default miskin) or DTSEN desil <= ``max_desil``."""
    bands = params.get("bands") or ["miskin"]
    condition = HouseholdWelfare.band.in_([str(b) for b in bands])
    if params.get("max_desil"):
        condition = or_(condition, HouseholdWelfare.dtsen_desil <= int(params["max_desil"]))
    return condition


def poorest_coverage(session: Session, scope: Scope) -> Result:
    """Households of the poorest band(s) with an active enrolment (in the programme, or any) made before
    the period's end / all households of those bands (%)."""
    end = scope.period
    enrolled = select(Enrolment.household_id).where(
        Enrolment.status == "aktif",
        or_(Enrolment.enrolled_on < end.next_first_day,
            and_(Enrolment.enrolled_on.is_(None), Enrolment.created_at < end.end_utc)))
    if scope.programme_id:
        enrolled = enrolled.where(Enrolment.programme_id == scope.programme_id)
    covered = case((HouseholdWelfare.household_id.in_(enrolled), 1), else_=0)
    total, reached = session.execute(
        select(func.count(), func.coalesce(func.sum(covered), 0)).where(needy_condition(scope.params))).one()
    return Result(_ratio(reached, total), _dec(reached), _dec(total),
                  {"keluarga_termiskin": total, "terdaftar": int(reached),
                   "kelompok": scope.params.get("bands") or ["miskin"]})


def budget_absorption(session: Session, scope: Scope) -> Result:
    """Net disbursed (paid + collected - returned, ledger) from 1 January to the period's end / the
    budget of the funding sources of that fiscal year (%)."""
    p = scope.period
    budget_q = select(func.coalesce(func.sum(FundingSource.budget), 0)).where(
        or_(FundingSource.fiscal_year == p.first_day.year, FundingSource.fiscal_year.is_(None)))
    signed = case((LedgerEntry.event.in_(DELIVERED_EVENTS), LedgerEntry.amount),
                  (LedgerEntry.event == "returned", -LedgerEntry.amount), else_=0)
    spent_q = (select(func.coalesce(func.sum(signed), 0)).join(Cycle, Cycle.id == LedgerEntry.cycle_id)
               .where(LedgerEntry.at >= p.year_start_utc, LedgerEntry.at < p.end_utc))
    if scope.programme_id:
        budget_q = budget_q.where(FundingSource.programme_id == scope.programme_id)
        spent_q = spent_q.where(Cycle.programme_id == scope.programme_id)
    budget, spent = _dec(session.scalar(budget_q)), _dec(session.scalar(spent_q))
    return Result(_ratio(spent, budget), spent, budget,
                  {"anggaran": str(budget), "tersalur": str(spent), "tahun_anggaran": p.first_day.year})


def on_time_rate(session: Session, scope: Scope) -> Result:
    """Entitlements handed over by their cycle's planned date (the cycle's last day, plus
    ``grace_days``) / entitled, over the period's cycles that have a planned date (%)."""
    grace = int(scope.params.get("grace_days") or 0)
    cycles = session.execute(select(Cycle.id, Cycle.period_end).where(Cycle.id.in_(period_cycles(scope)))).all()
    entitled = on_time = 0
    undated = []
    for cycle_id, last_day in cycles:
        if last_day is None:
            undated.append(cycle_id)
            continue
        deadline = (datetime(last_day.year, last_day.month, last_day.day, tzinfo=JAKARTA)
                    + timedelta(days=1 + grace)).astimezone(UTC)
        delivered = delivered_before(deadline)
        total, done = session.execute(
            select(func.count(Entitlement.id), func.count(delivered.c.entitlement_id))
            .outerjoin(delivered, delivered.c.entitlement_id == Entitlement.id)
            .where(_live_entitlements([cycle_id]))).one()
        entitled, on_time = entitled + total, on_time + done
    return Result(_ratio(on_time, entitled), _dec(on_time), _dec(entitled),
                  {"tepat_waktu": on_time, "penerima_berhak": entitled, "siklus_tanpa_tanggal": undated})


def complaint_resolution_days(session: Session, scope: Scope) -> Result:
    """Median days from received to closed, over complaints closed in the period (days)."""
    p = scope.period
    query = select(Complaint.received_at, Complaint.closed_at).where(
        Complaint.closed_at >= p.start_utc, Complaint.closed_at < p.end_utc)
    if scope.programme_id:
        query = query.where(Complaint.programme_id == scope.programme_id)
    days = [(closed - received).total_seconds() / 86400 for received, closed in session.execute(query)]
    if not days:
        return Result(None, None, Decimal(0), {"selesai": 0})
    return Result(_round(statistics.median(days)), None, Decimal(len(days)),
                  {"selesai": len(days), "rata_rata_hari": str(_round(statistics.fmean(days)))})


def first_last(session: Session, value, instrument_condition, end: datetime,
               household_ids=None) -> dict[int, tuple[float, float]]:
    """{household: (first value, latest value)} over survey responses matching ``instrument_condition``
    collected before ``end``, for households with two or more such responses (window functions)."""
    order = (SurveyResponse.collected_at, SurveyResponse.id)
    partition = SurveyResponse.household_id
    ranked = (select(SurveyResponse.household_id.label("household_id"), value.label("value"),
                     func.row_number().over(partition_by=partition, order_by=order).label("first"),
                     func.row_number().over(partition_by=partition, order_by=[o.desc() for o in order]).label("last"),
                     func.count().over(partition_by=partition).label("n"))
              .join(Instrument, Instrument.id == SurveyResponse.instrument_id)
              .where(instrument_condition, SurveyResponse.collected_at < end, value.is_not(None)))
    if household_ids is not None:
        ranked = ranked.where(SurveyResponse.household_id.in_(household_ids))
    ranked = ranked.subquery()
    rows = session.execute(select(ranked.c.household_id, ranked.c.value)
                           .where(ranked.c.n >= 2, or_(ranked.c.first == 1, ranked.c.last == 1))
                           .order_by(ranked.c.household_id, ranked.c.first)).all()
    pairs: dict[int, list[float]] = {}
    for household_id, number in rows:
        pairs.setdefault(household_id, []).append(float(number))
    return {hh: (values[0], values[-1]) for hh, values in pairs.items() if len(values) == 2}


def income_expression(params: dict):
    return SurveyResponse.answers[params.get("question") or "pendapatan_bulanan"].as_float()


def income_pairs(session: Session, scope: Scope, household_ids=None) -> list[tuple[int, float, float]]:
    """(household, baseline income, follow-up income): each household's first and latest response under
    the needs instrument (``instrument``, any version) before the period's end, when it has two or more."""
    code = scope.params.get("instrument") or "KEBUTUHAN-DESA"
    pairs = first_last(session, income_expression(scope.params), Instrument.code == code, scope.period.end_utc,
                       household_ids)
    return [(hh, before, after) for hh, (before, after) in pairs.items()]


def income_change(session: Session, scope: Scope) -> Result:
    """Mean change of monthly household income, follow-up minus baseline survey (Rp), for the
    programme's enrolled households (or every household)."""
    households = None
    if scope.programme_id:
        households = select(Enrolment.household_id).where(Enrolment.programme_id == scope.programme_id)
    pairs = income_pairs(session, scope, households)
    if not pairs:
        return Result(None, None, Decimal(0), {"keluarga": 0})
    changes = [after - before for _hh, before, after in pairs]
    return Result(_round(statistics.fmean(changes)), None, Decimal(len(pairs)),
                  {"keluarga": len(pairs), "median_perubahan": str(_round(statistics.median(changes))),
                   "rata_rata_awal": str(_round(statistics.fmean(b for _h, b, _a in pairs))),
                   "rata_rata_akhir": str(_round(statistics.fmean(a for _h, _b, a in pairs)))})


def satisfaction_score(session: Session, scope: Scope) -> Result:
    """Mean 1-5 score of the satisfaction answers received in the period (each from a one-time code)."""
    p = scope.period
    query = (select(func.count(SatisfactionResponse.id), func.sum(SatisfactionResponse.score))
             .outerjoin(Cycle, Cycle.id == SatisfactionResponse.cycle_id)
             .outerjoin(Training, Training.id == SatisfactionResponse.training_id)
             .where(SatisfactionResponse.created_at >= p.start_utc, SatisfactionResponse.created_at < p.end_utc))
    if scope.programme_id:
        query = query.where(or_(Cycle.programme_id == scope.programme_id,
                                Training.programme_id == scope.programme_id))
    count, total = session.execute(query).one()
    return Result(_ratio(total, count, scale=1), _dec(total), _dec(count), {"jawaban": count})


COMPUTATIONS: dict[str, Callable[[Session, Scope], Result]] = {
    "tingkat_partisipasi": participation_rate,
    "cakupan_termiskin": poorest_coverage,
    "serapan_anggaran": budget_absorption,
    "ketepatan_waktu": on_time_rate,
    "waktu_penyelesaian_pengaduan": complaint_resolution_days,
    "perubahan_pendapatan": income_change,
    "skor_kepuasan": satisfaction_score,
}
COMPUTATION_LABELS = {
    "tingkat_partisipasi": "Tingkat partisipasi (menerima / berhak)",
    "cakupan_termiskin": "Cakupan kelompok termiskin (parameter: bands, max_desil)",
    "serapan_anggaran": "Serapan anggaran (tersalur / anggaran tahun berjalan)",
    "ketepatan_waktu": "Penyaluran tepat waktu (parameter: grace_days)",
    "waktu_penyelesaian_pengaduan": "Median hari penyelesaian pengaduan",
    "perubahan_pendapatan": "Perubahan pendapatan survei awal vs lanjutan (parameter: instrument, question)",
    "skor_kepuasan": "Skor kepuasan rata-rata 1-5",
}
