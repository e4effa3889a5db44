"""Mitra: partner organisations (profile, contacts, MoU), funding applications, and the partner workspace."""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access

from admin.extensions import db_session
from admin.scoping import visible_programme_ids
from admin.views.programmes.programmes import _rupiah
from admin.views.system.audit import AuditedModelView
from services.registry.capacity.common import CapacityError
from services.registry.capacity.uploads import save_document, uploads_dir
from services.registry.capacity.workspace import partner_summary
from services.registry.core.audit import record_row
from services.registry.models import FundingApplication, Organisation, PartnerAgreement, PartnerContact
from services.registry.programmes.models.funding import FUNDING_KIND_LABELS


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
                record_row(db_session(), g.user.username, "document", agreement, document=[before, path])
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
    sm = view.appbuilder.sm
    return view.render_template("admin/partner_dashboard.html", summary=summary, rupiah=_rupiah,
                                organisation=getattr(user, "organisation", None), kinds=FUNDING_KIND_LABELS,
                                can_pickup=sm.has_access("can_pickup", "DistributionView"),
                                can_reports=sm.has_access("can_list", "ReportView"),
                                can_recipients=sm.has_access("can_list", "RecipientView"))
