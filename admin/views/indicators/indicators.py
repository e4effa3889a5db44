"""Indikator: definitions (CRUD for village staff), the dashboard with each indicator's trend against its
target, the evaluation page per programme, and the one-time satisfaction codes (handed out, sent by SMS).

Partners see only the indicators and evaluations of their own programmes, with masked NIKs."""
from __future__ import annotations

import json
from decimal import Decimal

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import func, select
from wtforms import TextAreaField

from admin.extensions import celery_app, db_session
from admin.scoping import can_see_programme, is_partner, nik_for_viewer, visible_programme_ids
from admin.views.distribution.forms import ActionForm
from admin.views.indicators.indicator_chart import trend_svg
from admin.views.programmes.programmes import _rupiah
from admin.views.system.audit import AuditedModelView
from services.common.contracts import send
from services.registry.indicators import codes as satisfaction
from services.registry.indicators.computations import COMPUTATION_LABELS
from services.registry.indicators.evaluation import evaluate
from services.registry.indicators.snapshots import IndicatorError, trend, validate_definition
from services.registry.models import (
    Cycle,
    Entitlement,
    Indicator,
    Programme,
    SatisfactionCode,
    Training,
    TrainingEnrolment,
)

PARAMS_HELP = ('JSON, contoh: {"bands": ["miskin"]} untuk cakupan termiskin, {"grace_days": 3} untuk ketepatan '
               "waktu; kosong = bawaan. Perhitungan: " + "; ".join(f"{k} = {v}" for k, v in COMPUTATION_LABELS.items()))


def fmt(value, unit: str = "") -> str:
    """A value as people read it: 1.234,5 with its unit, or a dash."""
    if value is None:
        return "—"
    if unit == "Rp":
        return _rupiah(value)
    text = f"{Decimal(value):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    text = text.rstrip("0").rstrip(",")
    return f"{text} {unit}".strip() if unit != "%" else f"{text}%"


class IndicatorView(AuditedModelView):
    datamodel = SQLAInterface(Indicator)
    class_permission_name = "IndicatorView"
    route_base = "/indicators"
    list_title, show_title = "Definisi Indikator", "Indikator"
    add_title, edit_title = "Tambah Indikator", "Ubah Indikator"
    list_columns = ["code", "name", "programme", "computation", "unit", "baseline", "target", "direction",
                    "granularity", "active"]
    show_columns = ["code", "name", "description", "programme", "computation", "parameters", "unit", "baseline",
                    "target", "direction", "granularity", "active"]
    add_columns = edit_columns = ["code", "name", "description", "programme", "computation", "params_text", "unit",
                                  "baseline", "target", "direction", "granularity", "active"]
    add_form_extra_fields = edit_form_extra_fields = {"params_text": TextAreaField("Parameter",
                                                                                   description=PARAMS_HELP)}
    search_columns = ["code", "name", "computation", "programme"]
    order_columns = ["code", "name"]
    base_order = ("id", "asc")
    description_columns = {"computation": ", ".join(COMPUTATION_LABELS), "direction": "naik atau turun",
                           "granularity": "bulan, triwulan atau tahun"}
    label_columns = {"code": "Kode", "name": "Nama", "description": "Definisi", "programme": "Program",
                     "computation": "Perhitungan", "parameters": "Parameter", "params_text": "Parameter",
                     "unit": "Satuan", "baseline": "Nilai awal", "target": "Target",
                     "direction": "Arah (naik/turun)", "granularity": "Periode", "active": "Aktif"}

    def _check(self, item):
        text = (request.form.get("params_text") or "").strip()
        try:
            item.parameters = json.loads(text) if text else {}
        except json.JSONDecodeError as exc:
            raise ValueError(f"Parameter bukan JSON yang sah: {exc.msg}") from None
        try:
            validate_definition(item)
        except IndicatorError as exc:
            raise ValueError(str(exc)) from None

    def pre_add(self, item):
        self._check(item)

    def pre_update(self, item):
        self._check(item)
        super().pre_update(item)

    def prefill_form(self, form, pk):
        item = db_session().get(Indicator, pk)
        form.params_text.data = json.dumps(item.parameters, ensure_ascii=False) if item and item.parameters else ""


def _visible_indicators(session) -> list[Indicator]:
    query = select(Indicator).where(Indicator.active.is_(True)).order_by(Indicator.programme_id.is_not(None),
                                                                         Indicator.programme_id, Indicator.id)
    ids = visible_programme_ids()
    if ids is not None:  # partners: their programmes' indicators only, never the village-wide ones
        query = query.where(Indicator.programme_id.in_(sorted(ids)))
    return list(session.scalars(query))


