"""Kampanye: send an audience (programme, unpaid cycle, dusun/RT, welfare band, training, a list) a templated
SMS/WhatsApp/e-mail after a preview, now or scheduled, and follow the delivery counts."""
from __future__ import annotations

import re
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select

from admin.extensions import celery_app, db_session
from admin.forms import CampaignForm, flash_errors
from admin.service_api import NotFound, ServiceUnavailable, notifications_api
from services.registry.core.models.areas import CURRENT_AREA
from services.registry.models import Area, Cycle, Programme, Training

CAMPAIGN_KEY = re.compile(r"^[A-Za-z0-9_-]{1,200}$")
# missing: recipients of the campaign's total whose batch the notifications service has not stored yet.
COUNT_KEYS = ("queued", "sending", "sent", "delivered", "failed", "skipped", "opted_out", "unknown", "missing")


def programme_choices() -> list[tuple[int, str]]:
    programmes = db_session().scalars(select(Programme).order_by(Programme.code)).all()
    return [(p.id, f"{p.code} - {p.name}") for p in programmes]


def cycle_choices() -> list[tuple[int, str]]:
    cycles = db_session().execute(select(Cycle.id, Cycle.name, Programme.code).join(
        Programme, Cycle.programme_id == Programme.id).order_by(Cycle.id.desc())).all()
    return [(0, "-")] + [(cid, f"{code} - {name}") for cid, name, code in cycles]


def training_choices() -> list[tuple[int, str]]:
    trainings = db_session().scalars(select(Training).order_by(Training.id.desc())).all()
    return [(0, "-")] + [(t.id, f"{t.topic} ({t.status})") for t in trainings]


def area_choices() -> list[tuple[int, str]]:
    from services.registry.core.areas import desa_choices

    return [(0, "-")] + desa_choices(db_session())


def _audience_area(form: CampaignForm) -> int | None:
    """The desa of a dusun audience: chosen, else the user's own desa, else the only one they see."""
    if form.area_id.data:
        return form.area_id.data
    own = CURRENT_AREA.get()
    if own is not None and any(own == value for value, _label in form.area_id.choices):
        return own
    desa = [value for value, _label in form.area_id.choices if value]
    return desa[0] if len(desa) == 1 else None


def audience_params(form: CampaignForm) -> tuple[dict, str | None]:
    """The audience's parameters from the form, or the Indonesian reason they are incomplete."""
    audience = form.audience.data
    if audience == "programme":
        return ({"programme_id": form.programme_id.data}, None) if form.programme_id.data else ({}, "Pilih program")
    if audience == "cycle_unpaid":
        return ({"cycle_id": form.cycle_id.data}, None) if form.cycle_id.data else ({}, "Pilih siklus")
    if audience == "area":
        if not (form.dusun.data or "").strip():
            return {}, "Isi nama dusun"
        area_id = _audience_area(form)
        if area_id is None:
            return {}, "Pilih desa: nama dusun bisa sama di desa lain"
        return {"area_id": area_id, "dusun": form.dusun.data.strip(),
                "rt": (form.rt.data or "").strip() or None}, None
    if audience == "welfare_band":
        return ({"band": form.band.data.strip()}, None) if (form.band.data or "").strip() else ({}, "Isi kelompok")
    if audience == "training":
        return ({"training_id": form.training_id.data}, None) if form.training_id.data else ({}, "Pilih pelatihan")
    if not (form.entries.data or "").strip():
        return {}, "Isi daftar nomor HP atau NIK"
    return {"entries": form.entries.data}, None


def audience_name(audience: str, params: dict) -> str:
    if audience == "programme":
        programme = db_session().get(Programme, params["programme_id"])
        return programme.name if programme else "Program"
    if audience == "cycle_unpaid":
        cycle = db_session().get(Cycle, params["cycle_id"])
        return f"Belum dibayar: {cycle.name if cycle else params['cycle_id']}"
    if audience == "area":
        area = db_session().get(Area, params["area_id"])
        where = f" {area.title}" if area is not None else ""
        return f"Dusun {params['dusun']}" + (f" RT {params['rt']}" if params.get("rt") else "") + where
    if audience == "welfare_band":
        return f"Kelompok {params['band']}"
    if audience == "training":
        training = db_session().get(Training, params["training_id"])
        return f"Peserta pelatihan {training.topic if training else params['training_id']}"
    return "Daftar manual"


def send_campaign(audience: str, params: dict, template: str, channel: str, requested_by: str,
                  legally_required: bool = False, fallback_sms: bool = False, eta: datetime | None = None
                  ) -> tuple[str, int, int]:
    """Send one ``notifications.send_batch`` per batch of recipients; returns (key, recipients, batches)."""
    from services.registry.outreach.audiences import audience_batches, count_audience
    from services.registry.outreach.payloads import MAX_RECIPIENTS, send_batches

    batch_size = min(current_app.config["CAMPAIGN_BATCH_SIZE"], MAX_RECIPIENTS)
    # Counted first so every payload carries the total while the batches stream with flat memory.
    total = count_audience(db_session(), audience, params)
    key = uuid.uuid4().hex
    if total == 0:
        return key, 0, 0
    name = f"{audience_name(audience, params)} {datetime.now():%d-%m-%Y %H:%M}"
    source = {"audience": audience, **{k: v for k, v in params.items() if k != "entries"},
              "requested_by": requested_by}
    sent, batches = send_batches(
        celery_app(), audience_batches(db_session(), audience, params, batch_size=batch_size),
        session=db_session(), send_at=eta, campaign_key=key, name=name, channel=channel,
        template=template, total=total, source=source, legally_required=legally_required, fallback_sms=fallback_sms)
    db_session().commit()  # the outbox rows: the registry beat sends again a batch the broker lost
    return key, sent, batches


