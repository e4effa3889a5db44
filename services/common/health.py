"""``GET /health``: database and broker status of one service."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify


def _check(fn) -> str:
    try:
        fn()
        return "ok"
    except Exception as exc:  # reported, not swallowed: the answer carries the reason
        return f"error: {type(exc).__name__}: {exc}"[:300]


def _ping_broker() -> None:
    celery = current_app.extensions["celery"]
    with celery.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def health_blueprint(service: str) -> Blueprint:
    bp = Blueprint(f"{service}_health", __name__)

    @bp.get("/health")
    def health():
        database = _check(current_app.extensions["database"].ping)
        broker = _check(_ping_broker)
        ok = database == "ok" and broker == "ok"
        body = {"service": service, "status": "ok" if ok else "degraded", "database": database, "broker": broker}
        return jsonify(body), 200 if ok else 503

    return bp
