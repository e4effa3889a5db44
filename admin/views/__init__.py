"""The admin's screens, by domain (the folders follow services/registry); the menu is admin/views/screens.py."""
from __future__ import annotations

from flask_appbuilder import AppBuilder


def init_views(appbuilder: AppBuilder) -> None:
    """Register every view and menu entry of ``SCREENS`` on this app's AppBuilder."""
    from flask_wtf.csrf import generate_csrf

    # Imported here, not at the top: the view modules import admin.views' subpackages, which import this one.
    from admin.views.screens import register_screens

    # The work screens post plain HTML forms; Flask-WTF only adds csrf_token() when CSRFProtect is on.
    appbuilder.app.jinja_env.globals.setdefault("csrf_token", generate_csrf)
    register_screens(appbuilder)
