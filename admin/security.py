"""The admin's SecurityManager: FAB's users extended with the partner organisation they belong to."""
from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app, flash
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import User
from flask_appbuilder.security.views import UserDBModelView
from sqlalchemy import DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin.hardening import locked, register_failure
from services.registry.core.audit import record
from services.registry.models import Area, Organisation

log = logging.getLogger(__name__)


class BansosUser(User):
    """FAB's ``ab_user`` with the organisation of a partner user (empty for village staff)."""

    __tablename__ = "ab_user"
    # The registry's models live on another declarative base: point at the column object, not a name.
    organisation_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey(Organisation.__table__.c.id, name="fk_ab_user_organisation_id"), nullable=True
    )
    organisation: Mapped[Organisation | None] = relationship(Organisation)
    # The desa, kecamatan or kabupaten whose data the user works on (empty: every area, e.g. admin).
    area_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey(Area.__table__.c.id, name="fk_ab_user_area_id"), nullable=True, index=True
    )
    area: Mapped[Area | None] = relationship(Area)
    # Set after too many failed logins; no login (even with the right password) until then. Naive UTC.
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class BansosUserView(UserDBModelView):
    """User administration with the organisation (partners' programmes) and the area (every user's data)."""

    list_columns = ["first_name", "last_name", "username", "email", "active", "roles", "area", "organisation"]
    add_columns = [*UserDBModelView.add_columns[:-2], "area", "organisation", "password", "conf_password"]
    edit_columns = [*UserDBModelView.edit_columns, "area", "organisation", "locked_until"]
    show_fieldsets = [
        ("Pengguna", {"fields": ["username", "active", "roles", "area", "organisation", "login_count",
                                 "fail_login_count", "locked_until"]}),
        ("Data pribadi", {"fields": ["first_name", "last_name", "email"], "expanded": True}),
    ]
    label_columns = {**UserDBModelView.label_columns, "organisation": "Organisasi", "area": "Wilayah kerja",
                     "locked_until": "Terkunci sampai (UTC)", "fail_login_count": "Gagal masuk berturut-turut"}
    description_columns = {"locked_until": "Kosongkan untuk membuka kunci akun sekarang.",
                           "area": "Desa, kecamatan atau kabupaten yang datanya boleh dilihat pengguna ini "
                                   "(beserta wilayah di bawahnya). Kosong: semua wilayah."}


class BansosSecurityManager(SecurityManager):
    user_model = BansosUser
    userdbmodelview = BansosUserView

    def auth_user_db(self, username, password):
        """FAB's check, refused while the account is locked; enough failures in a row lock it."""
        user = (self.find_user(username=username) or self.find_user(email=username)) if username else None
        if locked(user):
            log.warning("login ditolak: akun %s terkunci sampai %s", user.username, user.locked_until)
            flash(f"Akun dikunci sementara karena terlalu banyak percobaan masuk yang gagal. "
                  f"Coba lagi setelah {current_app.config['ADMIN_LOCKOUT_MINUTES']} menit "
                  "atau hubungi admin.", "danger")
            return None
        authenticated = super().auth_user_db(username, password)
        if authenticated is None and register_failure(user):
            log.warning("akun %s dikunci setelah %s kegagalan", user.username,
                        current_app.config["ADMIN_LOGIN_MAX_FAILURES"])
            record(self.session, "sistem", "kunci_akun", "ab_user", user.id, username=user.username,
                   locked_until=user.locked_until.isoformat())
            self.update_user(user)
        return authenticated
