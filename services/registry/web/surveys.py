"""Survey JSON API (bearer SERVICE_TOKEN): instruments, submit a response, a household's responses and welfare."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from services.common.auth import require_service_token
from services.common.db import current_database
from services.common.inputs import parse_id
from services.registry.models import Household, HouseholdWelfare, Instrument, SurveyCampaign, SurveyResponse
from services.registry.surveys.instruments import active_instrument
from services.registry.surveys.responses import ResponseInvalid, household_by_kk, record_response
from services.registry.surveys.scoring import rescore_household_desa

survey_api = Blueprint("survey_api", __name__, url_prefix="/api/survey")
require_service_token(survey_api)


def _instrument(instrument: Instrument) -> dict:
    return {
        "id": instrument.id, "code": instrument.code, "version": instrument.version, "name": instrument.name,
        "purpose": instrument.purpose, "active": instrument.active, "form_id": instrument.form_id,
        "scoring": instrument.scoring,
        "questions": [{"code": q.code, "group": q.group, "text": q.text, "answer_type": q.answer_type,
                       "required": q.required, "choices": q.choices, "weight": float(q.weight or 0),
                       "criterion": q.criterion} for q in instrument.questions],
    }


def _response(response: SurveyResponse) -> dict:
    return {
        "id": response.id, "household_id": response.household_id, "instrument": response.instrument.code,
        "version": response.instrument.version, "campaign_id": response.campaign_id, "source": response.source,
        "collected_at": response.collected_at.isoformat(), "answers": response.answers,
        "score": float(response.score) if response.score is not None else None, "explanation": response.explanation,
        "created_by": response.created_by,
    }


def welfare_json(welfare: HouseholdWelfare | None) -> dict | None:
    if welfare is None:
        return None
    return {"score": float(welfare.score) if welfare.score is not None else None, "rank": welfare.rank,
            "band": welfare.band, "explanation": welfare.explanation, "instrument": welfare.instrument_code,
            "response_id": welfare.response_id, "dtsen_desil": welfare.dtsen_desil}


def _bad(errors: dict[str, str]):
    return jsonify({"error": "Jawaban survei tidak sah", "errors": errors}), 400


@survey_api.get("/instruments")
def instruments():
    session = current_database().session
    rows = session.scalars(select(Instrument).options(selectinload(Instrument.questions))
                           .order_by(Instrument.code, Instrument.version))
    only_active = request.args.get("active") == "1"
    return jsonify({"instruments": [_instrument(i) for i in rows if i.active or not only_active]})


def _parse_time(value) -> datetime | None:
    if value in (None, ""):
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


@survey_api.post("/responses")
def submit():
    """Body: {no_kk | household_id, instrument (code), answers {code: value}, collected_at?, campaign_id?,
    submission_key?, actor?}. 201 with the scored response; 200 with the stored one for a repeated key."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _bad({"body": "badan permintaan harus objek JSON"})
    session = current_database().session
    errors: dict[str, str] = {}
    household = None
    if body.get("household_id") is not None:
        household_id = parse_id(body["household_id"])
        household = session.get(Household, household_id) if household_id is not None else None
    elif body.get("no_kk"):
        household = household_by_kk(session, str(body["no_kk"]))
    if household is None:
        errors["no_kk"] = "keluarga tidak ditemukan (isi no_kk atau household_id yang ada)"
    instrument = active_instrument(session, str(body.get("instrument") or ""))
    if instrument is None:
        errors["instrument"] = f"instrumen aktif '{body.get('instrument') or ''}' tidak ada"
    answers = body.get("answers")
    if not isinstance(answers, dict):
        errors["answers"] = "harus objek {kode pertanyaan: jawaban}"
    campaign = None
    if body.get("campaign_id") is not None:
        campaign_id = parse_id(body["campaign_id"])
        campaign = session.get(SurveyCampaign, campaign_id) if campaign_id is not None else None
        if campaign is None:
            errors["campaign_id"] = "kampanye survei tidak ditemukan"
    try:
        collected_at = _parse_time(body.get("collected_at"))
    except ValueError:
        errors["collected_at"] = "format waktu harus ISO 8601, mis. 2026-03-01T09:30:00+07:00"
    if errors:
        return _bad(errors)
    key = str(body["submission_key"]) if body.get("submission_key") else None
    try:
        response, created = record_response(
            session, instrument=instrument, household=household, answers=answers, source="api",
            actor=str(body.get("actor") or "api"), campaign=campaign, collected_at=collected_at, submission_key=key)
        session.commit()
    except ResponseInvalid as exc:
        session.rollback()
        return _bad(exc.errors)
    except IntegrityError:  # the same key sent twice at once: the other request stored it
        session.rollback()
        return jsonify({"error": "Kiriman dengan submission_key ini sedang/sudah disimpan"}), 409
    if created and instrument.purpose == "kesejahteraan":
        rescore_household_desa(session, household, actor=str(body.get("actor") or "api"))
    return jsonify(_response(response)), 201 if created else 200


@survey_api.get("/households/<int:household_id>")
def household_surveys(household_id: int):
    session = current_database().session
    household = session.get(Household, household_id)
    if household is None:
        return jsonify({"error": "Keluarga tidak ditemukan"}), 404
    responses = session.scalars(
        select(SurveyResponse).where(SurveyResponse.household_id == household_id)
        .options(selectinload(SurveyResponse.instrument))
        .order_by(SurveyResponse.collected_at.desc(), SurveyResponse.id.desc())
    ).all()
    return jsonify({"household_id": household.id, "no_kk": household.no_kk,
                    "welfare": welfare_json(session.get(HouseholdWelfare, household_id)),
                    "responses": [_response(r) for r in responses]})
