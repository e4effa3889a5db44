"""Registry app factory: JSON API and the Celery app its worker runs."""
from __future__ import annotations

from flask import Flask

from services.common.service_app import create_service_app

from .config import load_config


def create_app(config: dict | None = None) -> Flask:
    from .api import api
    from .capacity.public import public
    from .tasks import register_tasks

    app = create_service_app(__name__, "registry", load_config(), config, register_tasks, api)
    app.register_blueprint(public)  # no-login pages (certificate verification); everything else needs a token
    return app
