"""Who sees what: the programmes a user may see and whether NIKs must be masked for them."""
from __future__ import annotations

from flask import g
from flask_appbuilder.models.sqla.filters import FilterInFunction, get_field_setup_query

from admin.extensions import db_session
from admin.roles import ADMIN, PARTNER_ROLES, UNSCOPED_ROLES
from services.common.privacy import mask_nik


def _role_names(user) -> set[str]:
    return {role.name for role in getattr(user, "roles", None) or []}


def is_partner(user=None) -> bool:
    """A partner (Mitra LSM/CSR) without any unscoped role: sees only its programmes, masked NIKs."""
    user = user if user is not None else getattr(g, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return True  # anonymous is treated as the most restricted
    names = _role_names(user)
    return bool(names & PARTNER_ROLES) and not (names & UNSCOPED_ROLES)


def area_scope_of_request():
    """The AreaScope of the logged-in user (core/areas.py), or None for every area: admins and users
    without an area. Set for the whole request by services/registry/web/area_scope.py."""
    from flask_login import current_user

    from services.registry.core.areas import scope_of

    user = current_user
    if not getattr(user, "is_authenticated", False) or getattr(user, "area_id", None) is None:
        return None
    if ADMIN in _role_names(user):
        return None
    return scope_of(db_session(), user.area_id)


def visible_programme_ids(user=None) -> set[int] | None:
    """Programme ids the user may see, or None for every programme (village staff, auditor)."""
    user = user if user is not None else getattr(g, "user", None)
    if not is_partner(user):
        return None
    organisation_id = getattr(user, "organisation_id", None)
    if organisation_id is None:
        return set()  # a partner account without organisation sees nothing
    from services.registry.programmes.queries import visible_programme_ids as registry_visible

    return set(registry_visible(db_session(), organisation_id))


def can_see_programme(programme_id: int | None, user=None) -> bool:
    ids = visible_programme_ids(user)
    return programme_id is not None and (ids is None or int(programme_id) in ids)


class FilterVisibleProgrammes(FilterInFunction):
    """base_filters entry: restrict a programme id column to ``visible_programme_ids()``."""

    name = "Program yang boleh dilihat"

    def apply(self, query, func):
        ids = func()
        if ids is None:
            return query
        query, field = get_field_setup_query(query, self.model, self.column_name)
        return query.filter(field.in_(sorted(ids)))


def nik_for_viewer(nik: str | None) -> str:
    """Full NIK for village staff and auditors, masked for partners."""
    return mask_nik(nik) if is_partner() else (nik or "")


def kk_for_viewer(no_kk: str | None) -> str:
    """No. KK is as personal as the NIK: masked the same way for partners."""
    return nik_for_viewer(no_kk)
