"""Registry app factory: JSON API and the Celery app its worker runs."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from services.common.service_app import create_service_app
from services.registry.config import load_config


def _stuck_jobs() -> int:
    """/health: jobs whose heartbeat is older than the watchdog's limit (the beat re-sends them)."""
    from datetime import timedelta

    from flask import current_app

    from services.common.db import current_database
    from services.registry.distribution.watchdog import stuck_count

    return stuck_count(current_database().session, timedelta(seconds=current_app.config["WATCHDOG_STALE_SECONDS"]))


def create_app(config: dict | None = None) -> Flask:
    from services.registry.tasks import register_tasks
    from services.registry.web.api import api
    from services.registry.web.audit_source import install_audit_source
    from services.registry.web.certificates import public as public_certificates
    from services.registry.web.geo import map_api, public_geo
    from services.registry.web.ledger import public as public_cycles
    from services.registry.web.openrosa import openrosa
    from services.registry.web.surveys import survey_api

    app = create_service_app(__name__, "registry", load_config(), config, register_tasks, api,
                             health_counts={"stuck_jobs": _stuck_jobs},
                             openapi_spec=Path(__file__).parent / "web" / "openapi.yaml")
    # Beat keeps its state under BANSOS_VAR, not in the working directory.
    app.extensions["celery"].conf.beat_schedule_filename = app.config["BEAT_SCHEDULE_FILE"]
    install_audit_source(app)
    for blueprint in (map_api, public_geo, public_cycles, public_certificates, survey_api, openrosa):
        app.register_blueprint(blueprint)
    if app.config.get("TRUST_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    return app
