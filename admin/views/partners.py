"""Mitra: partner organisations (profile, contacts, MoU), funding applications, and the partner workspace."""
from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import func, select

from services.registry.capacity.common import CapacityError, audit
from services.registry.capacity.uploads import save_document, uploads_dir
from services.registry.models import (
    CapitalDisbursement,
    CapitalGrant,
    Enrolment,
    FundingApplication,
    Organisation,
    PartnerAgreement,
    PartnerContact,
    Programme,
    ProgrammePartner,
    Training,
    TrainingEnrolment,
    TrainingFollowUp,
)

from ..extensions import db_session
from ..scoping import visible_programme_ids
from .audit import AuditedModelView
from .programmes import _rupiah


class PartnerContactView(AuditedModelView):
    datamodel = SQLAInterface(PartnerContact)
    class_permission_name = "PartnerView"
    route_base = "/partner-contacts"
    list_title = show_title = "Kontak Mitra"
    list_columns = add_columns = edit_columns = ["organisation", "name", "position", "phone", "email"]
    search_columns = ["name"]
    label_columns = {"organisation": "Lembaga", "name": "Nama", "position": "Jabatan", "phone": "No. HP",
                     "email": "Surel"}


class PartnerAgreementView(AuditedModelView):
    datamodel = SQLAInterface(PartnerAgreement)
    class_permission_name = "PartnerView"
    route_base = "/partner-agreements"
    list_title = show_title = "Perjanjian Kerja Sama (MoU)"
    list_columns = ["organisation", "title", "programme", "starts_on", "ends_on", "committed_amount", "document"]
    add_columns = edit_columns = ["organisation", "title", "programme", "starts_on", "ends_on", "commitments",
                                  "committed_amount"]
    show_columns = [*add_columns, "document"]
    show_template = "admin/agreement_show.html"
    search_columns = ["title", "ends_on"]
    label_columns = {"organisation": "Lembaga", "title": "Judul", "programme": "Program", "starts_on": "Mulai",
                     "ends_on": "Berakhir", "commitments": "Komitmen", "committed_amount": "Nilai komitmen",
                     "document": "Dokumen"}
    formatters_columns = {"committed_amount": _rupiah}


class AgreementDocumentView(BaseView):
    """The signed MoU as PDF or photo, kept under var/uploads/agreements (type and size checked)."""

    route_base = "/partner-documents"
    class_permission_name = "PartnerView"  # same rights as the agreements themselves
    default_view = "upload"
    method_permission_name = {"upload": "edit", "download": "show"}

    @expose("/<int:pk>/upload", methods=["GET", "POST"])
    @has_access
    def upload(self, pk: int):
        agreement = db_session().get(PartnerAgreement, pk) or abort(404)
        if request.method == "POST":
            document = request.files.get("document")
            try:
                if document is None or not document.filename:
                    raise CapacityError("Pilih berkas dokumen terlebih dahulu")
                path = save_document(document.read(), document.filename, "agreements", f"mou-{agreement.id}")
                before, agreement.document = agreement.document, path
                audit(db_session(), g.user.username, "document", agreement, document=[before, path])
                db_session().commit()
                flash("Dokumen perjanjian tersimpan.", "info")
                return redirect(url_for("PartnerAgreementView.show", pk=pk))
            except CapacityError as exc:
                db_session().rollback()
                flash(str(exc), "danger")
        return self.render_template("admin/agreement_upload.html", agreement=agreement)

    @expose("/<int:pk>/download")
    @has_access
    def download(self, pk: int):
        agreement = db_session().get(PartnerAgreement, pk) or abort(404)
        if not agreement.document:
            abort(404)
        path = (uploads_dir() / agreement.document).resolve()
        if uploads_dir().resolve() not in path.parents or not path.exists():
            abort(404)
        return send_file(path, as_attachment=True)


class OrganisationView(AuditedModelView):
    datamodel = SQLAInterface(Organisation)
    class_permission_name = "PartnerView"
    route_base = "/organisations"
    list_title, show_title, add_title, edit_title = "Lembaga Mitra", "Lembaga Mitra", "Tambah Lembaga", "Ubah Lembaga"
    list_columns = add_columns = edit_columns = show_columns = ["name", "kind", "contact_email"]
    search_columns = ["name", "kind"]
    related_views = [PartnerContactView, PartnerAgreementView]
    label_columns = {"name": "Nama", "kind": "Jenis (desa/lsm/csr/pemerintah)", "contact_email": "Surel"}


