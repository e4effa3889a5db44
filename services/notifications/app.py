"""Notifications app factory: JSON API and the Celery app its worker runs."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from services.common.service_app import create_service_app
from services.notifications.config import load_config


def create_app(config: dict | None = None) -> Flask:
    from services.notifications.api import api
    from services.notifications.health import stuck_chunks, warnings
    from services.notifications.tasks import register_tasks
    from services.notifications.webhooks import webhooks

    app = create_service_app(__name__, "notifications", load_config(), config, register_tasks, api,
                             openapi_spec=Path(__file__).with_name("openapi.yaml"),
                             health_counts={"stuck_chunks": stuck_chunks}, health_warnings=warnings)
    # Beat keeps its state under BANSOS_VAR, not in the working directory.
    app.extensions["celery"].conf.beat_schedule_filename = app.config["BEAT_SCHEDULE_FILE"]
    app.register_blueprint(webhooks)
    return app
