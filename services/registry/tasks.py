"""Registry Celery tasks: thin wrappers that parse the payload and call the plain functions."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.orm import Session

from services.common import contracts
from services.common.contracts import contract_task
from services.common.db import current_database, utcnow
from services.registry.distribution.batches import export_batch
from services.registry.distribution.common import DistributionError
from services.registry.distribution.statements import apply_statement
from services.registry.distribution.verification import record_sms_reply
from services.registry.feedback.clock import ClockRules
from services.registry.feedback.complaints import ComplaintError, escalate_overdue, record_complaint
from services.registry.feedback.inbound import record_inbound
from services.registry.feedback.satisfaction import record_survey
from services.registry.people.importer.jobs import run_import_job
from services.registry.programmes.entitlements import run_chunk
from services.registry.surveys.scoring import rescore

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

    # One chunk per delivery (no task holds a whole cycle); a repeated delivery finds those rows made.
    @contract_task(celery, "registry.generate_entitlements", soft_time_limit=600)
    def generate_entitlements(payload: dict) -> dict:
        result = run_chunk(current_database(), payload["cycle_id"],
                           current_app.config.get("ENTITLEMENT_CHUNK_SIZE", 1000))
        log.info("hak bantuan siklus %s: +%s (total %s, selesai=%s)", payload["cycle_id"], result["created"],
                 result.get("generated"), result["done"])
        if not result["done"]:
            contracts.send(celery, "registry.generate_entitlements", {"cycle_id": payload["cycle_id"]})
        return result

    # Whole-registry re-ranking is one SQL statement (seconds at 300k households), so no chunking;
    # re-running it (redelivery) writes the same rows again.
    @contract_task(celery, "registry.rescore", soft_time_limit=600)
    def rescore_task(payload: dict) -> dict:
        """Re-score and rank every household under the welfare instrument (or ``instrument_code``)."""
        with current_database().transaction() as session:
            summary = rescore(session, payload.get("instrument_code"),
                              actor=payload.get("requested_by") or "sistem")
        log.info("penilaian ulang %s: %s keluarga", payload["rescore_key"], summary["households"])
        return summary

    register_distribution_tasks(celery)

    @contract_task(celery, "registry.record_inbound")
    def record_inbound_message(payload: dict) -> dict:
        """A resident's SMS/WhatsApp: a complaint ("ADUAN ...") or an inbox message, matched to a person."""
        with current_database().transaction() as session:
            result = record_inbound(session, payload)
        log.info("pesan masuk %s: %s %s", payload["key"], result["kind"], result["id"])
        return result

    @contract_task(celery, "registry.record_complaint")
    def record_complaint_task(payload: dict) -> dict:
        """Store a complaint from the public site; redelivery finds it by its tracking code."""
        database = current_database()
        try:
            with database.transaction() as session:
                complaint = record_complaint(session, payload, actor=f"publik:{payload['channel']}")
                return {"tracking_code": complaint.tracking_code, "id": complaint.id}
        except ComplaintError as exc:
            # Retrying cannot fix bad content: report it in the log with its code, keep the worker going.
            log.warning("pengaduan %s ditolak: %s", payload["tracking_code"], exc)
            return {"tracking_code": payload["tracking_code"], "error": str(exc)}

    @contract_task(celery, "registry.escalate_complaints")
    def escalate_complaints(payload: dict) -> dict:
        """Escalate overdue complaints (once per clock step) and auto-close expired ones."""
        now = datetime.fromisoformat(payload["now"]) if payload.get("now") else utcnow()
        with current_database().transaction() as session:
            counts = escalate_overdue(session, now, ClockRules.from_env())
        log.info("eskalasi pengaduan: %s", counts)
        return counts

    @contract_task(celery, "registry.record_survey")
    def record_survey_task(payload: dict) -> dict:
        try:
            with current_database().transaction() as session:
                response = record_survey(session, payload)
                return {"id": response.id, "cycle_id": response.cycle_id, "training_id": response.training_id}
        except ComplaintError as exc:
            log.warning("survei %s ditolak: %s", payload["code"], exc)
            return {"code": payload["code"], "error": str(exc)}

    # Idempotent: final values are kept (unless force) and provisional ones are simply replaced.
    @contract_task(celery, "registry.compute_indicators", soft_time_limit=600)
    def compute_indicators(payload: dict) -> dict:
        """Compute and store every active indicator for a period (default: the last complete month)."""
        from services.registry.core.periods import parse_month, previous_month
        from services.registry.indicators.snapshots import compute_all

        now = utcnow()
        month = parse_month(payload["period"]) if payload.get("period") else previous_month(now)
        with current_database().transaction() as session:
            counts = compute_all(session, month, now, bool(payload.get("force")),
                                 actor=payload.get("requested_by") or "sistem")
        log.info("indikator %s: %s", f"{month:%Y-%m}", counts)
        return {"period": f"{month:%Y-%m}", **counts}

    # Idempotent: a finished run_key is not run again, and a rerun finds the same signatures anyway.
    @contract_task(celery, "registry.dedup_run", soft_time_limit=1800)
    def dedup_run(payload: dict) -> dict:
        """Run the whole duplicate check and store the cases; progress is kept in dedup_run."""
        from services.registry.people.dedup.store import run_dedup

        with Session(current_database().engine) as session:
            counts = run_dedup(session, payload.get("requested_by") or "sistem", payload["run_key"])
        log.info("dedup %s: %s", payload["run_key"], counts)
        return {"run_key": payload["run_key"], **counts}