class FundingApplicationView(AuditedModelView):
    datamodel = SQLAInterface(FundingApplication)
    class_permission_name = "FundingApplicationView"
    route_base = "/funding-applications"
    list_title, show_title, add_title, edit_title = ("Pengajuan Dana", "Pengajuan Dana", "Tambah Pengajuan",
                                                      "Ubah Pengajuan")
    list_columns = ["title", "level", "agency", "amount_requested", "status", "submitted_on", "decided_on"]
    add_columns = edit_columns = show_columns = ["title", "level", "agency", "programme", "amount_requested",
                                                 "amount_approved", "status", "submitted_on", "decided_on", "note"]
    search_columns = ["title", "level", "status"]
    label_columns = {"title": "Judul", "level": "Tingkat (kabupaten/provinsi/pusat)", "agency": "Instansi tujuan",
                     "programme": "Program", "amount_requested": "Nilai diajukan", "amount_approved": "Nilai disetujui",
                     "status": "Status (draf/diajukan/diproses/disetujui/ditolak)", "submitted_on": "Tanggal diajukan",
                     "decided_on": "Tanggal keputusan", "note": "Catatan"}
    formatters_columns = {"amount_requested": _rupiah, "amount_approved": _rupiah}


def partner_summary(session, programme_ids: set[int] | None, organisation_id: int | None) -> dict:
    """What a partner sees first: its programmes, money committed and used, trainings and their outcomes."""
    query = select(Programme).order_by(Programme.code)
    if programme_ids is not None:
        query = query.where(Programme.id.in_(sorted(programme_ids)))
    programmes = []
    for programme in session.scalars(query):
        recipients = session.scalar(select(func.count(Enrolment.id)).where(
            Enrolment.programme_id == programme.id, Enrolment.status == "aktif")) or 0
        roles = session.scalars(select(ProgrammePartner.role).where(
            ProgrammePartner.programme_id == programme.id, ProgrammePartner.organisation_id == organisation_id)).all()
        committed = session.scalar(select(func.sum(PartnerAgreement.committed_amount)).where(
            PartnerAgreement.programme_id == programme.id)) or Decimal("0")
        # LEAD: add the programme's distributions (ledger) to "used" once the distribution work lands.
        used = session.scalar(select(func.sum(CapitalDisbursement.amount)).join(CapitalGrant).where(
            CapitalGrant.programme_id == programme.id)) or Decimal("0")
        programmes.append({"programme": programme, "recipients": recipients, "roles": roles,
                           "committed": committed, "used": used})
    trainings = []
    training_query = select(Training).order_by(Training.id)
    if programme_ids is not None:
        training_query = training_query.where(Training.programme_id.in_(sorted(programme_ids)))
    for training in session.scalars(training_query):
        participants = [e for e in training.enrolments if e.status != "keluar"]
        incomes = session.scalars(select(TrainingFollowUp.monthly_income).join(TrainingEnrolment).where(
            TrainingEnrolment.training_id == training.id, TrainingFollowUp.monthly_income.is_not(None))).all()
        trainings.append({"training": training, "participants": len(participants),
                          "completed": sum(1 for e in participants if e.status == "selesai"),
                          "surveys": len(incomes),
                          "average_income": (sum(incomes) / len(incomes)) if incomes else None})
    return {"programmes": programmes, "trainings": trainings}


class PartnerDashboardView(BaseView):
    """Ruang Mitra: after login a partner lands on its own programmes and trainings, nothing else."""

    route_base = "/mitra"
    class_permission_name = "PartnerDashboardView"
    default_view = "index"
    method_permission_name = {"index": "list"}

    @expose("/")
    @has_access
    def index(self):
        return render_partner_dashboard(self)


def render_partner_dashboard(view):
    user = g.user
    summary = partner_summary(db_session(), visible_programme_ids(), getattr(user, "organisation_id", None))
    return view.render_template("admin/partner_dashboard.html", summary=summary, rupiah=_rupiah,
                                organisation=getattr(user, "organisation", None))
