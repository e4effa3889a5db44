"""Kasus Duplikat: one review case per cluster, members side by side; merge, dismiss or move a person.

Decisions go through services/registry/people/dedup/review.py, which writes the audit entries.
"""
from __future__ import annotations

import uuid

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from admin.extensions import celery_app, db_session
from admin.forms import DedupDecisionForm, DedupRunForm
from services.common.contracts import send
from services.common.inputs import page_number
from services.registry.models import DedupCluster, DedupRun
from services.registry.people.dedup.cases import member_views, other_villages
from services.registry.people.dedup.review import DedupError, dismiss, merge, move
from services.registry.people.dedup.store import request_run
from services.registry.people.models.dedup import CLUSTER_STATUSES

PAGE_SIZE = 50
LAYER_LABELS = {"nik_sama": "NIK sama di dua KK", "nik_selip": "NIK beda satu angka", "nama_mirip": "Nama mirip",
                "telepon": "No. HP sama", "rekening": "Rekening sama"}
STATUS_LABELS = {"terbuka": "Terbuka", "bukan_duplikat": "Bukan orang yang sama", "digabung": "Digabung",
                 "dipindah": "Dipindah"}


class DedupView(BaseView):
    route_base = "/dedup"
    class_permission_name = "DedupView"
    default_view = "index"
    method_permission_name = {"index": "list", "show": "show", "run": "run", "decide": "decide"}

    def _can(self, permission: str) -> bool:
        return self.appbuilder.sm.has_access(f"can_{permission}", self.class_permission_name)

    @expose("/")
    @has_access
    def index(self):
        status = request.args.get("status", "terbuka")
        status = status if status in CLUSTER_STATUSES else "terbuka"
        page = page_number(request.args.get("page", 1))
        session = db_session()
        total = session.scalar(select(func.count(DedupCluster.id)).where(DedupCluster.status == status))
        cases = session.scalars(select(DedupCluster).where(DedupCluster.status == status)
                                .options(selectinload(DedupCluster.members))
                                .order_by(DedupCluster.score.desc(), DedupCluster.id)
                                .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
        last_run = session.scalars(select(DedupRun).order_by(DedupRun.id.desc()).limit(1)).first()
        return self.render_template("admin/dedup_list.html", cases=cases, last_run=last_run, status=status,
                                    total=total, page=page,
                                    pages=max(1, -(-total // PAGE_SIZE)), statuses=STATUS_LABELS,
                                    layer_labels=LAYER_LABELS, can_run=self._can("run"), form=DedupRunForm())

    @expose("/run", methods=["POST"])
    @has_access
    def run(self):
        if not DedupRunForm().validate_on_submit():
            abort(400)
        # The run row is committed before the task is sent: the worker finds it, the list shows it.
        run = request_run(db_session(), uuid.uuid4().hex, g.user.username)
        send(celery_app(), "registry.dedup_run", {"run_key": run.run_key, "requested_by": run.requested_by})
        flash("Pemeriksaan data ganda dimulai; muat ulang halaman ini sebentar lagi.", "info")
        return redirect(url_for("DedupView.index"))

    @expose("/<int:case_id>")
    @has_access
    def show(self, case_id: int):
        session = db_session()
        case = session.get(DedupCluster, case_id)
        if case is None:
            abort(404)
        members = member_views(session, case)
        others = other_villages(case)
        return self.render_template("admin/dedup_show.html", case=case, members=members,
                                    layer_labels=LAYER_LABELS, statuses=STATUS_LABELS,
                                    can_decide=self._can("decide") and case.status == "terbuka",
                                    across_villages=bool(others), form=DedupDecisionForm())

    @expose("/<int:case_id>/decide", methods=["POST"])
    @has_access
    def decide(self, case_id: int):
        form = DedupDecisionForm()
        if not form.validate_on_submit():
            flash("Formulir tidak sah; coba lagi.", "danger")
            return redirect(url_for("DedupView.show", case_id=case_id))
        session, actor, reason = db_session(), g.user.username, (form.reason.data or "").strip() or None
        try:
            if form.action.data == "merge":
                if not form.survivor_id.data:
                    raise DedupError("Pilih data yang dipertahankan.")
                case = merge(session, case_id, form.survivor_id.data, actor, reason)
                flash("Data digabungkan menjadi satu orang.", "success")
                for conflict in case.merge_report.conflicts:  # resolved by rule; the reviewer should know
                    flash(conflict, "warning")
            elif form.action.data == "dismiss":
                dismiss(session, case_id, actor, reason or "")
                flash("Kasus ditutup: bukan orang yang sama.", "success")
            else:
                if not form.person_id.data:
                    raise DedupError("Pilih orang yang dipindah.")
                move(session, case_id, form.person_id.data, form.no_kk.data or "", actor, reason)
                flash("Orang dipindahkan ke KK yang benar.", "success")
        except DedupError as exc:
            session.rollback()
            flash(str(exc), "danger")
        return redirect(url_for("DedupView.show", case_id=case_id))
