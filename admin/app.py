"""Admin app factory: Flask-AppBuilder over the registry database, plus a send-only Celery app."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request

from admin.config import load_config
from admin.extensions import make_appbuilder, make_database
from admin.hardening import init_hardening
from services.common.celery_app import make_celery
from services.common.health import health_blueprint
from services.common.inputs import install_input_guards
from services.common.logging import configure_logging
from services.registry.core.models.areas import AreaScopeError
from services.registry.web.area_scope import install_area_scope
from services.registry.web.audit_source import install_audit_source

HERE = Path(__file__).resolve().parent


def create_app(config: dict | None = None) -> Flask:
    configure_logging()
    # No app static folder: FAB's bundled assets serve every screen, admin/static only what FAB lacks
    # (Leaflet for the map), under /static/bansos; nothing is loaded from a CDN.
    app = Flask(__name__, template_folder=str(HERE / "templates"), static_folder=None)
    app.config.update(load_config())
    app.config.update(config or {})
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(HERE / "translations"))
    install_input_guards(app)
    install_audit_source(app)
    install_area_scope(app, _area_scope)
    init_database(app)
    init_celery(app)
    init_appbuilder(app)
    init_error_pages(app)
    init_hardening(app)
    app.register_blueprint(health_blueprint("admin"))
    app.register_blueprint(Blueprint("bansos_static", __name__, static_folder=str(HERE / "static"),
                                     static_url_path="/static/bansos"))
    return app


ERROR_PAGES = {
    403: ("Akses ditolak", "Peran Anda tidak diizinkan membuka halaman ini."),
    404: ("Tidak ditemukan", "Halaman atau data yang Anda cari tidak ada, atau bukan bagian wewenang Anda."),
}


def _area_scope():
    from admin.scoping import area_scope_of_request

    return area_scope_of_request()


def init_error_pages(app: Flask) -> None:
    def _error_page(error):
        title, message = ERROR_PAGES[error.code]
        if request.path.endswith(".json"):
            return {"error": message}, error.code
        page = render_template("admin/error.html", appbuilder=current_app.appbuilder, title=title, message=message)
        return page, error.code

    for code in ERROR_PAGES:
        app.register_error_handler(code, _error_page)

    @app.errorhandler(AreaScopeError)
    def _outside_area(error):
        # Raised by the registry's flush guard; the session of this request is unusable until rolled back.
        app.extensions["database"].session.rollback()
        if request.path.endswith(".json"):
            return {"error": str(error)}, 403
        flash(str(error), "danger")
        back = request.referrer or ""
        if back.startswith(request.host_url) and back.rstrip("/") != request.url.rstrip("/"):
            return redirect(back)
        title = ERROR_PAGES[403][0]
        return render_template("admin/error.html", appbuilder=current_app.appbuilder, title=title,
                               message=str(error)), 403

    @app.errorhandler(413)
    def _too_large(_error):
        limit_mb = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return f"Berkas terlalu besar: maksimum {limit_mb} MB per unggahan.", 413, {"Content-Type": "text/plain"}


def init_database(app: Flask) -> None:
    make_database().init_app(app, app.config["SQLALCHEMY_DATABASE_URI"])


def init_celery(app: Flask) -> None:
    # Send-only: the admin asks the services for work and registers no tasks of its own.
    make_celery(app, queue="admin")


def init_appbuilder(app: Flask) -> None:
    from admin.roles import FAB_ROLES
    from admin.views import init_views

    app.config.setdefault("FAB_ROLES", FAB_ROLES)
    appbuilder = make_appbuilder(update_perms=app.config["FAB_UPDATE_PERMS"])
    with app.app_context():
        appbuilder.init_app(app, app.extensions["database"].session)
        init_views(appbuilder)
