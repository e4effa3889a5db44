"""Registry app factory: JSON API and the Celery app its worker runs."""
from __future__ import annotations

from flask import Flask

from services.common.celery_app import make_celery
from services.common.health import health_blueprint
from services.common.logging import configure_logging

from .config import load_config


def create_app(config: dict | None = None) -> Flask:
    configure_logging()
    app = Flask(__name__)
    app.config.update(load_config())
    app.config.update(config or {})
    init_database(app)
    init_celery(app)
    init_blueprints(app)
    return app


def init_database(app: Flask) -> None:
    from services.common.db import Database

    Database().init_app(app, app.config["DATABASE_URL"])


def init_celery(app: Flask) -> None:
    celery = make_celery(app, queue="registry")
    from .tasks import register_tasks

    register_tasks(celery)


def init_blueprints(app: Flask) -> None:
    from .api import api

    app.register_blueprint(health_blueprint("registry"))
    app.register_blueprint(api)
