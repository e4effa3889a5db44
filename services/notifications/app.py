"""Notifications app factory: JSON API and the Celery app its worker runs."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from services.common.service_app import create_service_app

from .config import load_config


def create_app(config: dict | None = None) -> Flask:
    from .api import api
    from .tasks import register_tasks
    from .webhooks import webhooks

    app = create_service_app(__name__, "notifications", load_config(), config, register_tasks, api,
                             openapi_spec=Path(__file__).with_name("openapi.yaml"))
    app.register_blueprint(webhooks)
    return app
