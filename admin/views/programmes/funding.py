"""Sumber Dana (with budget, committed, disbursed), Larangan Ganda (programme exclusions) and the list of
change requests. Money rows are audited through AuditedModelView."""
from __future__ import annotations

from flask_appbuilder import BaseView, expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select

from admin.extensions import db_session
from admin.scoping import FilterVisibleProgrammes, visible_programme_ids
from admin.views.base import BansosModelView
from admin.views.programmes.programmes import _rupiah
from admin.views.system.audit import AuditedModelView
from services.registry.core.money import rupiah
from services.registry.models import ChangeRequest, FundingSource, ProgrammeExclusion
from services.registry.programmes.models.read import source_status


class FundingSourceView(AuditedModelView):
    datamodel = SQLAInterface(FundingSource)
    class_permission_name = "FundingSourceView"
    route_base = "/funding-sources"
    list_title = "Sumber Dana"
    show_title = "Sumber Dana"
    add_title = "Tambah Sumber Dana"
    edit_title = "Ubah Sumber Dana"
    base_filters = [["programme_id", FilterVisibleProgrammes, visible_programme_ids]]
    list_columns = ["programme", "name", "kind", "organisation", "budget", "fiscal_year"]
    show_columns = list_columns
    add_columns = ["programme", "name", "kind", "organisation", "budget", "fiscal_year"]
    edit_columns = add_columns
    search_columns = ["programme", "kind", "fiscal_year"]
    order_columns = ["name", "budget", "fiscal_year"]
    base_order = ("id", "asc")
    label_columns = {"programme": "Program", "name": "Nama", "kind": "Jenis (dana_desa, apbd, apbn, lsm, csr)",
                     "organisation": "Mitra", "budget": "Anggaran", "fiscal_year": "Tahun anggaran"}
    formatters_columns = {"budget": _rupiah}

    def pre_add(self, item):
        _check_kind(item)

    def pre_update(self, item):
        _check_kind(item)
        super().pre_update(item)


def _check_kind(item: FundingSource) -> None:
    from services.registry.programmes.models.funding import FUNDING_KINDS

    if item.kind not in FUNDING_KINDS:
        raise ValueError(f"Jenis sumber dana harus salah satu dari: {', '.join(FUNDING_KINDS)}")
    if item.budget is not None and item.budget < 0:
        raise ValueError("Anggaran tidak boleh negatif")


class FundingStatusView(BaseView):
    """Budget, committed, disbursed and available per source: read with the same permission as the list."""

    route_base = "/funding"
    class_permission_name = "FundingSourceView"
    default_view = "index"
    method_permission_name = {"index": "list"}

    @expose("/")
    @has_access
    def index(self):
        session = db_session()
        query = select(FundingSource).order_by(FundingSource.programme_id, FundingSource.id)
        ids = visible_programme_ids()
        if ids is not None:
            query = query.where(FundingSource.programme_id.in_(sorted(ids)))
        rows = [(source, source_status(session, source)) for source in session.scalars(query)]
        return self.render_template("admin/funding_status.html", rows=rows, rupiah=rupiah)


class ExclusionView(AuditedModelView):
    datamodel = SQLAInterface(ProgrammeExclusion)
    class_permission_name = "ExclusionView"
    route_base = "/exclusions"
    list_title = "Larangan Penerimaan Ganda"
    add_title = "Tambah Larangan"
    list_columns = ["programme", "excluded_programme", "reason"]
    add_columns = edit_columns = show_columns = list_columns
    search_columns = ["programme"]
    label_columns = {"programme": "Program", "excluded_programme": "Tidak boleh bersama", "reason": "Alasan"}


class ChangeRequestView(BansosModelView):
    datamodel = SQLAInterface(ChangeRequest)
    class_permission_name = "ChangeRequestView"
    route_base = "/change-requests"
    base_permissions = ["can_list", "can_show"]
    list_title = "Permintaan Perubahan"
    list_columns = ["cycle", "kind", "reason", "requested_by", "status", "decided_by", "created_at"]
    show_columns = list_columns + ["new_amount", "decision_note", "result"]
    search_columns = ["status", "kind", "requested_by"]
    order_columns = ["created_at", "status"]
    base_order = ("id", "desc")
    label_columns = {"cycle": "Siklus", "kind": "Jenis", "reason": "Alasan", "requested_by": "Pengaju",
                     "status": "Status", "decided_by": "Diputuskan oleh", "created_at": "Diajukan",
                     "new_amount": "Nilai baru", "decision_note": "Catatan", "result": "Sebelum/sesudah"}
