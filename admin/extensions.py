"""Admin extensions, created unbound and bound by the app factory (never module-level instances)."""
from __future__ import annotations

from celery import Celery
from flask import current_app
from flask_appbuilder import AppBuilder
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from services.common.db import Database


def make_database() -> Database:
    """The registry database holder; FAB uses its scoped session."""
    return Database()


class BansosAppBuilder(AppBuilder):
    @property
    def app_name(self) -> str:
        """"Bansos Desa Gili Anyar" for a user of one desa, else "Bansos Kabupaten Bangkalan"."""
        return f"{current_app.config['APP_NAME']} {home_area_title()}".strip()


def home_area_title() -> str:
    """The title of the request's desa, or of the default desa's kabupaten for staff above the village."""
    from services.registry.core.models.areas import CURRENT_AREA, default_desa_code
    from services.registry.models import Area

    area_id = CURRENT_AREA.get()
    titles: dict = current_app.extensions.setdefault("area_titles", {})
    if area_id not in titles:
        query = (select(Area).where(Area.id == area_id) if area_id is not None
                 else select(Area).where(Area.code == ".".join(default_desa_code().split(".")[:2])))
        try:
            area = db_session().scalar(query.execution_options(all_areas=True))
        except SQLAlchemyError:  # a database not migrated yet: the plain name
            db_session().rollback()
            area = None
        if area is None:
            return ""
        titles[area_id] = area.title  # areas are renamed by an import, rarely: a restart shows a rename
    return titles[area_id]


def make_appbuilder(update_perms: bool) -> AppBuilder:
    """A fresh AppBuilder per app: a shared one makes a second app answer 404 everywhere."""
    return BansosAppBuilder(update_perms=update_perms)


def db_session() -> Session:
    """The registry session of the current request (FAB's session)."""
    return current_app.extensions["database"].session


def celery_app() -> Celery:
    """The send-only Celery app of the admin."""
    return current_app.extensions["celery"]
