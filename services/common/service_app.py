"""The app factory body every service shares: config, database, Celery with its tasks, /health and the API."""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Flask

from .celery_app import make_celery
from .db import Database
from .health import health_blueprint
from .logging import configure_logging
from .web_security import install_security_headers


def create_service_app(import_name: str, service: str, settings: dict, overrides: dict | None,
                       register_tasks: Callable, api: Blueprint,
                       health_checks: dict[str, Callable[[], None]] | None = None) -> Flask:
    """Build one service's Flask app; ``overrides`` (tests) win over ``settings`` (environment)."""
    configure_logging()
    app = Flask(import_name)
    app.config.update(settings)
    app.config.update(overrides or {})
    Database().init_app(app, app.config["DATABASE_URL"])
    register_tasks(make_celery(app, queue=service))
    app.register_blueprint(health_blueprint(service, health_checks))
    app.register_blueprint(api)
    install_security_headers(app)
    return app
