"""Laporan: request recipient lists and periodic reports, list runs, download artifacts, post to social pages.

Partner users (Mitra LSM/CSR) see their own partner reports and the recipient lists of their programmes,
never the village or kabupaten reports nor another partner's: the scope goes to the reports API on every
call (which answers 404 outside it) and is checked again here on what comes back."""
from __future__ import annotations

import uuid

from flask import Response, abort, current_app, flash, g, jsonify, redirect, request, stream_with_context, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select

from admin.extensions import celery_app, db_session
from admin.forms import REPORT_KINDS, ReportRequestForm, SocialPostForm
from admin.scoping import can_see_programme, is_partner, visible_programme_ids
from admin.service_api import NotFound, ServiceUnavailable, reports_api
from services.common.contracts import send
from services.registry.core.money import rupiah
from services.registry.core.periods import PERIOD_HINT, PERIOD_KIND, PeriodError, parse_period
from services.registry.models import Organisation, Programme

PENDING_STATUSES = ("antre", "berjalan", "queued", "running", "pending")
PASSED_HEADERS = ("Content-Type", "Content-Length", "Content-Disposition")
KIND_LABELS = dict(REPORT_KINDS)
SOCIAL_REPORT = "realisasi_bulanan"  # aggregates only: the one report that may go public


def visible_programmes() -> list[Programme]:
    query = select(Programme).order_by(Programme.code)
    ids = visible_programme_ids()
    if ids is not None:
        query = query.where(Programme.id.in_(sorted(ids)))
    return list(db_session().scalars(query))


def partner_organisations() -> list[Organisation]:
    return list(db_session().scalars(select(Organisation).where(Organisation.kind.in_(("lsm", "csr")))
                                     .order_by(Organisation.name)))


def scope_params() -> dict | None:
    """What the reports API must restrict to for this user (None: village staff and auditors see all)."""
    if not is_partner():
        return None
    return {"organisation_id": getattr(g.user, "organisation_id", None) or 0,
            "programme_id": sorted(visible_programme_ids() or [])}


def run_visible(run: dict) -> bool:
    """The second check, on what the API returned: a partner's own report or its programmes' lists."""
    if not is_partner():
        return True
    if run.get("report", "programme_recipients") == "programme_recipients":
        return can_see_programme(run.get("programme_id"))
    organisation_id = getattr(g.user, "organisation_id", None)
    return organisation_id is not None and run.get("organisation_id") == organisation_id


def still_pending(runs: list[dict], awaiting: str | None) -> bool:
    """A run is being built, or the one just requested has not reached the reports service yet."""
    if awaiting and awaiting not in {run.get("run_key") for run in runs}:
        return True
    return any(run.get("status") in PENDING_STATUSES for run in runs)


def visible_runs() -> list[dict]:
    scope = scope_params()
    if scope is not None and not scope["organisation_id"] and not scope["programme_id"]:
        return []  # a partner account without organisation or programmes sees nothing
    runs = reports_api().get_json("/api/runs", params=scope).get("runs", [])
    return [run for run in runs if run_visible(run)]


def public_base() -> str:
    cfg = current_app.config
    return (cfg.get("REPORTS_PUBLIC_BASE_URL") or cfg["REPORTS_API_URL"]).rstrip("/")


def social_text(run: dict) -> str:
    figures = run.get("figures") or {}
    values = {label: value for label, value, _kind in figures.get("summary", [])}

    def rp(value):
        return rupiah(value or 0)

    absorption = values.get("Serapan anggaran")
    parts = [f"Realisasi bantuan sosial desa {figures.get('period_label', run.get('period'))}:",
             f"tersalur {rp(values.get('Tersalur periode ini'))} kepada {values.get('Penerima periode ini (KK)', 0)} "
             "keluarga penerima",
             f"(total s.d. akhir bulan {rp(values.get('Tersalur s.d. akhir periode'))}"
             + (f", serapan anggaran {absorption:.1f}%".replace(".", ",") if absorption is not None else "") + ").",
             f"Rincian dan daftar penerima (tersamar): {public_base()}/publik/"]
    return " ".join(parts)


