"""OpenRosa endpoints for ODK Collect: form list, XForm download and submissions (enumerators log in with
HTTP Digest, or Basic over HTTPS: openrosa_auth.py).

Collect's server URL is ``<registry>/openrosa``. Answers follow the OpenRosa 1.0 APIs: every response
carries ``X-OpenRosa-Version: 1.0``; a stored submission answers 201, a repeated instanceID 202 (not
stored twice), an unreadable or invalid one 400, each with an OpenRosaResponse message."""
from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response, g, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.common.db import current_database
from services.registry.models import Enumerator, Instrument, SurveyCampaign
from services.registry.surveys.instruments import instrument_by_form_id
from services.registry.surveys.responses import (
    ResponseInvalid,
    campaign_problems,
    existing_submission,
    household_by_kk,
    record_response,
)
from services.registry.surveys.scoring import rescore_household_desa
from services.registry.surveys.xform import SubmissionError, md5_hash, parse_submission, xform_xml
from services.registry.web.openrosa_auth import authenticate, challenges

openrosa = Blueprint("openrosa", __name__, url_prefix="/openrosa")
MAX_SUBMISSION = 10 * 1024 * 1024
XML = "text/xml; charset=utf-8"


def _reply(body: str, status: int, content_type: str = XML) -> Response:
    response = Response(body, status=status, content_type=content_type)
    response.headers["X-OpenRosa-Version"] = "1.0"
    return response


def _message(text: str, status: int, nature: str = "") -> Response:
    body = ('<OpenRosaResponse xmlns="http://openrosa.org/http/response">'
            f'<message nature="{nature}">{escape(text)}</message></OpenRosaResponse>')
    return _reply(body, status)


@openrosa.before_request
def _authenticate():
    result = authenticate(current_database().session)
    if result.enumerator is None:
        response = _message(result.message, 401, "error")
        for challenge in challenges(stale=result.stale):
            response.headers.add("WWW-Authenticate", challenge)
        return response
    g.enumerator = result.enumerator
    return None


@openrosa.get("/formList")
def form_list():
    session = current_database().session
    items = []
    for instrument in session.scalars(select(Instrument).where(Instrument.active).order_by(Instrument.code)):
        xml = xform_xml(instrument)
        url = url_for("openrosa.form_download", form_id=instrument.form_id, _external=True)
        items.append(
            f"<xform><formID>{escape(instrument.form_id)}</formID><name>{escape(instrument.name)}</name>"
            f"<version>{instrument.version}</version><hash>{md5_hash(xml)}</hash>"
            f"<downloadUrl>{escape(url)}</downloadUrl></xform>")
    return _reply('<?xml version="1.0" encoding="UTF-8"?>'
                  f'<xforms xmlns="http://openrosa.org/xforms/xformsList">{"".join(items)}</xforms>', 200)


@openrosa.get("/forms/<form_id>.xml")
def form_download(form_id: str):
    instrument = instrument_by_form_id(current_database().session, form_id)
    if instrument is None:
        return _message(f"Formulir {form_id} tidak ditemukan", 404, "error")
    return _reply(xform_xml(instrument), 200)


@openrosa.route("/submission", methods=["HEAD"])
def submission_head():
    response = _reply("", 204)
    response.headers["X-OpenRosa-Accept-Content-Length"] = str(MAX_SUBMISSION)
    return response


def _campaign_for(session, enumerator: Enumerator, instrument: Instrument, household) -> SurveyCampaign | None:
    """The enumerator's active campaign of this instrument that covers the household, if any (never a reason
    to refuse a field submission)."""
    campaigns = session.execute(
        select(SurveyCampaign).where(SurveyCampaign.instrument_id == instrument.id, SurveyCampaign.status == "aktif",
                                     SurveyCampaign.enumerators.any(Enumerator.id == enumerator.id))
        .order_by(SurveyCampaign.id.desc())
    ).scalars()
    return next((c for c in campaigns if not campaign_problems(c, instrument, household)), None)


@openrosa.post("/submission")
def submission():
    if (request.content_length or 0) > MAX_SUBMISSION:
        return _message("Kiriman terlalu besar", 413, "error")
    upload = request.files.get("xml_submission_file")
    if upload is None:
        return _message("Bagian xml_submission_file tidak ada pada kiriman multipart", 400, "error")
    session = current_database().session
    try:
        form_id, instance_id, kk, fields = parse_submission(upload.read())
    except SubmissionError as exc:
        return _message(str(exc), 400, "error")
    key = f"uuid:{instance_id.removeprefix('uuid:')}" if instance_id else None
    if existing_submission(session, key) is not None:
        return _message("Kiriman ini sudah diterima sebelumnya (tidak disimpan dua kali)", 202, "submit_success")
    instrument = instrument_by_form_id(session, form_id)
    if instrument is None:
        return _message(f"Formulir {form_id} tidak dikenal", 400, "error")
    household = household_by_kk(session, kk) if kk else None
    if household is None:
        return _message(f"no_kk: keluarga dengan KK '{kk}' tidak ada di registri", 400, "error")
    enumerator = g.enumerator
    try:
        response, _ = record_response(
            session, instrument=instrument, household=household, answers=fields, source="openrosa",
            actor=f"pencacah:{enumerator.username}", enumerator=enumerator,
            campaign=_campaign_for(session, enumerator, instrument, household), submission_key=key)
        session.commit()
    except IntegrityError:  # the phone re-sent while the first copy was being stored
        session.rollback()
        return _message("Kiriman ini sudah diterima sebelumnya (tidak disimpan dua kali)", 202, "submit_success")
    except ResponseInvalid as exc:
        session.rollback()
        return _message("Kiriman ditolak: " + "; ".join(f"{k}: {v}" for k, v in exc.errors.items()), 400, "error")
    if instrument.purpose == "kesejahteraan":
        rescore_household_desa(session, household, actor=f"pencacah:{enumerator.username}")
    return _message(f"Terima kasih, survei KK {kk} tersimpan (nomor {response.id})", 201, "submit_success")
