"""The app factory body every service shares: config, database, Celery with its tasks, /health and the API."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, Flask

from services.common.celery_app import make_celery
from services.common.db import Database
from services.common.health import health_blueprint
from services.common.inputs import install_input_guards
from services.common.logging import configure_logging
from services.common.openapi import openapi_blueprint
from services.common.web_security import install_security_headers


def create_service_app(import_name: str, service: str, settings: dict, overrides: dict | None,
                       register_tasks: Callable, api: Blueprint,
                       health_checks: dict[str, Callable[[], None]] | None = None,
                       openapi_spec: Path | None = None,
                       health_counts: dict[str, Callable[[], int]] | None = None,
                       health_warnings: Callable[[], list[str]] | None = None) -> Flask:
    """Build one service's Flask app; ``overrides`` (tests) win over ``settings`` (environment)."""
    configure_logging()
    app = Flask(import_name)
    app.config.update(settings)
    app.config.update(overrides or {})
    install_input_guards(app)
    Database().init_app(app, app.config["DATABASE_URL"])
    register_tasks(make_celery(app, queue=service))
    app.register_blueprint(health_blueprint(service, health_checks, health_counts, health_warnings))
    app.register_blueprint(api)
    if openapi_spec is not None:
        app.register_blueprint(openapi_blueprint(service, openapi_spec))
    install_security_headers(app)
    return app
