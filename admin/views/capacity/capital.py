"""Modal usaha: proposals through assessment, approval and disbursement; loan repayments; field visits."""
from __future__ import annotations

import uuid
from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select

from admin.extensions import db_session
from admin.scoping import FilterVisibleProgrammes, kk_for_viewer, nik_for_viewer, visible_programme_ids
from admin.views.capacity.common import actor
from admin.views.programmes.programmes import _rupiah
from admin.views.system.audit import AuditedModelView
from services.registry.capacity import capital as cap
from services.registry.capacity.common import CapacityError
from services.registry.capacity.pathway import household_pathway
from services.registry.models import BankAccount, BusinessGroup, BusinessGroupMember, CapitalGrant, Household
from services.registry.programmes.models.read import source_status


def _int(value) -> int | None:
    return int(value) if (value or "").strip().isdigit() else None


STATUS_LABELS = {"usulan": "Usulan", "dinilai": "Dinilai", "disetujui": "Disetujui", "ditolak": "Ditolak",
                 "dicairkan": "Dicairkan", "lunas": "Lunas"}


class BusinessGroupMemberView(AuditedModelView):
    datamodel = SQLAInterface(BusinessGroupMember)
    class_permission_name = "BusinessGroupView"
    route_base = "/business-group-members"
    list_title = "Anggota Kelompok"
    list_columns = ["group", "person", "role"]
    add_columns = edit_columns = ["group", "person", "role"]
    search_columns = ["role"]
    label_columns = {"group": "Kelompok", "person": "Anggota", "role": "Peran"}


class BusinessGroupView(AuditedModelView):
    datamodel = SQLAInterface(BusinessGroup)
    class_permission_name = "BusinessGroupView"
    route_base = "/business-groups"
    list_title, show_title, add_title, edit_title = ("Kelompok Usaha", "Kelompok Usaha", "Tambah Kelompok",
                                                      "Ubah Kelompok")
    list_columns = ["name", "business", "dusun"]
    add_columns = edit_columns = show_columns = ["name", "business", "dusun"]
    search_columns = ["name", "dusun"]
    related_views = [BusinessGroupMemberView]
    label_columns = {"name": "Nama kelompok", "business": "Usaha", "dusun": "Dusun"}


class CapitalGrantView(AuditedModelView):
    datamodel = SQLAInterface(CapitalGrant)
    class_permission_name = "CapitalGrantView"
    route_base = "/capital"
    list_title, show_title, add_title, edit_title = ("Bantuan Modal Usaha", "Bantuan Modal", "Usulan Modal Usaha",
                                                      "Ubah Usulan")
    base_filters = [["programme_id", FilterVisibleProgrammes, visible_programme_ids]]
    list_columns = ["business", "kind", "household", "group", "amount_requested", "amount_approved", "status"]
    show_columns = ["business", "kind", "household", "group", "programme", "funding_source", "purpose",
                    "amount_requested",
                    "amount_approved", "instalments", "status", "assessment", "assessed_by", "approved_by"]
    add_columns = ["kind", "household", "group", "programme", "funding_source", "business", "purpose",
                   "amount_requested", "instalments"]
    edit_columns = ["business", "purpose"]  # money and status move only through the work screen
    search_columns = ["business", "kind", "status"]
    show_template = "admin/capital_show.html"
    label_columns = {"business": "Usaha", "kind": "Jenis (hibah/pinjaman)", "household": "Keluarga",
                     "group": "Kelompok", "programme": "Program", "funding_source": "Sumber dana",
                     "purpose": "Rencana penggunaan",
                     "amount_requested": "Nilai usulan", "amount_approved": "Nilai disetujui",
                     "instalments": "Jumlah angsuran (bulan)", "status": "Status", "assessment": "Hasil penilaian",
                     "assessed_by": "Penilai", "approved_by": "Penyetuju"}
    formatters_columns = {"amount_requested": _rupiah, "amount_approved": _rupiah,
                          "status": lambda s: STATUS_LABELS.get(s, s)}

    def pre_add(self, item):
        if item.kind not in ("hibah", "pinjaman"):
            raise ValueError("Jenis harus 'hibah' atau 'pinjaman'")
        if (item.household is None) == (item.group is None):
            raise ValueError("Pilih satu keluarga atau satu kelompok usaha sebagai penerima")
        if item.kind == "pinjaman" and not (item.instalments and 1 <= item.instalments <= 60):
            raise ValueError("Pinjaman bergulir memerlukan jumlah angsuran 1 sampai 60 bulan")
        if not item.amount_requested or item.amount_requested <= 0:
            raise ValueError("Nilai usulan harus lebih dari nol")
        if item.funding_source is not None and (item.programme is None
                                                or item.funding_source.programme_id != item.programme.id):
            raise ValueError("Sumber dana harus milik program usulan ini")
        item.status, item.amount_approved = "usulan", None
        if item.kind == "hibah":
            item.instalments = None


