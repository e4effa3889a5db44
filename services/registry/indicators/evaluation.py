"""Before and after for a programme's recipients: baseline vs follow-up survey (income from the village
needs instrument, welfare score and band from the welfare instrument), compared with non-recipients of
the same welfare band(s) where the registry has their surveys too."""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from services.common.db import utcnow
from services.registry.indicators.computations import _round, first_last, income_expression
from services.registry.models import Enrolment, Household, HouseholdWelfare, Instrument, Person, Programme
from services.registry.surveys.models.surveys import SurveyResponse


@dataclass
class Summary:
    households: int = 0
    mean_before: object = None
    mean_after: object = None
    mean_change: object = None
    median_change: object = None


@dataclass
class Evaluation:
    programme: Programme
    recipients: int
    income: Summary
    income_comparison: Summary
    score: Summary
    score_comparison: Summary
    bands: dict = field(default_factory=dict)  # "miskin -> rentan": count, recipients only
    comparison_bands: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # per recipient household with both surveys


def summarise(pairs: dict[int, tuple[float, float]]) -> Summary:
    if not pairs:
        return Summary()
    before = [b for b, _a in pairs.values()]
    after = [a for _b, a in pairs.values()]
    changes = [a - b for b, a in pairs.values()]
    return Summary(len(pairs), _round(statistics.fmean(before)), _round(statistics.fmean(after)),
                   _round(statistics.fmean(changes)), _round(statistics.median(changes)))


def band_of(score: float, scoring: dict) -> str | None:
    """The band a score falls in under the instrument's thresholds (category mode only)."""
    if scoring.get("band_mode", "kategori") != "kategori":
        return None
    threshold = scoring.get("threshold", 9)
    if score >= threshold:
        return "miskin"
    return "rentan" if score >= scoring.get("rentan_threshold", threshold) else "tidak_miskin"


def evaluate(session: Session, programme_id: int, needs_code: str = "KEBUTUHAN-DESA",
             end: datetime | None = None) -> Evaluation | None:
    programme = session.get(Programme, programme_id)
    if programme is None:
        return None
    end = end or (utcnow() + timedelta(seconds=1))
    recipients = select(Enrolment.household_id).where(Enrolment.programme_id == programme_id)
    recipient_count = len(session.scalars(recipients).all())
    # Comparison group: households never enrolled in this programme whose current welfare band is one the
    # recipients have (the registry's only "similar" measure that every household carries).
    bands = sorted({b for b in session.scalars(select(HouseholdWelfare.band).where(
        HouseholdWelfare.household_id.in_(recipients), HouseholdWelfare.band.is_not(None)))})
    similar = select(HouseholdWelfare.household_id).where(HouseholdWelfare.band.in_(bands),
                                                          HouseholdWelfare.household_id.not_in(recipients))
    income = income_expression({})
    needs = Instrument.code == needs_code
    income_pairs = first_last(session, income, needs, end, recipients)
    income_others = first_last(session, income, needs, end, similar) if bands else {}
    welfare = session.scalar(select(Instrument).where(Instrument.purpose == "kesejahteraan",
                                                      Instrument.active.is_(True)).order_by(Instrument.version.desc()))
    score_pairs, score_others, transitions = {}, {}, {}
    if welfare is not None:
        condition = Instrument.code == welfare.code
        score_pairs = first_last(session, SurveyResponse.score, condition, end, recipients)
        score_others = first_last(session, SurveyResponse.score, condition, end, similar) if bands else {}
        for before, after in score_pairs.values():
            key = f"{band_of(before, welfare.scoring or {}) or '-'} → {band_of(after, welfare.scoring or {}) or '-'}"
            transitions[key] = transitions.get(key, 0) + 1
    households = set(income_pairs) | set(score_pairs)
    heads = {}
    if households:
        head_first = case((Person.relationship_to_head == "KEPALA KELUARGA", 0), else_=1)
        for hh_id, dusun, rt, rw, name, nik in session.execute(
                select(Household.id, Household.dusun, Household.rt, Household.rw, Person.name, Person.nik)
                .outerjoin(Person, Person.household_id == Household.id)
                .where(Household.id.in_(households)).order_by(Household.id, head_first, Person.id)):
            heads.setdefault(hh_id, {"dusun": dusun, "rt": rt, "rw": rw, "name": name, "nik": nik})
    rows = []
    for hh_id in sorted(households):
        income_pair, score_pair = income_pairs.get(hh_id), score_pairs.get(hh_id)
        scoring = (welfare.scoring or {}) if welfare else {}
        rows.append({"household_id": hh_id, **heads.get(hh_id, {}),
                     "income_before": income_pair[0] if income_pair else None,
                     "income_after": income_pair[1] if income_pair else None,
                     "score_before": score_pair[0] if score_pair else None,
                     "score_after": score_pair[1] if score_pair else None,
                     "band_before": band_of(score_pair[0], scoring) if score_pair else None,
                     "band_after": band_of(score_pair[1], scoring) if score_pair else None})
    return Evaluation(programme, recipient_count, summarise(income_pairs), summarise(income_others),
                      summarise(score_pairs), summarise(score_others), dict(sorted(transitions.items())), bands, rows)
