"""Laporan: request a programme's recipient list and download its artifacts through the admin."""
from __future__ import annotations

import uuid

from flask import Response, abort, flash, g, jsonify, redirect, request, stream_with_context, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select

from services.common.contracts import send
from services.registry.models import Programme

from ..extensions import celery_app, db_session
from ..forms import ProgrammeChoiceForm
from ..scoping import can_see_programme, visible_programme_ids
from ..service_api import NotFound, ServiceUnavailable, reports_api

PENDING_STATUSES = ("antre", "berjalan", "queued", "running", "pending")
PASSED_HEADERS = ("Content-Type", "Content-Length", "Content-Disposition")


def visible_programmes() -> list[Programme]:
    query = select(Programme).order_by(Programme.code)
    ids = visible_programme_ids()
    if ids is not None:
        query = query.where(Programme.id.in_(sorted(ids)))
    return list(db_session().scalars(query))


def still_pending(runs: list[dict], awaiting: str | None) -> bool:
    """A run is being built, or the one just requested has not reached the reports service yet."""
    if awaiting and awaiting not in {run.get("run_key") for run in runs}:
        return True
    return any(run.get("status") in PENDING_STATUSES for run in runs)


def visible_runs() -> list[dict]:
    """Runs from the reports API, restricted to programmes the user may see (asked and re-checked)."""
    ids = visible_programme_ids()
    if ids is not None and not ids:
        return []
    params = {"programme_id": sorted(ids)} if ids is not None else None
    runs = reports_api().get_json("/api/runs", params=params).get("runs", [])
    return [run for run in runs if can_see_programme(run.get("programme_id"))]


class ReportView(BaseView):
    route_base = "/reports"
    class_permission_name = "ReportView"
    default_view = "index"
    method_permission_name = {"index": "list", "runs": "runs", "request_report": "request",
                              "download": "download"}

    def _may_request(self) -> bool:
        return self.appbuilder.sm.has_access("can_request", self.class_permission_name)

    @expose("/")
    @has_access
    def index(self):
        programmes = visible_programmes()
        names = {p.id: p.name for p in programmes}
        form = ProgrammeChoiceForm()
        form.programme_id.choices = [(p.id, f"{p.code} - {p.name}") for p in programmes]
        error, runs = None, []
        try:
            runs = visible_runs()
        except ServiceUnavailable as exc:
            error = f"Daftar laporan tidak dapat dimuat: {exc}"
        awaiting = request.args.get("menunggu")
        return self.render_template("admin/reports.html", form=form, runs=runs, names=names, error=error,
                                    pending=still_pending(runs, awaiting), awaiting=awaiting,
                                    may_request=self._may_request())

    @expose("/runs.json")
    @has_access
    def runs(self):
        try:
            runs = visible_runs()
        except ServiceUnavailable as exc:
            return jsonify({"error": str(exc)}), 503
        return jsonify({"runs": runs, "pending": still_pending(runs, request.args.get("menunggu"))})

    @expose("/request", methods=["POST"])
    @has_access
    def request_report(self):
        form = ProgrammeChoiceForm()
        form.programme_id.choices = [(p.id, p.name) for p in visible_programmes()]
        if not form.validate_on_submit():
            flash("Pilih program yang ada untuk laporan.", "danger")
            return redirect(url_for("ReportView.index"))
        payload = {
            "run_key": f"admin-{uuid.uuid4().hex}",
            "report": "programme_recipients",
            "params": {"programme_id": form.programme_id.data},
            "formats": ["pdf", "xlsx"],
            "requested_by": g.user.username,
        }
        send(celery_app(), "reports.generate", payload)
        flash("Permintaan laporan dikirim; tabel di bawah diperbarui otomatis.", "info")
        # The run appears only once the reports worker takes the task: the page waits for this key.
        return redirect(url_for("ReportView.index", menunggu=payload["run_key"]))

    @expose("/artifacts/<int:artifact_id>/download")
    @has_access
    def download(self, artifact_id: int):
        api = reports_api()
        try:
            meta = api.get_json(f"/api/artifacts/{artifact_id}")
            # Check before fetching: a partner must not even trigger the download of another's file.
            if not can_see_programme(meta.get("programme_id")):
                abort(404)
            upstream = api.stream(f"/api/artifacts/{artifact_id}/download")
        except NotFound:
            abort(404)
        except ServiceUnavailable:
            abort(502)
        headers = {name: upstream.headers[name] for name in PASSED_HEADERS if name in upstream.headers}

        def body():
            try:
                yield from upstream.iter_content(64 * 1024)
            finally:
                upstream.close()

        return Response(stream_with_context(body()), headers=headers)
