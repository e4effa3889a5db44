"""Record one survey response (every entry path goes through here): validate, score, audit, never overwrite."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.db import utcnow
from services.registry.core.audit import record
from services.registry.models import Enumerator, Household, Instrument, SurveyCampaign, SurveyResponse
from services.registry.surveys.answers import score_answers, validate_answers
from services.registry.surveys.models.surveys import SOURCES


class ResponseInvalid(ValueError):
    """The answers do not fit the instrument; ``errors`` maps each field to an Indonesian reason."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in errors.items()))
        self.errors = errors


def campaign_problems(campaign: SurveyCampaign, instrument: Instrument, household: Household,
                      collected_at: datetime | None = None) -> dict[str, str]:
    """Reasons a response does not belong to ``campaign``: another instrument, outside its region or period."""
    problems = {}
    day = (collected_at or utcnow()).date()
    if (campaign.starts_on and day < campaign.starts_on) or (campaign.ends_on and day > campaign.ends_on):
        problems["campaign"] = f"tanggal pendataan {day:%d-%m-%Y} di luar masa kampanye"
    if campaign.instrument_id != instrument.id:
        problems["campaign"] = "kampanye survei ini memakai instrumen lain"
    for field, label in (("desa", "desa"), ("dusun", "dusun"), ("rw", "RW"), ("rt", "RT")):
        wanted = getattr(campaign, field)
        if wanted and (getattr(household, field) or "").strip().lower() != wanted.strip().lower():
            problems["campaign"] = f"keluarga di luar wilayah kampanye ({label} {wanted})"
    return problems


def existing_submission(session: Session, key: str | None) -> SurveyResponse | None:
    if not key:
        return None
    return session.execute(select(SurveyResponse).where(SurveyResponse.submission_key == key)).scalar_one_or_none()


def record_response(session: Session, *, instrument: Instrument, household: Household, answers: dict, source: str,
                    actor: str, campaign: SurveyCampaign | None = None, enumerator: Enumerator | None = None,
                    collected_at: datetime | None = None, submission_key: str | None = None,
                    ) -> tuple[SurveyResponse, bool]:
    """Add the response (flushed, not committed) and return (response, created).

    A response whose ``submission_key`` is already stored is returned as is (created False): a phone
    that re-sends, or a re-imported export, changes nothing."""
    if source not in SOURCES:
        raise ValueError(f"sumber tidak dikenal: {source}")
    found = existing_submission(session, submission_key)
    if found is not None:
        return found, False
    errors: dict[str, str] = {}
    if not instrument.active:
        errors["instrument"] = f"instrumen {instrument.code} versi {instrument.version} tidak aktif lagi"
    if campaign is not None:
        errors.update(campaign_problems(campaign, instrument, household, collected_at))
    clean, answer_errors = validate_answers(instrument, answers)
    errors.update(answer_errors)
    if errors:
        raise ResponseInvalid(errors)
    score, explanation = score_answers(instrument, clean)
    response = SurveyResponse(
        household_id=household.id, instrument_id=instrument.id, campaign=campaign, enumerator=enumerator,
        source=source, submission_key=submission_key, answers=clean, score=score, explanation=explanation,
        created_by=actor, **({"collected_at": collected_at} if collected_at else {}),
    )
    session.add(response)
    session.flush()
    record(session, actor, "create", "survey_response", response.id, no_kk=household.no_kk, instrument=instrument.code,
           version=instrument.version, source=source, score=float(score), after=clean)
    return response, True


def household_by_kk(session: Session, no_kk: str) -> Household | None:
    return session.execute(select(Household).where(Household.no_kk == str(no_kk).strip())).scalar_one_or_none()
