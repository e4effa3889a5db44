"""Reports JSON API: runs (filterable by programme) and artifact metadata and downloads."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request, send_file
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from services.common.auth import require_service_token
from services.common.db import current_database

from .models import Artifact, ReportRun

api = Blueprint("reports_api", __name__, url_prefix="/api")
require_service_token(api)


def _iso(value):
    return value.isoformat() if value else None


def artifact_json(artifact: Artifact) -> dict:
    return {"id": artifact.id, "format": artifact.format, "filename": artifact.filename,
            "sha256": artifact.sha256, "size_bytes": artifact.size_bytes, "created_at": _iso(artifact.created_at)}


def run_json(run: ReportRun) -> dict:
    return {"id": run.id, "run_key": run.run_key, "report": run.report, "programme_id": run.programme_id,
            "params": run.params, "status": run.status, "requested_by": run.requested_by,
            "created_at": _iso(run.created_at), "finished_at": _iso(run.finished_at), "error": run.error,
            "artifacts": [artifact_json(a) for a in run.artifacts]}


@api.errorhandler(404)
def _not_found(_exc):
    return jsonify({"error": "Tidak ditemukan"}), 404


@api.get("/runs")
def list_runs():
    try:
        programme_ids = [int(v) for v in request.args.getlist("programme_id")]
    except ValueError:
        return jsonify({"error": "programme_id harus berupa angka"}), 400
    query = select(ReportRun).options(selectinload(ReportRun.artifacts)).order_by(ReportRun.id.desc()).limit(500)
    if programme_ids:
        query = query.where(ReportRun.programme_id.in_(programme_ids))
    runs = current_database().session.scalars(query).all()
    return jsonify({"runs": [run_json(r) for r in runs]})


def _artifact(artifact_id: int) -> Artifact:
    artifact = current_database().session.get(Artifact, artifact_id)
    if artifact is None:
        abort(404)
    return artifact


@api.get("/artifacts/<int:artifact_id>")
def artifact_detail(artifact_id: int):
    artifact = _artifact(artifact_id)
    return jsonify({**artifact_json(artifact), "run_id": artifact.run_id, "run_key": artifact.run.run_key,
                    "programme_id": artifact.run.programme_id})


@api.get("/artifacts/<int:artifact_id>/download")
def artifact_download(artifact_id: int):
    artifact = _artifact(artifact_id)
    return send_file(artifact.path, as_attachment=True, download_name=artifact.filename)
