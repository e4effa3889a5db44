"""The admin's SecurityManager: FAB's users extended with the partner organisation they belong to."""
from __future__ import annotations

from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import User
from flask_appbuilder.security.views import UserDBModelView
from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registry.models import Organisation


class BansosUser(User):
    """FAB's ``ab_user`` with the organisation of a partner user (empty for village staff)."""

    __tablename__ = "ab_user"
    # The registry's models live on another declarative base: point at the column object, not a name.
    organisation_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey(Organisation.__table__.c.id, name="fk_ab_user_organisation_id"), nullable=True
    )
    organisation: Mapped[Organisation | None] = relationship(Organisation)


class BansosUserView(UserDBModelView):
    """User administration with the organisation field (partners' data scope)."""

    list_columns = ["first_name", "last_name", "username", "email", "active", "roles", "organisation"]
    add_columns = [*UserDBModelView.add_columns[:-2], "organisation", "password", "conf_password"]
    edit_columns = [*UserDBModelView.edit_columns, "organisation"]
    show_fieldsets = [
        ("Pengguna", {"fields": ["username", "active", "roles", "organisation", "login_count"]}),
        ("Data pribadi", {"fields": ["first_name", "last_name", "email"], "expanded": True}),
    ]
    label_columns = {**UserDBModelView.label_columns, "organisation": "Organisasi"}


class BansosSecurityManager(SecurityManager):
    user_model = BansosUser
    userdbmodelview = BansosUserView
