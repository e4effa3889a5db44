"""Registry Celery tasks: thin wrappers that parse the payload and call the plain functions."""
from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy.orm import Session

from services.common.contracts import contract_task
from services.common.db import current_database

from .importer.jobs import run_import_job

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

    # Idempotent: a finished run_key is not run again, and a rerun finds the same signatures anyway.
    @contract_task(celery, "registry.dedup_run", soft_time_limit=1800)
    def dedup_run(payload: dict) -> dict:
        """Run the whole duplicate check and store the cases; progress is kept in dedup_run."""
        from .dedup.store import run_dedup

        with Session(current_database().engine) as session:
            counts = run_dedup(session, payload.get("requested_by") or "sistem", payload["run_key"])
        log.info("dedup %s: %s", payload["run_key"], counts)
        return {"run_key": payload["run_key"], **counts}
