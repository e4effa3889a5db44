"""Bearer-token guard shared by the service APIs (the admin calls them with SERVICE_TOKEN)."""
from __future__ import annotations

import hmac

from flask import Blueprint, current_app, jsonify, request


def _token_ok(header: str | None) -> bool:
    expected = current_app.config.get("SERVICE_TOKEN")
    if not expected or not header or not header.startswith("Bearer "):
        return False
    # Constant-time comparison: the token guards personal data.
    return hmac.compare_digest(header[len("Bearer "):].strip().encode(), str(expected).encode())


def require_service_token(bp: Blueprint) -> None:
    """Make every route of ``bp`` answer 401 (JSON, Indonesian) without ``Authorization: Bearer <SERVICE_TOKEN>``."""

    @bp.before_request
    def _check_service_token():
        if _token_ok(request.headers.get("Authorization")):
            return None
        response = jsonify({"error": "Tidak berwenang: token layanan tidak ada atau salah"})
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="bansos"'
        return response
