"""Celery tasks of the reports service: thin wrappers over runner.py."""
from __future__ import annotations

from flask import current_app

from services.common.contracts import contract_task, send
from services.common.db import current_database

from .runner import generate_run, monthly_payloads


def register_tasks(celery) -> None:
    @contract_task(celery, "reports.generate")
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
