"""Registry app factory: JSON API and the Celery app its worker runs."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from services.common.service_app import create_service_app

from .config import load_config


def create_app(config: dict | None = None) -> Flask:
    from .api import api
    from .capacity.public import public as public_certificates
    from .distribution.public import public as public_cycles
    from .geo_api import map_api, public_geo
    from .openrosa import openrosa
    from .survey_api import survey_api
    from .tasks import register_tasks

    app = create_service_app(__name__, "registry", load_config(), config, register_tasks, api,
                             openapi_spec=Path(__file__).with_name("openapi.yaml"))
    for blueprint in (map_api, public_geo, public_cycles, public_certificates, survey_api, openrosa):
        app.register_blueprint(blueprint)
    if app.config.get("TRUST_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    return app
