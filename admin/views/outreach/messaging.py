"""Pesan warga: delivery channels with a "kirim pesan uji" button, opt-outs, the inbox and complaints.

Channels and opt-outs belong to the notifications service (asked over its API); the inbox and the
complaints are registry tables, filled from inbound SMS/WhatsApp by ``registry.record_inbound``."""
from __future__ import annotations

from flask import flash, g, redirect, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access

from admin.forms import OptOutForm, TestMessageForm
from admin.service_api import NotFound, ServiceUnavailable, notifications_api
from admin.views.system.audit import AuditedModelView
from services.registry.models import InboxMessage


class ChannelView(BaseView):
    route_base = "/channels"
    class_permission_name = "ChannelView"
    default_view = "index"
    method_permission_name = {"index": "list", "test": "send"}

    def _page(self, form):
        channels, error = [], None
        try:
            channels = notifications_api().get_json("/api/channels").get("channels", [])
        except (ServiceUnavailable, NotFound) as exc:
            error = f"Daftar saluran tidak dapat dimuat: {exc}"
        return self.render_template("admin/channels.html", channels=channels, form=form, error=error)

    @expose("/")
    @has_access
    def index(self):
        return self._page(TestMessageForm())

    @expose("/test", methods=["POST"])
    @has_access
    def test(self):
        form = TestMessageForm()
        if not form.validate_on_submit():
            for errors in form.errors.values():
                for error in errors:
                    flash(str(error), "danger")
            return self._page(form)
        try:
            status, body = notifications_api().post_json("/api/test-message", {
                "channel": form.channel.data, "to": form.to.data, "body": form.body.data})
        except ServiceUnavailable as exc:
            flash(str(exc), "danger")
            return self._page(form)
        if status == 200:
            flash(f"Pesan uji terkirim lewat {body['provider']} ke {body['to']} (id {body['provider_message_id']}).",
                  "info")
            return redirect(url_for("ChannelView.index"))
        flash(f"Pesan uji gagal: {body.get('error')}", "danger")
        return self._page(form)


class OptOutView(BaseView):
    route_base = "/opt-outs"
    class_permission_name = "OptOutView"
    default_view = "index"
    method_permission_name = {"index": "list", "add": "add"}

    @expose("/")
    @has_access
    def index(self):
        rows, error = [], None
        try:
            rows = notifications_api().get_json("/api/opt-outs").get("opt_outs", [])
        except (ServiceUnavailable, NotFound) as exc:
            error = f"Daftar tidak dapat dimuat: {exc}"
        return self.render_template("admin/opt_outs.html", rows=rows, error=error, form=OptOutForm())

    @expose("/add", methods=["POST"])
    @has_access
    def add(self):
        form = OptOutForm()
        if form.validate_on_submit():
            try:
                status, body = notifications_api().post_json("/api/opt-outs", {"address": form.address.data,
                                                                              "by": g.user.username})
            except ServiceUnavailable as exc:
                flash(str(exc), "danger")
            else:
                if status == 200:
                    flash(f"{body['address']} tidak akan menerima pesan lagi (kecuali pemberitahuan wajib).", "info")
                else:
                    flash(body.get("error", f"Gagal ({status})"), "danger")
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
        return redirect(url_for("OptOutView.index"))


class InboxView(AuditedModelView):
    datamodel = SQLAInterface(InboxMessage)
    list_title = "Kotak masuk"
    show_title = "Pesan masuk"
    edit_title = "Tandai pesan"
    base_permissions = ["can_list", "can_show", "can_edit"]
    base_order = ("received_at", "desc")
    list_columns = ["received_at", "channel", "phone", "kind", "text", "handled"]
    show_columns = ["received_at", "channel", "phone", "person_id", "kind", "text", "handled"]
    edit_columns = ["handled"]
    search_columns = ["phone", "kind", "handled", "channel"]
    label_columns = {"received_at": "Diterima", "channel": "Saluran", "phone": "No. HP", "kind": "Jenis",
                     "text": "Isi", "handled": "Sudah ditangani", "person_id": "ID penduduk"}


