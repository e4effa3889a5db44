"""Scope every ORM statement of a web request to the areas of the user on the other end.

The model layer (core/models/areas.py) filters and guards every session by three context vars; this
sets them per request from the user's area and resets them on teardown, the same way
install_audit_source sets the audit chain's source."""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Flask, g

from services.registry.core.models.areas import CURRENT_AREA, VISIBLE_AREAS, WRITABLE_AREAS

_VARS = {"visible": VISIBLE_AREAS, "writable": WRITABLE_AREAS, "current": CURRENT_AREA}


def install_area_scope(app: Flask | Blueprint, scope_of_request: Callable[[], object | None]) -> None:
    """``scope_of_request()`` returns an AreaScope (core/areas.py) or None for every area; on a
    blueprint it runs after the blueprint's own checks registered before it (e.g. the service token)."""

    @app.before_request
    def _scope_to_user_area() -> None:
        scope = scope_of_request()
        if scope is None:
            return
        g._area_scope_tokens = {name: var.set(getattr(scope, name)) for name, var in _VARS.items()}

    @app.teardown_request
    def _unscope(_error=None) -> None:
        tokens = g.pop("_area_scope_tokens", None) or {}
        for name, token in tokens.items():
            try:
                _VARS[name].reset(token)
            except ValueError:  # torn down from another context (a test client keeping the request open)
                _VARS[name].set(None)
