"""Admin extensions, created unbound and bound by the app factory (never module-level instances)."""
from __future__ import annotations

from celery import Celery
from flask import current_app
from flask_appbuilder import AppBuilder
from sqlalchemy.orm import Session

from services.common.db import Database


def make_database() -> Database:
    """The registry database holder; FAB uses its scoped session."""
    return Database()


def make_appbuilder(update_perms: bool) -> AppBuilder:
    """A fresh AppBuilder per app: a shared one makes a second app answer 404 everywhere."""
    return AppBuilder(update_perms=update_perms)


def db_session() -> Session:
    """The registry session of the current request (FAB's session)."""
    return current_app.extensions["database"].session


def celery_app() -> Celery:
    """The send-only Celery app of the admin."""
    return current_app.extensions["celery"]
