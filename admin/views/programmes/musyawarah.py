"""Musyawarah: the BPD records the meeting, attendance and each household's decision; anyone who may
read it downloads the berita acara (internal or public copy) and the BNBA list."""
from __future__ import annotations

from flask import Response, abort, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select

from admin.extensions import db_session
from admin.forms import ActionForm
from admin.scoping import kk_for_viewer, nik_for_viewer
from admin.views.programmes.cycle_helpers import (
    FormError,
    actor,
    allowed,
    checked_post,
    form_value,
    household_by_kk,
    parse_date,
    run_step,
    visible_cycle,
)
from services.registry.models import Candidate, Musyawarah
from services.registry.programmes import documents
from services.registry.programmes import musyawarah as mus

PRESENT_WORDS = {"hadir", "ya", "y", "1", "h"}


def parse_attendees(text: str) -> list[tuple[str, str | None, bool]]:
    """One invitee per line: ``Nama; Jabatan; hadir|tidak``."""
    people = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(";")]
        if not parts[0]:
            raise FormError(f"Baris undangan {number}: nama kosong")
        present = len(parts) > 2 and parts[2].lower() in PRESENT_WORDS
        people.append((parts[0], parts[1] if len(parts) > 1 and parts[1] else None, present))
    if not people:
        raise FormError("Daftar undangan kosong: tulis satu orang per baris (Nama; Jabatan; hadir/tidak)")
    return people


class MusyawarahView(BaseView):
    route_base = "/musyawarah"
    class_permission_name = "MusyawarahView"
    default_view = "new"
    method_permission_name = {"new": "record", "show": "show", "decide": "record", "approve_remaining": "record",
                              "download": "download"}

    def _meeting(self, meeting_id: int) -> Musyawarah:
        meeting = db_session().get(Musyawarah, meeting_id)
        if meeting is None:
            abort(404)
        visible_cycle(meeting.cycle_id)
        return meeting

    @expose("/new/<int:cycle_id>", methods=["GET", "POST"])
    @has_access
    def new(self, cycle_id: int):
        cycle = visible_cycle(cycle_id)
        if request.method == "POST":
            checked_post()
            holder = {}

            def save():
                holder["meeting"] = mus.record_meeting(
                    db_session(), cycle, form_value("kind"), parse_date(form_value("held_on"), "Tanggal", True),
                    form_value("place"), form_value("chair"), parse_attendees(request.form.get("attendees", "")),
                    actor(), notes=form_value("notes") or None)

            if run_step(save, "Musyawarah dicatat."):
                return redirect(url_for("MusyawarahView.show", meeting_id=holder["meeting"].id))
        return self.render_template("admin/musyawarah_new.html", cycle=cycle, values=request.form,
                                    csrf=ActionForm().hidden_tag())

    @expose("/<int:meeting_id>")
    @has_access
    def show(self, meeting_id: int):
        meeting = self._meeting(meeting_id)
        session = db_session()
        decisions = {d.household_id: d for d in meeting.decisions}
        candidates = session.scalars(select(Candidate).where(Candidate.cycle_id == meeting.cycle_id,
                                                             Candidate.status == "aktif")
                                     .order_by(Candidate.need_rank.is_(None), Candidate.need_rank,
                                               Candidate.id).limit(500)).all()
        return self.render_template(
            "admin/musyawarah_show.html", meeting=meeting, quorum=mus.quorum(meeting), candidates=candidates,
            decisions=decisions, nik=nik_for_viewer, kk=kk_for_viewer, csrf=ActionForm().hidden_tag(),
            can=allowed(self.appbuilder, "MusyawarahView", "record", "download"))

    @expose("/<int:meeting_id>/decide", methods=["POST"])
    @has_access
    def decide(self, meeting_id: int):
        checked_post()
        meeting = self._meeting(meeting_id)
        run_step(lambda: mus.decide(db_session(), meeting, household_by_kk(form_value("no_kk")),
                                    form_value("decision"), form_value("reason"), actor()), "Keputusan dicatat.")
        return redirect(url_for("MusyawarahView.show", meeting_id=meeting_id))

    @expose("/<int:meeting_id>/approve-remaining", methods=["POST"])
    @has_access
    def approve_remaining(self, meeting_id: int):
        checked_post()
        meeting = self._meeting(meeting_id)
        run_step(lambda: mus.approve_remaining(db_session(), meeting, actor()),
                 "{result} calon yang belum diputuskan ditetapkan disetujui.")
        return redirect(url_for("MusyawarahView.show", meeting_id=meeting_id))

    @expose("/<int:meeting_id>/<string:kind>")
    @has_access
    def download(self, meeting_id: int, kind: str):
        meeting = self._meeting(meeting_id)
        session = db_session()
        stem = f"{meeting.kind}-{meeting.held_on:%Y%m%d}-siklus{meeting.cycle_id}"
        files = {
            "berita-acara.pdf": lambda: (documents.berita_acara_pdf(session, meeting), "application/pdf"),
            "berita-acara-publik.pdf": lambda: (documents.berita_acara_pdf(session, meeting, internal=False),
                                                "application/pdf"),
            "bnba.xlsx": lambda: (documents.bnba_xlsx(session, meeting),
                                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            "bnba.csv": lambda: (documents.bnba_csv(session, meeting), "text/csv; charset=utf-8"),
        }
        if kind not in files:
            abort(404)
        data, mimetype = files[kind]()
        return Response(data, mimetype=mimetype,
                        headers={"Content-Disposition": f'attachment; filename="{stem}-{kind}"'})


