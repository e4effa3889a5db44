"""Celery tasks of the reports service: thin wrappers over runner.py."""
from __future__ import annotations

from flask import current_app

from services.common.contracts import contract_task, send
from services.common.db import current_database
from services.common.settings import env_int
from services.reports.runner import generate_run, monthly_payloads, periodic_payloads
from services.reports.store import StoreFull


def register_tasks(celery) -> None:
    # A full store disk is temporary: retry later (the same run_key redoes the run from scratch).
    @contract_task(celery, "reports.generate", autoretry_for=(StoreFull,), retry_backoff=False,
                   default_retry_delay=env_int("REPORTS_DISK_RETRY_SECONDS", 300), max_retries=24)
    def generate(payload: dict) -> str:
        run = generate_run(current_database(), current_app.config["REGISTRY_READ_URL"],
                           current_app.config["REPORTS_STORE"], payload)
        return run.status

    @contract_task(celery, "reports.monthly")
    def monthly(payload: dict) -> int:
        payloads = monthly_payloads(current_app.config["REGISTRY_READ_URL"], payload.get("period"))
        for item in payloads:
            send(celery, "reports.generate", item)
        return len(payloads)

    @contract_task(celery, "reports.periodic")
    def periodic(payload: dict) -> int:
        """Beat's tick for one periodic report: send its run(s) for the last closed period."""
        payloads = periodic_payloads(current_app.config["REGISTRY_READ_URL"], payload["report"],
                                     payload.get("period"))
        for item in payloads:
            send(celery, "reports.generate", item)
        return len(payloads)
