"""Pelatihan: trainings, their sessions and participants; invitations, phone attendance, certificates."""
from __future__ import annotations

import json

from flask import Response, abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from wtforms import TextAreaField

from admin.extensions import celery_app, db_session
from admin.scoping import FilterVisibleProgrammes, is_partner, nik_for_viewer, visible_programme_ids
from admin.views.capacity.common import actor, check_programme_for_partner, visible_or_404
from admin.views.system.audit import AuditedModelView
from services.registry.capacity import trainings as tr
from services.registry.capacity.certificates import certificate_pdf
from services.registry.capacity.common import CapacityError
from services.registry.models import Training, TrainingEnrolment, TrainingSession

RULE_HELP = ('JSON, contoh: {"sex": "P", "age_min": 18, "age_max": 55, "programme_code": "BLT-DD-2026", '
             '"dusun": "Kamal Timur"}')


def _training_visible(training: Training) -> bool:
    ids = visible_programme_ids()
    return ids is None or (training.programme_id is not None and training.programme_id in ids)


class TrainingSessionView(AuditedModelView):
    datamodel = SQLAInterface(TrainingSession)
    class_permission_name = "TrainingSessionView"
    route_base = "/training-sessions"
    list_title = show_title = "Sesi Pelatihan"
    add_title, edit_title = "Tambah Sesi", "Ubah Sesi"
    base_filters = [["training.programme_id", FilterVisibleProgrammes, visible_programme_ids]]
    list_columns = ["training", "held_on", "place", "attendance_sheet"]
    add_columns = edit_columns = ["training", "held_on", "place"]
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "training": [["programme_id", FilterVisibleProgrammes, visible_programme_ids]]}
    search_columns = ["held_on", "place"]
    label_columns = {"training": "Pelatihan", "held_on": "Tanggal", "place": "Tempat",
                     "attendance_sheet": "Foto daftar hadir"}

    def _check(self, item):
        # The dropdown is scoped, but a client may post any training id: check the object itself.
        if item.training is None or not _training_visible(item.training):
            raise ValueError("Mitra hanya dapat mencatat sesi pada pelatihan programnya sendiri")

    def pre_add(self, item):
        self._check(item)

    def pre_update(self, item):
        self._check(item)
        super().pre_update(item)


class TrainingEnrolmentView(AuditedModelView):
    datamodel = SQLAInterface(TrainingEnrolment)
    class_permission_name = "TrainingEnrolmentView"
    route_base = "/training-participants"
    list_title = show_title = "Peserta Pelatihan"
    base_filters = [["training.programme_id", FilterVisibleProgrammes, visible_programme_ids]]
    list_columns = ["training", "person.name", "person.nik", "status", "completed_on", "certificate_code"]
    show_columns = list_columns
    edit_columns = ["status"]
    search_columns = ["status"]
    base_permissions = ["can_list", "can_show", "can_edit"]
    label_columns = {"training": "Pelatihan", "person.name": "Nama", "person.nik": "NIK", "status": "Status",
                     "completed_on": "Lulus", "certificate_code": "Kode sertifikat"}
    formatters_columns = {"person.nik": nik_for_viewer}

    def pre_update(self, item):
        # Completion issues the certificate and schedules the surveys: only through "Nyatakan lulus".
        if item.status == "selesai" and not item.certificate_code:
            raise ValueError("Gunakan tombol 'Nyatakan lulus' pada halaman pelatihan untuk meluluskan peserta")
        if item.status not in ("diundang", "terdaftar", "selesai", "keluar"):
            raise ValueError("Status peserta: diundang, terdaftar, selesai atau keluar")
        super().pre_update(item)


class TrainingView(AuditedModelView):
    datamodel = SQLAInterface(Training)
    class_permission_name = "TrainingView"
    route_base = "/trainings"
    list_title, show_title = "Daftar Pelatihan", "Pelatihan"
    add_title, edit_title = "Tambah Pelatihan", "Ubah Pelatihan"
    # Partners: trainings of their programmes only (village-run trainings have no programme: hidden).
    base_filters = [["programme_id", FilterVisibleProgrammes, visible_programme_ids]]
    list_columns = ["topic", "organiser_kind", "organisation", "programme", "capacity", "status"]
    show_columns = ["topic", "description", "organiser_kind", "organisation", "programme", "capacity",
                    "target_rule", "status"]
    add_columns = edit_columns = ["topic", "description", "organiser_kind", "organisation", "programme",
                                  "capacity", "rule_text", "status"]
    add_form_extra_fields = edit_form_extra_fields = {
        "rule_text": TextAreaField("Sasaran peserta", description=RULE_HELP)}
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "programme": [["id", FilterVisibleProgrammes, visible_programme_ids]]}
    search_columns = ["topic", "status"]
    related_views = [TrainingSessionView, TrainingEnrolmentView]
    show_template = "admin/training_show.html"
    label_columns = {"topic": "Topik", "description": "Keterangan", "organiser_kind": "Jenis penyelenggara",
                     "organisation": "Lembaga", "programme": "Program", "capacity": "Kuota", "status": "Status",
                     "target_rule": "Sasaran", "rule_text": "Sasaran peserta"}

    def _rule(self, item):
        text = (request.form.get("rule_text") or "").strip()
        try:
            rule = json.loads(text) if text else None
        except json.JSONDecodeError as exc:
            raise ValueError(f"Sasaran peserta bukan JSON yang sah: {exc.msg}") from None
        if rule is not None and not isinstance(rule, dict):
            raise ValueError("Sasaran peserta harus berupa objek JSON")
        item.target_rule = rule
        check_programme_for_partner(item)
        if is_partner():  # a partner records its own trainings: the organiser is always its organisation
            item.organisation, item.organiser_kind = g.user.organisation, g.user.organisation.kind

    def pre_add(self, item):
        self._rule(item)

    def pre_update(self, item):
        self._rule(item)
        super().pre_update(item)

    def prefill_form(self, form, pk):
        item = db_session().get(Training, pk)
        form.rule_text.data = json.dumps(item.target_rule, ensure_ascii=False) if item and item.target_rule else ""


