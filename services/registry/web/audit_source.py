"""Tell the audit chain who is on the other end of a web request (the model itself knows no Flask)."""
from __future__ import annotations

from flask import Flask, g, request

from services.registry.core.models.audit import REQUEST_SOURCE


def install_audit_source(app: Flask) -> None:
    @app.before_request
    def _remember_client() -> None:
        g._audit_source_token = REQUEST_SOURCE.set(request.remote_addr or "web")

    @app.teardown_request
    def _forget_client(_error=None) -> None:
        token = g.pop("_audit_source_token", None)
        if token is None:
            return
        try:
            REQUEST_SOURCE.reset(token)
        except ValueError:  # torn down from another context (a test client keeping the request open)
            REQUEST_SOURCE.set(None)
