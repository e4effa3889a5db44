"""Reports app factory: JSON API and the Celery app its worker and beat run."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from services.common.service_app import create_service_app
from services.common.web_security import content_security_policy, install_security_headers
from services.reports.config import load_config
from services.reports.store import check_store


def create_app(config: dict | None = None) -> Flask:
    from services.reports.api import api
    from services.reports.public.site import limiter, public
    from services.reports.tasks import register_tasks

    checks = {"store": lambda: check_store(current_app.config["REPORTS_STORE"],
                                           current_app.config["REPORTS_STORE_MIN_FREE_MB"])}
    app = create_service_app(__name__, "reports", load_config(), config, register_tasks, api, checks,
                             openapi_spec=Path(__file__).with_name("openapi.yaml"))
    # The public transparency site (no login) lives on the reports service, with its own strict headers.
    app.register_blueprint(public)
    limiter.init_app(app)
    install_security_headers(app, content_security_policy())
    # Beat keeps its state under BANSOS_VAR, not in the working directory.
    app.extensions["celery"].conf.beat_schedule_filename = app.config["BEAT_SCHEDULE_FILE"]
    return app
