"""Media sosial: the Facebook Page / Instagram configuration with "uji koneksi", and the announcements
posted there (status per target) with a form to post a new one through ``notifications.post_social``.

The accounts and the Page token are configured in the notifications service's environment (secrets from
env only); this screen shows which are set and checks them by reading the account, never by posting."""
from __future__ import annotations

import uuid

from flask import flash, g, redirect, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access

from admin.extensions import celery_app
from admin.forms import SocialAnnouncementForm, SocialCheckForm, flash_errors
from admin.service_api import NotFound, ServiceUnavailable, notifications_api
from services.common.contracts import send

STATUS_LABELS = {"queued": ("menunggu", "default"), "posting": ("sedang diunggah", "info"),
                 "posted": ("terunggah", "success"), "failed": ("gagal", "danger"),
                 "unknown": ("tidak pasti", "warning")}


class SocialChannelView(BaseView):
    route_base = "/social-channels"
    class_permission_name = "SocialChannelView"
    default_view = "index"
    method_permission_name = {"index": "list", "check": "send"}

    def _page(self, form):
        targets, error = [], None
        try:
            targets = notifications_api().get_json("/api/social/status").get("targets", [])
        except (ServiceUnavailable, NotFound) as exc:
            error = f"Keadaan media sosial tidak dapat dimuat: {exc}"
        return self.render_template("admin/social_channels.html", targets=targets, form=form, error=error)

    @expose("/")
    @has_access
    def index(self):
        return self._page(SocialCheckForm())

    @expose("/check", methods=["POST"])
    @has_access
    def check(self):
        form = SocialCheckForm()
        if not form.validate_on_submit():
            flash_errors(form)
            return self._page(form)
        try:
            status, body = notifications_api().post_json("/api/social/check", {"target": form.target.data})
        except ServiceUnavailable as exc:
            flash(str(exc), "danger")
            return self._page(form)
        if status == 200:
            flash(f"Koneksi {form.target.data} berhasil: akun {body.get('name')} (id {body.get('id')}).", "info")
            return redirect(url_for("SocialChannelView.index"))
        flash(f"Uji koneksi {form.target.data} gagal: {body.get('error')}", "danger")
        return self._page(form)


class SocialPostView(BaseView):
    route_base = "/social-posts"
    class_permission_name = "SocialPostView"
    default_view = "index"
    method_permission_name = {"index": "list", "new": "send"}

    def _page(self, form):
        posts, error = [], None
        try:
            posts = notifications_api().get_json("/api/social/posts").get("posts", [])
        except (ServiceUnavailable, NotFound) as exc:
            error = f"Daftar unggahan tidak dapat dimuat: {exc}"
        # Auditors read the list; only those who may post see the form.
        may_post = self.appbuilder.sm.has_access("can_send", self.class_permission_name)
        return self.render_template("admin/social_posts.html", posts=posts, form=form, error=error,
                                    labels=STATUS_LABELS, may_post=may_post)

    @expose("/")
    @has_access
    def index(self):
        return self._page(SocialAnnouncementForm())

    @expose("/new", methods=["POST"])
    @has_access
    def new(self):
        form = SocialAnnouncementForm()
        if not form.validate_on_submit():
            flash_errors(form)
            return self._page(form)
        targets = [name for name in ("facebook", "instagram") if getattr(form, name).data]
        if not targets:
            flash("Pilih minimal satu tujuan: Halaman Facebook atau Instagram", "danger")
            return self._page(form)
        if "instagram" in targets and not form.image_url.data:
            flash("Instagram hanya menerima unggahan dengan gambar: isi alamat gambar", "danger")
            return self._page(form)
        payload = {"post_key": f"admin-{uuid.uuid4().hex}", "text": form.text.data.strip(),
                   "link": form.link.data or None, "image_url": form.image_url.data or None, "targets": targets,
                   "requested_by": g.user.username}
        send(celery_app(), "notifications.post_social", payload)
        flash(f"Pengumuman diantrekan untuk {', '.join(targets)}.", "info")
        return redirect(url_for("SocialPostView.index"))
