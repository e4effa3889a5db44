"""Pesan warga: delivery channels with a "kirim pesan uji" button and opt-outs.

Both belong to the notifications service and are asked over its API; replies land in the registry's
inbox (admin/views/feedback/inbox.py)."""
from __future__ import annotations

from flask import flash, g, redirect, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access

from admin.forms import OptOutForm, TestMessageForm, flash_errors
from admin.service_api import NotFound, ServiceUnavailable, notifications_api


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
            flash_errors(form)
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
        flash_errors(form)
        return redirect(url_for("OptOutView.index"))
