"""``GET /health``: database and broker status of one service."""
from __future__ import annotations

from collections.abc import Callable

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


def health_blueprint(service: str, checks: dict[str, Callable[[], None]] | None = None,
                     counts: dict[str, Callable[[], int]] | None = None,
                     warnings: Callable[[], list[str]] | None = None) -> Blueprint:
    """``checks``: more named checks (e.g. the reports store's free space); each raises on a problem.
    ``counts``: numbers shown for the operator (e.g. stuck jobs a watchdog will re-send); they do not make the
    service unhealthy, so an orchestrator does not restart an API for a job that the beat is recovering.
    ``warnings``: sentences for the operator about the setup (e.g. a broker without persistence); like
    counts they leave the status alone."""
    bp = Blueprint(f"{service}_health", __name__)

    @bp.get("/health")
    def health():
        results = {"database": _check(current_app.extensions["database"].ping), "broker": _check(_ping_broker)}
        results.update({name: _check(check) for name, check in (checks or {}).items()})
        ok = all(value == "ok" for value in results.values())
        body = {"service": service, "status": "ok" if ok else "degraded", **results}
        for name, count in (counts or {}).items():
            try:
                body[name] = count()
            except Exception as exc:  # the database check above already says why
                body[name] = f"error: {type(exc).__name__}"
        if warnings is not None:
            try:
                body["warnings"] = warnings()
            except Exception as exc:  # the broker check above already says why
                body["warnings"] = [f"error: {type(exc).__name__}"]
        return jsonify(body), 200 if ok else 503

    return bp
