"""Pencacah: the ODK Collect accounts of field enumerators, with the password set here or by the CLI.

The password is never shown or audited: ``surveys.credentials.set_password`` writes the werkzeug hash and the
Digest HA1 together (services/registry/web/openrosa_auth.py), and the audit entry names only the fact that
the password changed."""
from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import inspect
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from admin.views.system.audit import AuditedModelView, audit_entry, changed_columns
from services.registry.models import Enumerator
from services.registry.surveys.credentials import set_password

SECRET_COLUMNS = ("password_hash", "digest_ha1")
_LENGTH = Length(min=8, message="Kata sandi minimal 8 karakter")


class EnumeratorView(AuditedModelView):
    datamodel = SQLAInterface(Enumerator)
    class_permission_name = "EnumeratorView"
    route_base = "/enumerators"
    base_permissions = ["can_list", "can_show", "can_add", "can_edit"]
    list_title = show_title = "Pencacah (ODK Collect)"
    add_title = "Tambah Pencacah"
    edit_title = "Ubah Pencacah / Ganti Kata Sandi"
    list_columns = ["username", "full_name", "phone", "active", "digest_ready"]
    show_columns = ["username", "full_name", "phone", "active", "digest_ready", "created_at"]
    add_columns = ["username", "full_name", "phone", "active", "password"]
    edit_columns = ["full_name", "phone", "active", "password"]
    search_columns = ["username", "full_name", "active"]
    base_order = ("username", "asc")
    label_columns = {"username": "Nama pengguna", "full_name": "Nama lengkap", "phone": "No. HP", "active": "Aktif",
                     "digest_ready": "Login Digest siap", "created_at": "Dibuat", "password": "Kata sandi"}
    description_columns = {"password": "Minimal 8 karakter. Saat mengubah: kosongkan bila tidak diganti."}
    add_form_extra_fields = {"password": PasswordField("Kata sandi", validators=[DataRequired(), _LENGTH])}
    edit_form_extra_fields = {"password": PasswordField("Kata sandi baru", validators=[Optional(), _LENGTH])}
    validators_columns = {"username": [DataRequired(), Regexp(r"^[A-Za-z0-9._-]{3,60}$",
                                                              message="3-60 huruf, angka, titik, garis bawah")]}

    @staticmethod
    def _take_password(item) -> bool:
        password = item.__dict__.pop("password", None)  # put there by the form, not a column
        if password:
            set_password(item, password)
        return bool(password)

    def pre_add(self, item):
        self._take_password(item)

    def post_add(self, item):
        session = self.datamodel.session
        columns = {key: getattr(item, key) for key in inspect(item).mapper.column_attrs.keys()
                   if key not in SECRET_COLUMNS}
        audit_entry(session, "create", item, {**{k: str(v) if v is not None else None for k, v in columns.items()},
                                              "password": "diatur"})
        session.commit()

    def pre_update(self, item):
        changed = self._take_password(item)
        details = {k: v for k, v in changed_columns(item).items() if k not in SECRET_COLUMNS}
        if changed:
            details["password"] = "diganti"
        audit_entry(self.datamodel.session, "update", item, details)
