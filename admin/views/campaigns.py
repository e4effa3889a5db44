"""Kampanye SMS: send a programme's recipients a templated SMS and follow the delivery counts."""
from __future__ import annotations

import re
import uuid
from datetime import datetime

from flask import abort, current_app, flash, g, jsonify, redirect, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select

from services.common.contracts import send
from services.registry.models import Programme

from ..extensions import celery_app, db_session
from ..forms import CampaignForm
from ..service_api import NotFound, ServiceUnavailable, notifications_api

CAMPAIGN_KEY = re.compile(r"^[A-Za-z0-9_-]{1,200}$")
COUNT_KEYS = ("queued", "sending", "sent", "failed", "skipped")


def programme_choices() -> list[tuple[int, str]]:
    programmes = db_session().scalars(select(Programme).order_by(Programme.code)).all()
    return [(p.id, f"{p.code} - {p.name}") for p in programmes]


def send_campaign(programme: Programme, template: str, requested_by: str) -> tuple[str, int, int]:
    """Send one ``notifications.send_batch`` per batch of recipients; returns (key, recipients, batches)."""
    from services.registry.audiences import count_programme_recipients, programme_recipient_batches

    batch_size = current_app.config["CAMPAIGN_BATCH_SIZE"]
    # Counted first so every payload carries the total while the batches stream with flat memory.
    total = count_programme_recipients(db_session(), programme.id)
    key = uuid.uuid4().hex
    if total == 0:
        return key, 0, 0
    name = f"{programme.name} {datetime.now():%d-%m-%Y %H:%M}"
    source = {"programme_id": programme.id, "requested_by": requested_by}
    sent = batches = 0
    for batch_no, batch in enumerate(programme_recipient_batches(db_session(), programme.id, batch_size=batch_size)):
        payload = {"campaign_key": key, "name": name, "channel": "sms", "template": template, "total": total,
                   "batch_no": batch_no, "source": source, "recipients": batch}
        send(celery_app(), "notifications.send_batch", payload)
        sent += len(batch)
        batches += 1
    return key, sent, batches


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
        if form.validate_on_submit():
            programme = db_session().get(Programme, form.programme_id.data)
            if programme is None:
                abort(404)
            key, total, batches = send_campaign(programme, form.template.data, g.user.username)
            if total == 0:
                flash(f"Program {programme.name} belum punya penerima: tidak ada SMS yang dikirim.", "warning")
                return self.render_template("admin/campaigns_new.html", form=form)
            flash(f"{total} SMS diantrekan dalam {batches} kelompok.", "info")
            return redirect(url_for("CampaignView.show", key=key))
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
        return self.render_template("admin/campaigns_new.html", form=form)

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