class IndicatorDashboardView(BaseView):
    route_base = "/indicator-dashboard"
    class_permission_name = "IndicatorDashboardView"
    default_view = "index"
    method_permission_name = {"index": "list", "evaluation": "evaluate", "compute": "compute"}

    @expose("/")
    @has_access
    def index(self):
        session = db_session()
        cards = []
        for indicator in _visible_indicators(session):
            values = trend(session, indicator.id)
            latest = values[-1] if values else None
            reached = indicator.reached(latest.value) if latest else None
            cards.append({"indicator": indicator, "latest": latest, "reached": reached,
                          "chart": trend_svg([(v.period, v.value) for v in values], indicator.target,
                                             indicator.baseline, indicator.name)})
        programmes = session.scalars(select(Programme).order_by(Programme.code)).all()
        programmes = [p for p in programmes if can_see_programme(p.id)]
        return self.render_template("admin/indicators_dashboard.html", cards=cards, programmes=programmes, fmt=fmt,
                                    action_form=ActionForm(), can_compute=not is_partner()
                                    and self.appbuilder.sm.has_access("can_compute", self.class_permission_name))

    @expose("/compute", methods=["POST"])
    @has_access
    def compute(self):
        if ActionForm().validate_on_submit():
            period = (request.form.get("period") or "").strip() or None
            payload = {"force": bool(request.form.get("force")), "requested_by": g.user.username}
            if period:
                payload["period"] = period
            try:
                send(celery_app(), "registry.compute_indicators", payload)
                flash("Perhitungan indikator dikirim ke layanan registri; muat ulang halaman sebentar lagi.", "info")
            except ValueError as exc:
                flash(f"Periode tidak sah (tulis TAHUN-BULAN, mis. 2026-03): {exc}", "danger")
        return redirect(url_for("IndicatorDashboardView.index"))

    @expose("/evaluation/<int:programme_id>")
    @has_access
    def evaluation(self, programme_id: int):
        if not can_see_programme(programme_id):
            abort(404)
        result = evaluate(db_session(), programme_id)
        if result is None:
            abort(404)
        rows = [{**row, "nik": nik_for_viewer(row.get("nik"))} for row in result.rows]
        return self.render_template("admin/indicators_evaluation.html", ev=result, rows=rows, fmt=fmt)


class SatisfactionCodeView(BaseView):
    """Codes per cycle (households that received) and per training (participants who completed)."""

    route_base = "/satisfaction-codes"
    class_permission_name = "SatisfactionCodeView"
    default_view = "index"
    method_permission_name = {"index": "list", "issue_cycle": "issue", "issue_training": "issue",
                              "send_cycle": "send", "send_training": "send"}

    @expose("/")
    @has_access
    def index(self):
        session = db_session()
        issued = func.count(SatisfactionCode.id)
        used = func.count(SatisfactionCode.used_at)
        code_counts = {(c, t): (n, u) for c, t, n, u in session.execute(
            select(SatisfactionCode.cycle_id, SatisfactionCode.training_id, issued, used)
            .group_by(SatisfactionCode.cycle_id, SatisfactionCode.training_id))}
        delivered = dict(session.execute(select(Entitlement.cycle_id, func.count()).where(
            Entitlement.status == "disalurkan").group_by(Entitlement.cycle_id)).all())
        cycles = [(c, delivered.get(c.id, 0), *code_counts.get((c.id, None), (0, 0))) for c in session.scalars(
            select(Cycle).where(Cycle.status.in_(("disetujui", "selesai"))).order_by(Cycle.id.desc()))]
        completed = dict(session.execute(select(TrainingEnrolment.training_id, func.count()).where(
            TrainingEnrolment.status == "selesai").group_by(TrainingEnrolment.training_id)).all())
        trainings = [(t, completed.get(t.id, 0), *code_counts.get((None, t.id), (0, 0)))
                     for t in session.scalars(select(Training).order_by(Training.id.desc())) if completed.get(t.id)]
        return self.render_template("admin/satisfaction_codes.html", cycles=cycles, trainings=trainings,
                                    action_form=ActionForm(), form_url=current_app.config["PUBLIC_SURVEY_URL"])

    def _issue(self, **target):
        if ActionForm().validate_on_submit():
            session = db_session()
            try:
                count = (satisfaction.issue_for_cycle(session, target["cycle_id"], g.user.username)
                         if "cycle_id" in target else
                         satisfaction.issue_for_training(session, target["training_id"], g.user.username))
                session.commit()
                flash(f"{count} kode survei baru diterbitkan.", "success")
            except satisfaction.CodeError as exc:
                session.rollback()
                flash(str(exc), "danger")
        return redirect(url_for("SatisfactionCodeView.index"))

    def _send(self, **target):
        if ActionForm().validate_on_submit():
            session = db_session()
            exists = session.get(Cycle if "cycle_id" in target else Training,
                                 target.get("cycle_id") or target.get("training_id"))
            if exists is None:
                flash("Siklus atau pelatihan tidak ditemukan.", "danger")
            else:
                key, count = satisfaction.send_codes(celery_app(), session, current_app.config["PUBLIC_SURVEY_URL"],
                                                     g.user.username, **target)
                session.commit()  # the campaign's outbox rows
                flash(f"{count} kode dikirim lewat SMS (kampanye {key}); lihat Layanan > Kampanye SMS.", "success")
        return redirect(url_for("SatisfactionCodeView.index"))

    @expose("/cycle/<int:cycle_id>/issue", methods=["POST"])
    @has_access
    def issue_cycle(self, cycle_id: int):
        return self._issue(cycle_id=cycle_id)

    @expose("/training/<int:training_id>/issue", methods=["POST"])
    @has_access
    def issue_training(self, training_id: int):
        return self._issue(training_id=training_id)

    @expose("/cycle/<int:cycle_id>/send", methods=["POST"])
    @has_access
    def send_cycle(self, cycle_id: int):
        return self._send(cycle_id=cycle_id)

    @expose("/training/<int:training_id>/send", methods=["POST"])
    @has_access
    def send_training(self, training_id: int):
        return self._send(training_id=training_id)
