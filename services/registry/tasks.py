"""Registry Celery tasks: thin wrappers that parse the payload and call the plain functions."""
from __future__ import annotations

import logging

from flask import current_app

from services.common.contracts import contract_task
from services.common.db import current_database

from .importer.jobs import run_import_job
from .inbound import record_inbound

log = logging.getLogger(__name__)


def register_tasks(celery) -> None:
    """Register the registry's contract tasks on ``celery``."""

    # acks_late (set app-wide) is safe here: a finished job is skipped, an interrupted one wrote nothing.
    @contract_task(celery, "registry.import_roster", soft_time_limit=3600)
    def import_roster(payload: dict) -> dict:
        """Run the import job ``payload["import_id"]`` unless it already finished."""
        job = run_import_job(current_database(), payload["import_id"],
                             progress_every=current_app.config.get("IMPORT_CHUNK_SIZE", 1000))
        log.info("impor %s: %s (diimpor %s, diperbarui %s, tetap %s, ditolak %s)", job.id, job.status,
                 job.imported, job.updated, job.unchanged, job.rejected)
        return {"import_id": job.id, "status": job.status}

    @contract_task(celery, "registry.record_inbound")
    def record_inbound_message(payload: dict) -> dict:
        """A resident's SMS/WhatsApp: a complaint ("ADUAN ...") or an inbox message, matched to a person."""
        with current_database().transaction() as session:
            result = record_inbound(session, payload)
        log.info("pesan masuk %s: %s %s", payload["key"], result["kind"], result["id"])
        return result