class TrainingWorkView(BaseView):
    """The field work on one training: invite the target group, tick attendance on a phone, certify."""

    route_base = "/training-work"
    class_permission_name = "TrainingWorkView"
    default_view = "manage"
    method_permission_name = {"manage": "work", "invite": "work", "attendance": "work", "complete": "work",
                              "certificate": "work"}

    @expose("/<int:pk>/")
    @has_access
    def manage(self, pk: int):
        training = visible_or_404(Training, pk)
        return self.render_template("admin/training_manage.html", training=training, nik=nik_for_viewer)

    @expose("/<int:pk>/invite", methods=["GET", "POST"])
    @has_access
    def invite(self, pk: int):
        training = visible_or_404(Training, pk)
        session = db_session()
        eligible = tr.eligible_persons(session, training)
        if request.method == "POST":
            chosen = {int(x) for x in request.form.getlist("person_id") if x.isdigit()}
            persons = [p for p in eligible if p.id in chosen]
            invited = tr.invite(session, training, persons, actor())
            session.commit()
            if invited:
                tr.send_invitations(celery_app(), training, invited, actor())
                session.commit()  # the invitations' outbox rows
            flash(f"{len(invited)} orang diundang; undangan SMS diantrekan.", "info")
            return redirect(url_for("TrainingWorkView.manage", pk=pk))
        return self.render_template("admin/training_invite.html", training=training, eligible=eligible,
                                    nik=nik_for_viewer)

    @expose("/session/<int:pk>/attendance", methods=["GET", "POST"])
    @has_access
    def attendance(self, pk: int):
        one = db_session().get(TrainingSession, pk)
        if one is None:
            abort(404)
        visible_or_404(Training, one.training_id)
        session = db_session()
        if request.method == "POST":
            try:
                photo = request.files.get("sheet")
                if photo and photo.filename:
                    tr.attach_attendance_sheet(session, one, photo.read(), actor())
                present = {int(x) for x in request.form.getlist("present") if x.isdigit()}
                changes = tr.record_attendance(session, one, present, actor())
                session.commit()
                flash(f"Kehadiran tersimpan ({len(present)} hadir, {len(changes)} perubahan).", "info")
            except CapacityError as exc:
                session.rollback()
                flash(str(exc), "danger")
            return redirect(url_for("TrainingWorkView.attendance", pk=pk))
        marks = {a.enrolment_id: a.present for e in one.training.enrolments for a in e.attendance
                 if a.session_id == one.id}
        return self.render_template("admin/training_attendance.html", one=one, marks=marks,
                                    enrolments=[e for e in one.training.enrolments if e.status != "keluar"])

    @expose("/participant/<int:pk>/complete", methods=["POST"])
    @has_access
    def complete(self, pk: int):
        enrolment = db_session().get(TrainingEnrolment, pk) or abort(404)
        visible_or_404(Training, enrolment.training_id)
        try:
            tr.complete(db_session(), enrolment, actor())
            db_session().commit()
            flash(f"{enrolment.person.name} dinyatakan lulus; sertifikat siap diunduh.", "info")
        except CapacityError as exc:
            db_session().rollback()
            flash(str(exc), "danger")
        return redirect(url_for("TrainingWorkView.manage", pk=enrolment.training_id))

    @expose("/participant/<int:pk>/certificate.pdf")
    @has_access
    def certificate(self, pk: int):
        enrolment = db_session().get(TrainingEnrolment, pk) or abort(404)
        visible_or_404(Training, enrolment.training_id)
        if enrolment.status != "selesai":
            abort(404)
        return Response(certificate_pdf(enrolment), mimetype="application/pdf", headers={
            "Content-Disposition": f"attachment; filename=sertifikat-{enrolment.id}.pdf"})
