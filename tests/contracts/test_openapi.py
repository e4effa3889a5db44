"""Each service's OpenAPI document covers its whole /api, and Schemathesis fuzzing finds no server error,
no undocumented status code and no answer that breaks the documented schema."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from services.common.openapi import documented_routes, flask_routes

TOKEN = "token-uji-openapi"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))


def _registry_app(var):
    from services.registry import schema
    from services.registry.app import create_app
    from services.registry.cli.demo.seed import seed_demo

    url = f"sqlite:///{var / 'registry.db'}"
    schema.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SERVICE_TOKEN": TOKEN})
    with app.app_context():
        seed_demo(app.extensions["database"].session)
    return app


def _reports_app(var):
    from services.reports import schema
    from services.reports.app import create_app
    from tests.reports.conftest import fill_registry

    registry_url, url = f"sqlite:///{var / 'registry.db'}", f"sqlite:///{var / 'reports.db'}"
    from services.registry import schema as registry_schema

    registry_schema.upgrade(registry_url)
    fill_registry(registry_url)
    schema.upgrade(url)
    return create_app({"DATABASE_URL": url, "REGISTRY_READ_URL": registry_url, "SERVICE_TOKEN": TOKEN,
                       "REPORTS_STORE": str(var / "reports")})


def _notifications_app(var):
    from services.notifications import schema
    from services.notifications.app import create_app

    url = f"sqlite:///{var / 'notifications.db'}"
    schema.upgrade(url)
    return create_app({"DATABASE_URL": url, "SERVICE_TOKEN": TOKEN})


FACTORIES = {"registry": _registry_app, "reports": _reports_app, "notifications": _notifications_app}


@pytest.fixture(scope="module", params=sorted(FACTORIES))
def service_app(request, tmp_path_factory):
    var = tmp_path_factory.mktemp(f"openapi-{request.param}")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BANSOS_VAR", str(var))
        mp.setenv("BANSOS_DEMO", "1")
        app = FACTORIES[request.param](var)
        yield app
        app.extensions["database"].engine.dispose()


def test_the_document_is_served_and_covers_every_api_route(service_app):
    spec = service_app.test_client().get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert flask_routes(service_app) - documented_routes(spec) == set(), "rute /api tanpa dokumentasi OpenAPI"
    assert documented_routes(spec) - flask_routes(service_app) == set(), "dokumentasi untuk rute yang tidak ada"


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_fuzzed_requests_get_documented_answers(service_app):
    operations = _operations(service_app)
    assert operations
    for operation in operations:
        @FUZZ
        @given(operation.as_strategy())
        def fuzz(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS)

        fuzz()


def test_requests_without_the_token_are_refused(service_app):
    for operation in _operations(service_app):
        if operation.definition.raw.get("security") == []:
            continue  # public by design (aggregates only)
        @settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
        @given(operation.as_strategy())
        def refused(case):
            response = case.call(headers={"Authorization": "Bearer salah"})
            assert response.status_code == 401 and "Tidak berwenang" in response.json()["error"]

        refused()