def register_distribution_tasks(celery) -> None:
    """Payment export, bank results and verification replies: both money jobs resume or redo safely when a
    killed worker's task is redelivered (files rewritten; conditional updates skip work already done)."""
    @contract_task(celery, "registry.export_payment_batch", soft_time_limit=3600)
    def export_payment_batch(payload: dict) -> dict:
        batch = export_batch(current_database().engine, payload["batch_id"], payload.get("requested_by", "sistem"))
        log.info("batch %s: %s (%s item)", batch.id, batch.status, batch.exported_items)
        return {"batch_id": batch.id, "status": batch.status}

    @contract_task(celery, "registry.import_bank_statement", soft_time_limit=3600)
    def import_bank_statement(payload: dict) -> dict:
        statement = apply_statement(current_database().engine, payload["statement_id"],
                                    payload.get("requested_by", "bank"))
        log.info("hasil bank %s: %s (dibayar %s, gagal %s, kembali %s, tetap %s)", statement.id, statement.status,
                 statement.paid, statement.failed, statement.returned, statement.unchanged)
        return {"statement_id": statement.id, "status": statement.status}

    # Beat sends this every WATCHDOG_INTERVAL seconds; a second beat only re-sends what is idempotent anyway.
    @contract_task(celery, "registry.run_watchdogs", soft_time_limit=300)
    def run_watchdogs_task(payload: dict) -> dict:
        from services.registry.distribution.watchdog import run_watchdogs

        older_than = timedelta(seconds=payload.get("older_than_seconds")
                               or current_app.config.get("WATCHDOG_STALE_SECONDS", 600))
        with current_database().transaction() as session:
            run = run_watchdogs(session, celery, older_than)
            result = {"entitlements": run.entitlements, "exports": run.exports, "statements": run.statements}
        log.info("watchdog: %s", result)
        return result

    @contract_task(celery, "registry.batch_stored")
    def batch_stored(payload: dict) -> dict:
        from services.registry.outreach.outbox import acknowledge

        with current_database().transaction() as session:
            acked = acknowledge(session, payload["campaign_key"], payload["batch_no"])
        return {"campaign_key": payload["campaign_key"], "batch_no": payload["batch_no"], "acked": acked}

    @contract_task(celery, "registry.record_verification_reply")
    def record_verification_reply(payload: dict) -> dict:
        """A bad or foreign reply is logged and dropped: retrying it would never succeed."""
        session = current_database().session
        try:
            case = record_sms_reply(session, payload["text"], payload["phone"])
        except DistributionError as exc:
            session.rollback()
            log.warning("balasan verifikasi %s ditolak: %s", payload["message_key"], exc)
            return {"message_key": payload["message_key"], "status": "ditolak", "reason": str(exc)}
        return {"message_key": payload["message_key"], "status": "dicatat", "case_id": case.id}