class ReportView(BaseView):
    route_base = "/reports"
    class_permission_name = "ReportView"
    default_view = "index"
    method_permission_name = {"index": "list", "runs": "runs", "request_report": "request",
                              "download": "download", "post_social": "post"}

    def _may(self, permission: str) -> bool:
        return self.appbuilder.sm.has_access(permission, self.class_permission_name)

    def _request_form(self) -> ReportRequestForm:
        form = ReportRequestForm()
        form.programme_id.choices = [(0, "-"), *((p.id, f"{p.code} - {p.name}") for p in visible_programmes())]
        form.organisation_id.choices = [(0, "-"), *((o.id, o.name) for o in partner_organisations())]
        return form

    @expose("/")
    @has_access
    def index(self):
        form = self._request_form()
        programmes = dict(form.programme_id.choices)
        organisations = {o.id: o.name for o in db_session().scalars(select(Organisation))}
        error, runs = None, []
        try:
            runs = visible_runs()
        except ServiceUnavailable as exc:
            error = f"Daftar laporan tidak dapat dimuat: {exc}"
        awaiting = request.args.get("menunggu")
        return self.render_template("admin/reports.html", form=form, runs=runs, names=programmes,
                                    organisations=organisations, kinds=KIND_LABELS, error=error,
                                    pending=still_pending(runs, awaiting), awaiting=awaiting,
                                    may_request=self._may("can_request"), may_post=self._may("can_post"),
                                    social_report=SOCIAL_REPORT, social_form=SocialPostForm(),
                                    hints=PERIOD_HINT, period_kind=PERIOD_KIND)

    @expose("/runs.json")
    @has_access
    def runs(self):
        try:
            runs = visible_runs()
        except ServiceUnavailable as exc:
            return jsonify({"error": str(exc)}), 503
        return jsonify({"runs": runs, "pending": still_pending(runs, request.args.get("menunggu"))})

    def _payload(self, form: ReportRequestForm) -> dict:
        """The reports.generate payload, or ValueError with the reason (Indonesian) the form was refused."""
        report = form.report.data
        if report == "programme_recipients":
            if not form.programme_id.data:
                raise ValueError("Pilih program yang ada untuk laporan.")
            params = {"programme_id": form.programme_id.data}
            if form.period.data:
                params["period"] = parse_period(form.period.data, "month").key
            formats = ["pdf", "xlsx"]
        else:
            params = {"period": parse_period(form.period.data, PERIOD_KIND[report]).key}
            if report == "mitra_triwulan":
                if not form.organisation_id.data:
                    raise ValueError("Pilih lembaga mitra untuk laporan triwulan mitra.")
                params["organisation_id"] = form.organisation_id.data
            formats = ["pdf", "xlsx", "csv"]
        return {"run_key": f"admin-{uuid.uuid4().hex}", "report": report, "params": params, "formats": formats,
                "requested_by": g.user.username}

    @expose("/request", methods=["POST"])
    @has_access
    def request_report(self):
        form = self._request_form()
        if not form.validate_on_submit():
            flash("Pilih jenis laporan, periode dan program/mitra yang ada.", "danger")
            return redirect(url_for("ReportView.index"))
        try:
            payload = self._payload(form)
        except (PeriodError, ValueError) as exc:
            flash(str(exc), "danger")
            return redirect(url_for("ReportView.index"))
        send(celery_app(), "reports.generate", payload)
        flash("Permintaan laporan dikirim; tabel di bawah diperbarui otomatis.", "info")
        # The run appears only once the reports worker takes the task: the page waits for this key.
        return redirect(url_for("ReportView.index", menunggu=payload["run_key"]))

    @expose("/runs/<int:run_id>/post", methods=["POST"])
    @has_access
    def post_social(self, run_id: int):
        form = SocialPostForm()
        if not form.validate_on_submit():
            flash("Pilih Facebook dan/atau Instagram untuk posting.", "danger")
            return redirect(url_for("ReportView.index"))
        try:
            run = reports_api().get_json(f"/api/runs/{run_id}", params=scope_params())
        except NotFound:
            abort(404)
        except ServiceUnavailable as exc:
            flash(f"Laporan tidak dapat dibaca: {exc}", "danger")
            return redirect(url_for("ReportView.index"))
        if not run_visible(run):
            abort(404)
        if run.get("report") != SOCIAL_REPORT or run.get("status") != "selesai":
            flash("Hanya laporan realisasi bulanan yang sudah selesai yang boleh diposting.", "danger")
            return redirect(url_for("ReportView.index"))
        targets = sorted(set(form.targets.data))
        base = public_base()
        payload = {"post_key": f"laporan-{run_id}-{'-'.join(targets)}", "text": social_text(run)[:2000],
                   "link": f"{base}/publik/", "image_url": f"{base}/publik/laporan/{run_id}/grafik.png",
                   "targets": targets, "requested_by": g.user.username}
        send(celery_app(), "notifications.post_social", payload)
        flash(f"Laporan {run.get('period')} dikirim untuk diposting ke {', '.join(t.title() for t in targets)}.",
              "info")
        return redirect(url_for("ReportView.index"))

    @expose("/artifacts/<int:artifact_id>/download")
    @has_access
    def download(self, artifact_id: int):
        api, scope = reports_api(), scope_params()
        try:
            meta = api.get_json(f"/api/artifacts/{artifact_id}", params=scope)
            # Check before fetching: a partner must not even trigger the download of another's file.
            if not run_visible(meta):
                abort(404)
            upstream = api.stream(f"/api/artifacts/{artifact_id}/download", params=scope)
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
