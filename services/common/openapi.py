"""Each service's OpenAPI document (a YAML file beside its code), served at ``GET /api/openapi.json``.

The document is the API's contract for other teams and for the fuzzing in tests/contracts/test_openapi.py,
which also fails when a route under /api is missing from it."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml
from flask import Blueprint, Flask, jsonify

_CONVERTER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


# services.common.inputs refuses these before any view runs, so every operation that takes input may answer so.
GUARD_ANSWER = {"description": "Masukan ditolak: karakter NUL, JSON terlalu dalam, atau badan bukan JSON",
                "content": {"application/json": {"schema": {
                    "type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}}}}


@cache
def load_spec(path: str) -> dict:
    spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and (operation.get("parameters") or operation.get("requestBody")
                                                or item.get("parameters")):
                operation.setdefault("responses", {}).setdefault("400", GUARD_ANSWER)
    return spec


def openapi_blueprint(service: str, spec_path: Path) -> Blueprint:
    bp = Blueprint(f"{service}_openapi", __name__)

    @bp.get("/api/openapi.json")
    def openapi_document():
        return jsonify(load_spec(str(spec_path)))

    return bp


# Machine-readable public files are part of the contract too (a report chart that social posts link to);
# the HTML pages of /publik are not an API.
API_PREFIXES = ("/api/", "/public/", "/publik/laporan/")


def flask_routes(app: Flask, prefixes: tuple[str, ...] = API_PREFIXES) -> set[tuple[str, str]]:
    """(METHOD, OpenAPI-style path) of every API route of ``app`` (service and public), the document excepted."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(prefixes) or rule.rule.endswith("/openapi.json"):
            continue
        path = _CONVERTER.sub(r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((method, path))
    return found


def documented_routes(spec: dict) -> set[tuple[str, str]]:
    methods = {"get", "post", "put", "patch", "delete"}
    return {(method.upper(), path) for path, item in spec.get("paths", {}).items()
            for method in item if method in methods}