class CapitalWorkView(BaseView):
    """One proposal's next step (assess, decide, disburse), repayments and follow-up visits; the pathway."""

    route_base = "/capital-work"
    class_permission_name = "CapitalWorkView"
    default_view = "manage"
    method_permission_name = {"manage": "work", "act": "work", "pathway": "work"}

    def _grant(self, pk: int) -> CapitalGrant:
        grant = db_session().get(CapitalGrant, pk)
        ids = visible_programme_ids()
        if grant is None or (ids is not None and grant.programme_id not in ids):
            abort(404)
        return grant

    @expose("/<int:pk>/")
    @has_access
    def manage(self, pk: int):
        grant = self._grant(pk)
        people = list(cap.recipients(grant, date.today()).values()) if grant.status == "disetujui" else []
        accounts = db_session().scalars(select(BankAccount).where(
            BankAccount.person_id.in_([p.id for p in people]), BankAccount.active.is_(True))).all() if people else []
        source = source_status(db_session(), grant.funding_source) if grant.funding_source else None
        return self.render_template("admin/capital_manage.html", grant=grant, rupiah=_rupiah, pay_key=uuid.uuid4().hex,
                                    arrears=cap.arrears(grant) if grant.schedule else None, today=date.today(),
                                    people=people, accounts=accounts, source=source, nik=nik_for_viewer,
                                    paid=sum(d.amount for d in grant.disbursements))

    @expose("/<int:pk>/<string:step>", methods=["POST"])
    @has_access
    def act(self, pk: int, step: str):
        grant, session, form = self._grant(pk), db_session(), request.form
        try:
            if step == "assess":
                cap.assess(session, grant, actor(), form.get("assessment", ""))
            elif step == "decide":
                cap.decide(session, grant, actor(), form.get("decision") == "setuju", form.get("amount") or None)
            elif step == "disburse":
                # One-time form key, as for repayments: a double submit pays once, a second tranche again.
                key = form.get("key") if (form.get("key") or "").isalnum() else None
                cap.disburse(session, grant, actor(), form.get("channel", ""),
                             date.fromisoformat(form.get("on") or date.today().isoformat()),
                             key=f"capital-{grant.id}-disburse-{key}" if key else None,
                             amount=(form.get("amount") or "").strip() or None,
                             collector_id=_int(form.get("collector_id")), location=form.get("location"),
                             handed_over_by=form.get("handed_over_by"),
                             bank_account_id=_int(form.get("bank_account_id")),
                             bank_reference=form.get("bank_reference"))
            elif step == "pay":
                # The form's one-time key: a double submit records once, two equal payments twice.
                key = form.get("key") if (form.get("key") or "").isalnum() else None
                cap.record_payment(session, grant, form.get("amount"), actor(),
                                   date.fromisoformat(form.get("on") or date.today().isoformat()),
                                   key=f"capital-{grant.id}-pay-{key}" if key else None)
            elif step == "visit":
                cap.record_visit(session, grant, actor(), date.fromisoformat(form.get("on") or
                                                                              date.today().isoformat()),
                                 form.get("business_status", ""), form.get("income"), form.get("note"))
            else:
                abort(404)
            session.commit()
            flash("Tersimpan.", "info")
        except (CapacityError, ValueError) as exc:
            session.rollback()
            flash(str(exc), "danger")
        return redirect(url_for("CapitalWorkView.manage", pk=pk))

    @expose("/household/<int:pk>/pathway")
    @has_access
    def pathway(self, pk: int):
        household = db_session().get(Household, pk) or abort(404)
        return self.render_template("admin/household_pathway.html", household=household, kk=kk_for_viewer,
                                    path=household_pathway(db_session(), household), rupiah=_rupiah)
