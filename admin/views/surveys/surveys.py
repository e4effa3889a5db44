"""Survei: fast keyboard entry per household, instruments, responses, and the welfare standing.

Operator Desa and Admin enter surveys; the Auditor reads; partners see none of it (admin/roles.py).
Every entry goes through services.registry.surveys.responses (the same validation, scoring and audit
as the API, Kobo import and OpenRosa)."""
from __future__ import annotations

import uuid

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from admin.extensions import celery_app, db_session
from admin.views.base import BansosModelView
from admin.views.system.audit import AuditedModelView
from services.common.contracts import send
from services.registry.models import Household, HouseholdWelfare, Instrument, SurveyCampaign, SurveyResponse
from services.registry.surveys.instruments import active_instrument
from services.registry.surveys.responses import ResponseInvalid, record_response
from services.registry.surveys.scoring import rescore_household_desa

BAND_LABELS = {"miskin": "Miskin", "rentan": "Rentan", "tidak_miskin": "Tidak miskin"}


def band_label(band: str | None) -> str:
    if band is None:
        return "-"
    return BAND_LABELS.get(band, f"Desil {band}")


def explanation_text(explanation: dict | None) -> str:
    """"9 kriteria terpenuhi, skor 9 (ambang 9): k01_luas_lantai, ..." for lists."""
    if not explanation:
        return "-"
    codes = ", ".join(item["code"] for item in explanation.get("counted", []))
    return f"{explanation.get('summary', '')}: {codes}" if codes else explanation.get("summary", "-")


class CsrfForm(FlaskForm):
    """No fields of its own: the survey form's questions come from the instrument; this adds the CSRF check."""


class _ReadOnlyView(BansosModelView):
    base_permissions = ["can_list", "can_show"]


class InstrumentView(_ReadOnlyView):
    datamodel = SQLAInterface(Instrument)
    class_permission_name = "InstrumentView"
    route_base = "/survey-instruments"
    list_title = show_title = "Instrumen Survei"
    list_columns = ["code", "version", "name", "purpose", "active"]
    show_columns = ["code", "version", "name", "description", "purpose", "active", "scoring", "questions"]
    search_columns = ["code", "name"]
    base_order = ("code", "asc")
    label_columns = {"code": "Kode", "version": "Versi", "name": "Nama", "description": "Keterangan",
                     "purpose": "Kegunaan", "active": "Aktif", "scoring": "Aturan skor", "questions": "Pertanyaan"}
    formatters_columns = {"active": lambda flag: "Ya" if flag else "Tidak"}


class SurveyResponseView(_ReadOnlyView):
    datamodel = SQLAInterface(SurveyResponse)
    class_permission_name = "SurveyResponseView"
    route_base = "/survey-responses"
    list_title = show_title = "Respons Survei"
    list_columns = ["household", "instrument", "collected_at", "source", "score", "enumerator", "created_by"]
    show_columns = ["household", "instrument", "campaign", "enumerator", "collected_at", "source", "score",
                    "answers", "explanation", "created_by", "created_at"]
    search_columns = ["instrument", "source"]  # not household: its filter dropdown would load every KK
    order_columns = ["collected_at", "score"]
    base_order = ("collected_at", "desc")
    label_columns = {"household": "No. KK", "instrument": "Instrumen", "campaign": "Kampanye",
                     "enumerator": "Pencacah", "collected_at": "Waktu pendataan", "source": "Sumber",
                     "score": "Skor", "answers": "Jawaban", "explanation": "Penjelasan", "created_by": "Dicatat oleh",
                     "created_at": "Dicatat pada"}


class WelfareView(_ReadOnlyView):
    """Score, rank and band per household (also shown on each household's page)."""

    datamodel = SQLAInterface(HouseholdWelfare)
    class_permission_name = "WelfareView"
    route_base = "/welfare"
    list_title = show_title = "Kesejahteraan Keluarga"
    list_columns = ["household", "score", "rank", "band", "explanation", "dtsen_desil", "instrument_code",
                    "scored_at"]
    show_columns = list_columns
    search_columns = ["band", "dtsen_desil", "instrument_code"]
    order_columns = ["score", "rank", "dtsen_desil"]
    base_order = ("rank", "asc")
    label_columns = {"household": "No. KK", "score": "Skor", "rank": "Peringkat di desa", "band": "Kelompok",
                     "explanation": "Penjelasan", "dtsen_desil": "Desil DTSEN", "instrument_code": "Instrumen",
                     "scored_at": "Dinilai pada"}
    formatters_columns = {"band": band_label, "explanation": lambda e: explanation_text(e)}


class SurveyCampaignView(AuditedModelView):
    """Which households (region), which enumerators, which period; enumerators: Registri > Pencacah or the CLI."""

    datamodel = SQLAInterface(SurveyCampaign)
    class_permission_name = "SurveyCampaignView"
    route_base = "/survey-campaigns"
    list_title = show_title = "Kampanye Survei"
    add_title = "Tambah Kampanye Survei"
    edit_title = "Ubah Kampanye Survei"
    list_columns = ["name", "instrument", "desa", "dusun", "starts_on", "ends_on", "status"]
    show_columns = ["name", "instrument", "desa", "dusun", "rw", "rt", "starts_on", "ends_on", "status",
                    "enumerators"]
    add_columns = edit_columns = show_columns
    search_columns = ["name", "desa", "dusun", "status"]
    base_order = ("id", "desc")
    label_columns = {"name": "Nama", "instrument": "Instrumen", "desa": "Desa", "dusun": "Dusun (kosong: semua)",
                     "rw": "RW", "rt": "RT", "starts_on": "Mulai", "ends_on": "Selesai", "status": "Status",
                     "enumerators": "Pencacah"}


