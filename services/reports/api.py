"""Reports JSON API: runs and artifacts, scoped by the caller's organisation/programmes (the admin passes
a partner's scope on every call, so a foreign run or artifact id answers 404 here too)."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request, send_file
from sqlalchemy import and_, or_, select, true
from sqlalchemy.orm import selectinload

from services.common.auth import require_service_token
from services.common.db import current_database
from services.common.inputs import parse_id
from services.reports.models import Artifact, ReportRun

api = Blueprint("reports_api", __name__, url_prefix="/api")
require_service_token(api)


def _iso(value):
    return value.isoformat() if value else None


def artifact_json(artifact: Artifact) -> dict:
    return {"id": artifact.id, "format": artifact.format, "filename": artifact.filename,
            "sha256": artifact.sha256, "size_bytes": artifact.size_bytes, "created_at": _iso(artifact.created_at)}


def run_json(run: ReportRun) -> dict:
    return {"id": run.id, "run_key": run.run_key, "report": run.report, "kind": run.report,
            "programme_id": run.programme_id, "organisation_id": run.organisation_id, "period": run.period,
            "params": run.params, "status": run.status, "requested_by": run.requested_by,
            "created_at": _iso(run.created_at), "finished_at": _iso(run.finished_at), "error": run.error,
            "figures_sha256": run.figures_sha256, "artifacts": [artifact_json(a) for a in run.artifacts]}


@api.errorhandler(404)
def _not_found(_exc):
    return jsonify({"error": "Tidak ditemukan"}), 404


class BadScope(ValueError):
    pass


def _ids(name: str) -> list[int]:
    ids = [parse_id(v) for v in request.args.getlist(name)]
    if None in ids:
        raise BadScope(f"{name} harus berupa angka 0 sampai 2147483647")
    return ids


def scope_condition():
    """The caller's scope from the query: ``organisation_id`` (a partner: only its own partner reports and
    the recipient reports of the ``programme_id`` programmes it may see), else ``programme_id`` alone
    (the recipient reports of those programmes), else everything (village staff, auditors)."""
    organisations, programmes = _ids("organisation_id"), _ids("programme_id")
    if len(organisations) > 1:
        raise BadScope("organisation_id hanya boleh satu")
    recipients = and_(ReportRun.report == "programme_recipients", ReportRun.programme_id.in_(programmes))
    if organisations:
        return or_(ReportRun.organisation_id == organisations[0], recipients)
    if programmes:
        return ReportRun.programme_id.in_(programmes)
    return true()


@api.errorhandler(BadScope)
def _bad_scope(exc):
    return jsonify({"error": str(exc)}), 400


@api.get("/runs")
def list_runs():
    query = (select(ReportRun).options(selectinload(ReportRun.artifacts)).where(scope_condition())
             .order_by(ReportRun.id.desc()).limit(500))
    reports = request.args.getlist("report")
    if reports:
        query = query.where(ReportRun.report.in_(reports))
    runs = current_database().session.scalars(query).all()
    return jsonify({"runs": [run_json(r) for r in runs]})


@api.get("/runs/<int:run_id>")
def run_detail(run_id: int):
    run = current_database().session.scalar(select(ReportRun).where(ReportRun.id == run_id, scope_condition())
                                            .options(selectinload(ReportRun.artifacts)))
    if run is None:
        abort(404)
    return jsonify({**run_json(run), "figures": run.figures})


def _artifact(artifact_id: int) -> Artifact:
    """The artifact if it exists and lies in the caller's scope; another partner's gets the same 404."""
    artifact = current_database().session.scalar(
        select(Artifact).join(ReportRun).where(Artifact.id == artifact_id, scope_condition()))
    if artifact is None:
        abort(404)
    return artifact


@api.get("/artifacts/<int:artifact_id>")
def artifact_detail(artifact_id: int):
    artifact = _artifact(artifact_id)
    run = artifact.run
    return jsonify({**artifact_json(artifact), "run_id": artifact.run_id, "run_key": run.run_key,
                    "programme_id": run.programme_id, "organisation_id": run.organisation_id,
                    "report": run.report, "period": run.period})


@api.get("/artifacts/<int:artifact_id>/download")
def artifact_download(artifact_id: int):
    artifact = _artifact(artifact_id)
    return send_file(artifact.path, as_attachment=True, download_name=artifact.filename)
