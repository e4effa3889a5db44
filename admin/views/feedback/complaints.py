"""Pengaduan: staff entry of complaints heard at a meeting or in person, the clock list, the next step
(teruskan, tindak lanjut, tutup), the overdue (escalation) view and the SP4N-LAPOR! export.

Sensitive categories (pungli, nepotisme) are shown only to SENSITIVE_COMPLAINT_ROLES; for everyone else
they are filtered out of every list, page and export."""
from __future__ import annotations

import io
import tempfile

from flask import Response, abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.filters import FilterInFunction
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional

from admin.roles import SENSITIVE_COMPLAINT_ROLES
from admin.views.system.audit import AuditedModelView
from services.common.contracts import COMPLAINT_CATEGORIES
from services.common.db import utcnow
from services.common.privacy import mask_phone
from services.registry.core.codes import new_tracking_code
from services.registry.core.identity import IdentityError, normalise_phone
from services.registry.feedback.clock import ClockRules, clock_state
from services.registry.feedback.complaints import ComplaintError, close, follow_up, forward
from services.registry.feedback.lapor_export import lapor_rows, write_csv, write_xlsx
from services.registry.feedback.models.complaints import SENSITIVE_CATEGORIES
from services.registry.models import Complaint

STAFF_CHANNELS = [("staf", "Disampaikan langsung / musyawarah"), ("sms", "SMS"), ("whatsapp", "WhatsApp"),
                  ("web", "Formulir web")]
# The step that moves a complaint on from each status; the note typed on its page goes with it.
STEPS = {"baru": forward, "diteruskan": follow_up, "ditindaklanjuti": close}


def may_see_sensitive(user=None) -> bool:
    user = user if user is not None else getattr(g, "user", None)
    return bool({r.name for r in getattr(user, "roles", None) or []} & SENSITIVE_COMPLAINT_ROLES)


class FilterSensitive(FilterInFunction):
    """base_filters entry: hide sensitive complaints unless ``func()`` says the user may see them."""

    name = "Pengaduan yang boleh dilihat"

    def apply(self, query, func):
        return query if func() else query.filter(Complaint.sensitive.is_(False))


class ComplaintInterface(SQLAInterface):
    """The "Tenggat" column is the complaint clock now; the clock's rules live in the feedback domain,
    so the model stays free of them and the list computes the column here."""

    @staticmethod
    def _get_attr_value(item, col):
        if col == "clock_label":
            return clock_state(item, utcnow(), ClockRules.from_env()).label
        return SQLAInterface._get_attr_value(item, col)


def _actor() -> str:
    return getattr(getattr(g, "user", None), "username", None) or "admin"