def template_problems(template: str, audience: str) -> list[str]:
    """Checked here before anything is queued: syntax, and only the variables this audience fills."""
    from services.common.templates import validate_template
    from services.registry.outreach.audiences import AUDIENCE_VARIABLES

    return validate_template(template, AUDIENCE_VARIABLES[audience])


def preview_campaign(audience: str, params: dict, template: str) -> dict:
    """Count, a few rendered samples with their SMS segments (rendered by notifications, as sent)."""
    from services.registry.outreach.audiences import AUDIENCE_VARIABLES, audience_batches, count_audience

    total = count_audience(db_session(), audience, params)
    first = next(iter(audience_batches(db_session(), audience, params, batch_size=3)), [])
    status, body = notifications_api().post_json("/api/preview", {
        "template": template, "allowed": sorted(AUDIENCE_VARIABLES[audience]),
        "samples": [r["vars"] for r in first]})
    samples = [{**sample, "phone": r["phone"]} for sample, r in zip(body.get("samples", []), first, strict=False)]
    return {"total": total, "problems": body.get("problems", []), "samples": samples,
            "segments": max((s["segments"] for s in samples), default=0)}


def _eta(form: CampaignForm) -> datetime | None:
    if not form.send_at.data:
        return None
    # Typed in village time (WIB); Celery wants an aware datetime.
    return form.send_at.data.replace(tzinfo=ZoneInfo("Asia/Jakarta"))


def campaign_status(key: str) -> dict:
    """The campaign as the notifications service knows it; all zero until its worker has seen it."""
    try:
        body = notifications_api().get_json(f"/api/campaigns/{key}")
    except NotFound:
        return {"key": key, "known": False, "counts": dict.fromkeys(COUNT_KEYS, 0), "messages": []}
    counts = {name: int((body.get("counts") or {}).get(name, 0)) for name in COUNT_KEYS}
    return {**body, "known": True, "counts": counts}


class CampaignView(BaseView):
    route_base = "/campaigns"
    class_permission_name = "CampaignView"
    default_view = "index"
    method_permission_name = {"index": "list", "new": "send", "show": "show", "status": "show"}

    @expose("/")
    @has_access
    def index(self):
        error = None
        campaigns = []
        try:
            campaigns = notifications_api().get_json("/api/campaigns").get("campaigns", [])
        except (ServiceUnavailable, NotFound) as exc:
            error = f"Daftar kampanye tidak dapat dimuat: {exc}"
        return self.render_template("admin/campaigns_list.html", campaigns=campaigns, error=error)

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        form = CampaignForm()
        form.programme_id.choices = programme_choices()
        form.cycle_id.choices = cycle_choices()
        form.training_id.choices = training_choices()
        form.area_id.choices = area_choices()
        preview = None
        if form.validate_on_submit():
            params, missing = audience_params(form)
            if missing:
                flash(missing, "danger")
                return self.render_template("admin/campaigns_new.html", form=form, preview=None)
            problems = template_problems(form.template.data, form.audience.data)
            for problem in problems:
                flash(problem, "danger")
            if problems:
                return self.render_template("admin/campaigns_new.html", form=form, preview=None)
            if request.form.get("action") == "preview":
                try:
                    preview = preview_campaign(form.audience.data, params, form.template.data)
                except ServiceUnavailable as exc:
                    flash(f"Contoh pesan tidak dapat dibuat: {exc}", "warning")
                return self.render_template("admin/campaigns_new.html", form=form, preview=preview)
            key, total, batches = send_campaign(
                form.audience.data, params, form.template.data, form.channel.data, g.user.username,
                legally_required=form.legally_required.data, fallback_sms=form.fallback_sms.data, eta=_eta(form))
            if total == 0:
                flash("Sasaran ini belum punya penerima: tidak ada pesan yang dikirim.", "warning")
                return self.render_template("admin/campaigns_new.html", form=form, preview=preview)
            when = f" untuk dikirim {form.send_at.data:%d-%m-%Y %H:%M} WIB" if form.send_at.data else ""
            flash(f"{total} pesan diantrekan dalam {batches} kelompok{when}.", "info")
            return redirect(url_for("CampaignView.show", key=key))
        flash_errors(form)
        return self.render_template("admin/campaigns_new.html", form=form, preview=preview)

    @expose("/<string:key>")
    @has_access
    def show(self, key: str):
        if not CAMPAIGN_KEY.match(key):
            abort(404)
        error = None
        try:
            status = campaign_status(key)
        except ServiceUnavailable as exc:
            status = {"key": key, "known": False, "counts": dict.fromkeys(COUNT_KEYS, 0), "messages": []}
            error = str(exc)
        return self.render_template("admin/campaigns_show.html", key=key, status=status, error=error)

    @expose("/<string:key>/status.json")
    @has_access
    def status(self, key: str):
        if not CAMPAIGN_KEY.match(key):
            abort(404)
        try:
            return jsonify(campaign_status(key))
        except ServiceUnavailable as exc:
            return jsonify({"error": str(exc)}), 503
