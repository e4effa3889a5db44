"""Each service's OpenAPI document covers its whole /api, and Schemathesis fuzzing finds no server error,
no undocumented status code and no answer that breaks the documented schema."""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS as REGISTERED
from schemathesis.checks import Failure, FailureGroup, ServerError, not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from services.common.openapi import documented_routes, flask_routes
from tests.contracts.conftest import TOKEN

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ALL_CHECKS = REGISTERED.get_all()
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))


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


def test_every_check_on_valid_and_invalid_data_finds_no_server_error(service_app):
    """All of Schemathesis' checks (stateful ones included) on schema-valid and schema-breaking requests:
    the stricter ones may judge the document's precision, but no answer may be a server error."""
    for operation in _operations(service_app):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
            @given(operation.as_strategy(generation_mode=mode))
            def fuzz(case):
                try:
                    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"},
                                           checks=ALL_CHECKS)
                except FailureGroup as group:
                    errors = [f for f in group.exceptions if isinstance(f, ServerError)]
                    assert not errors, errors
                except ServerError as error:
                    raise AssertionError(error) from error
                except Failure:
                    pass  # a finer point of the document, not a crash

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