class ComplaintView(AuditedModelView):
    datamodel = ComplaintInterface(Complaint)
    class_permission_name = "ComplaintView"
    route_base = "/complaints"
    base_permissions = ["can_list", "can_show", "can_add", "can_step", "can_overdue", "can_export"]
    list_title = "Daftar Pengaduan"
    show_title = "Pengaduan"
    add_title = "Catat Pengaduan (dari warga langsung / musyawarah)"
    show_template = "admin/complaints_show.html"
    list_template = "admin/complaints_list.html"
    base_filters = [["id", FilterSensitive, may_see_sensitive]]
    list_columns = ["tracking_code", "received_at", "channel", "category_label", "title", "status", "clock_label",
                    "escalation_level"]
    show_columns = ["tracking_code", "received_at", "channel", "category_label", "title", "body", "location",
                    "anonymous", "sender_name", "phone", "status", "clock_label", "forwarded_to", "forwarded_at",
                    "followed_up_at", "resolution", "closed_at", "escalation_level", "recorded_by"]
    add_columns = ["channel", "category", "title", "body", "location", "anonymous", "sender_name", "phone"]
    add_form_extra_fields = {
        "channel": SelectField("Saluran", choices=STAFF_CHANNELS, default="staf"),
        "category": SelectField("Kategori", choices=list(COMPLAINT_CATEGORIES.items())),
        # Filled from the category when empty, and unticked means "not anonymous": neither is required.
        "title": StringField("Judul", validators=[Optional(), Length(max=200)]),
        "anonymous": BooleanField("Anonim (tanpa nama dan nomor HP)"),
    }
    search_columns = ["tracking_code", "status", "category", "channel"]
    order_columns = ["received_at", "status", "escalation_level"]
    base_order = ("received_at", "desc")
    label_columns = {
        "tracking_code": "Kode", "received_at": "Diterima", "channel": "Saluran", "category": "Kategori",
        "category_label": "Kategori", "title": "Judul", "body": "Isi", "location": "Lokasi", "anonymous": "Anonim",
        "sender_name": "Nama pelapor", "phone": "No. HP", "status": "Status", "clock_label": "Tenggat",
        "forwarded_to": "Diteruskan kepada", "forwarded_at": "Diteruskan", "followed_up_at": "Ditindaklanjuti",
        "resolution": "Tindak lanjut / penyelesaian", "closed_at": "Ditutup", "escalation_level": "Eskalasi",
        "recorded_by": "Dicatat oleh",
    }
    formatters_columns = {"phone": lambda v: v if may_see_sensitive() else mask_phone(v)}

    def render_template(self, template, **kwargs):
        # The step form on the show page is plain HTML: it needs the CSRF token the admin checks on POST.
        from flask_wtf.csrf import generate_csrf

        kwargs.setdefault("step_csrf_token", generate_csrf())
        return super().render_template(template, **kwargs)

    def pre_add(self, item):
        if not (item.body or "").strip():
            raise ComplaintError("Isi pengaduan wajib diisi")
        if item.category not in COMPLAINT_CATEGORIES:
            raise ComplaintError("Kategori pengaduan tidak dikenal")
        try:
            item.phone = None if item.anonymous else normalise_phone(item.phone)
        except IdentityError as exc:
            raise ComplaintError(str(exc)) from exc
        if item.anonymous:
            item.sender_name = None
        item.tracking_code = new_tracking_code()
        item.sensitive = item.category in SENSITIVE_CATEGORIES
        item.title = (item.title or COMPLAINT_CATEGORIES[item.category])[:200]
        item.status, item.received_at, item.recorded_by = "baru", utcnow(), _actor()
        item.escalation_level = 0

    def _visible(self, pk: int) -> Complaint:
        item = self.datamodel.session.get(Complaint, pk)
        if item is None or (item.sensitive and not may_see_sensitive()):
            abort(404)
        return item

    @expose("/step/<int:pk>", methods=["POST"])
    @has_access
    def step(self, pk: int):
        """The next step of the clock for complaint ``pk``, with the note typed on its page."""
        item = self._visible(pk)
        if item.status not in STEPS:
            flash("Pengaduan ini sudah selesai.", "warning")
            return redirect(url_for("ComplaintView.show", pk=pk))
        session = self.datamodel.session
        try:
            STEPS[item.status](session, item, request.form.get("note", ""), _actor())
            session.commit()
            flash(f"Pengaduan {item.tracking_code}: status sekarang {item.status}.", "success")
        except ComplaintError as exc:
            session.rollback()
            flash(str(exc), "danger")
        return redirect(url_for("ComplaintView.show", pk=pk))

    @expose("/overdue")
    @has_access
    def overdue(self):
        """Escalation view: open complaints past the deadline of their current step, most overdue first."""
        now, rules = utcnow(), ClockRules.from_env()
        query = select(Complaint).where(Complaint.status != "selesai").order_by(Complaint.received_at).limit(2000)
        if not may_see_sensitive():
            query = query.where(Complaint.sensitive.is_(False))
        late = [(c, clock_state(c, now, rules)) for c in self.datamodel.session.scalars(query)]
        late = sorted([(c, s) for c, s in late if s.overdue], key=lambda pair: pair[1].due)
        return self.render_template("admin/complaints_overdue.html", late=late)

    @expose("/lapor.<fmt>")
    @has_access
    def export(self, fmt: str):
        """Hand-over file for SP4N-LAPOR! (judul, isi, kategori, tanggal, lokasi, status)."""
        rows = lapor_rows(self.datamodel.session, include_sensitive=may_see_sensitive())
        if fmt == "csv":
            buffer = io.StringIO()
            write_csv(rows, buffer)
            return Response(buffer.getvalue(), mimetype="text/csv",
                            headers={"Content-Disposition": "attachment; filename=pengaduan-lapor.csv"})
        if fmt == "xlsx":
            with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
                write_xlsx(rows, handle.name)
                data = open(handle.name, "rb").read()
            return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            headers={"Content-Disposition": "attachment; filename=pengaduan-lapor.xlsx"})
        abort(404)