class SurveyView(BaseView):
    """Entri survei: one screen per household, questions in tab order, Enter saves."""

    route_base = "/surveys"
    class_permission_name = "SurveyView"
    default_view = "index"
    method_permission_name = {"index": "list", "find": "list", "household": "show", "entry": "add",
                              "rescore": "rescore"}

    @expose("/")
    @has_access
    def index(self):
        session = db_session()
        instruments = session.scalars(select(Instrument).where(Instrument.active).order_by(Instrument.code)).all()
        recent = session.scalars(select(SurveyResponse).options(
            selectinload(SurveyResponse.household), selectinload(SurveyResponse.instrument))
            .order_by(SurveyResponse.id.desc()).limit(50)).all()
        return self.render_template("admin/surveys_index.html", instruments=instruments, recent=recent,
                                    form=CsrfForm())

    @expose("/find")
    @has_access
    def find(self):
        kk = (request.args.get("kk") or "").strip()
        household = db_session().execute(select(Household).where(Household.no_kk == kk)).scalar_one_or_none()
        if household is None:
            flash(f"Keluarga dengan No. KK '{kk}' tidak ditemukan", "danger")
            return redirect(url_for("SurveyView.index"))
        target = "SurveyView.entry" if request.args.get("instrument") else "SurveyView.household"
        return redirect(url_for(target, household_id=household.id, instrument=request.args.get("instrument")))

    def _household(self, household_id: int) -> Household:
        household = db_session().get(Household, household_id)
        if household is None:
            abort(404)
        return household

    def _history(self, household: Household) -> dict:
        session = db_session()
        responses = session.scalars(select(SurveyResponse).where(SurveyResponse.household_id == household.id)
                                    .options(selectinload(SurveyResponse.instrument))
                                    .order_by(SurveyResponse.collected_at.desc(), SurveyResponse.id.desc())).all()
        welfare = session.get(HouseholdWelfare, household.id)
        scored = session.get(SurveyResponse, welfare.response_id) if welfare and welfare.response_id else None
        texts = {q.code: q.text for q in scored.instrument.questions} if scored else {}
        return {"household": household, "responses": responses, "band_label": band_label, "welfare": welfare,
                "criteria_texts": texts, "can_enter": self.appbuilder.sm.has_access("can_add", "SurveyView")}

    @expose("/household/<int:household_id>")
    @has_access
    def household(self, household_id: int):
        household = self._household(household_id)
        instruments = db_session().scalars(select(Instrument).where(Instrument.active)
                                           .order_by(Instrument.code)).all()
        return self.render_template("admin/surveys_household.html", instruments=instruments,
                                    **self._history(household))

    @expose("/entry/<int:household_id>", methods=["GET", "POST"])
    @has_access
    def entry(self, household_id: int):
        session = db_session()
        household = self._household(household_id)
        instrument = active_instrument(session, request.values.get("instrument") or "BPS14")
        if instrument is None:
            flash("Instrumen aktif tidak ditemukan", "danger")
            return redirect(url_for("SurveyView.index"))
        values, errors, form = {}, {}, CsrfForm()
        if request.method == "POST" and not form.validate_on_submit():
            flash("Formulir kedaluwarsa (token keamanan); jawaban belum tersimpan, kirim ulang", "danger")
            values = {q.code: request.form.get(q.code, "") for q in instrument.questions}
        elif request.method == "POST":
            values = {q.code: request.form.get(q.code, "") for q in instrument.questions}
            actor = getattr(g.user, "username", None) or "admin"
            try:
                response, _ = record_response(session, instrument=instrument, household=household, answers=values,
                                              source="admin", actor=actor)
                session.commit()
            except ResponseInvalid as exc:
                session.rollback()
                errors = exc.errors
                flash(f"Survei belum tersimpan: {len(errors)} jawaban perlu diperbaiki", "danger")
            else:
                if instrument.purpose == "kesejahteraan":
                    rescore_household_desa(session, household, actor=actor)
                flash(f"Survei KK {household.no_kk} tersimpan (skor {float(response.score):g})", "success")
                following = session.scalars(select(Household.id).where(Household.id > household.id)
                                            .order_by(Household.id).limit(1)).first()
                if request.form.get("next") and following:
                    return redirect(url_for("SurveyView.entry", household_id=following, instrument=instrument.code))
                return redirect(url_for("SurveyView.household", household_id=household.id))
        return self.render_template("admin/surveys_entry.html", instrument=instrument, values=values,
                                    errors=errors, form=form, **self._history(household))

    @expose("/rescore", methods=["POST"])
    @has_access
    def rescore(self):
        if not CsrfForm().validate_on_submit():
            flash("Formulir kedaluwarsa (token keamanan); ulangi", "danger")
            return redirect(url_for("SurveyView.index"))
        actor = getattr(g.user, "username", None) or "admin"
        send(celery_app(), "registry.rescore", {"rescore_key": f"admin-{uuid.uuid4().hex}", "requested_by": actor})
        flash("Penilaian ulang seluruh keluarga sedang dikerjakan di latar belakang", "info")
        return redirect(url_for("SurveyView.index"))
