"""Plain functions behind the tasks and the CLI: run one report by run_key, or the monthly and periodic batches."""
from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from services.registry.core.periods import JAKARTA, month_of, period_for, previous_period
from services.registry.models import Programme
from services.reports.kabupaten_data import tahunan_kabupaten
from services.reports.models import Artifact, ReportRun, utcnow
from services.reports.partner_data import mitra_triwulan
from services.reports.periodic_data import figures_sha256, realisasi_bulanan
from services.reports.periodic_render import WRITERS as PERIODIC_WRITERS
from services.reports.recipients_data import load_report
from services.reports.registry_read import registry_sessions
from services.reports.renderers import WRITERS
from services.reports.store import StoreFull, full_disk_message, is_disk_full


def build_figures(session: Session, kind: str, params: dict) -> dict:
    if kind == "realisasi_bulanan":
        return realisasi_bulanan(session, params.get("period"))
    if kind == "tahunan_kabupaten":
        return tahunan_kabupaten(session, params.get("period"))
    if kind == "mitra_triwulan":
        return mitra_triwulan(session, params.get("period"), params["organisation_id"])
    raise ValueError(f"Jenis laporan tidak dikenal: {kind}")


def current_period() -> str:
    return month_of(datetime.now(JAKARTA))


def write_atomically(writer, report, target: Path) -> tuple[str, int]:
    """Write to a temp file in the same folder, then rename: readers never see half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    os.close(fd)
    try:
        writer(report, tmp)
        digest = hashlib.sha256(Path(tmp).read_bytes()).hexdigest()
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest, target.stat().st_size


def _safe_name(run_key: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in run_key)


def _recipients_files(registry_url: str, payload: dict, folder: Path) -> list[Artifact]:
    params = payload["params"]
    with registry_sessions(registry_url)() as registry:
        report = load_report(registry, params["programme_id"], params.get("period") or current_period(),
                             datetime.now(JAKARTA))
    files = []
    for fmt in dict.fromkeys(payload["formats"]):
        filename = f"penerima-{report.programme_code}-{report.period}.{fmt}".lower()
        digest, size = write_atomically(WRITERS[fmt], report, folder / filename)
        files.append(Artifact(format=fmt, filename=filename, path=str(folder / filename), sha256=digest,
                              size_bytes=size))
    return files


def _periodic_files(registry_url: str, payload: dict, folder: Path) -> tuple[dict, list[Artifact]]:
    """Figures from the registry as of the period's end, then every format drawn from them (plus the
    chart PNG, the picture a social-media post carries)."""
    kind, params = payload["report"], payload["params"]
    period = period_for(kind, params.get("period"))  # PeriodError: the run fails with the expected form
    with registry_sessions(registry_url)() as registry:
        figures = build_figures(registry, kind, {**params, "period": period.key})
    digest_of_figures, generated_at = figures_sha256(figures), datetime.now(JAKARTA)
    stem = f"{kind}-{period.key}" + (f"-mitra{params['organisation_id']}" if params.get("organisation_id") else "")
    files = []
    for fmt in dict.fromkeys([*payload["formats"], "png"]):
        filename = f"{stem}.{fmt}".lower() if fmt != "png" else f"{stem}-grafik.png".lower()

        def writer(fig, target, fmt=fmt):
            PERIODIC_WRITERS[fmt](fig, target, generated_at, digest_of_figures)

        digest, size = write_atomically(writer, figures, folder / filename)
        files.append(Artifact(format=fmt, filename=filename, path=str(folder / filename), sha256=digest,
                              size_bytes=size))
    return figures, files


def generate_run(database, registry_url: str, store: str, payload: dict) -> ReportRun:
    """Idempotent by run_key: a finished run is returned as is; anything else is (re)done from scratch."""
    with database.transaction() as session:
        run = session.scalar(select(ReportRun).where(ReportRun.run_key == payload["run_key"])
                             .options(selectinload(ReportRun.artifacts)))
        if run is not None and run.status == "selesai":
            return run
        if run is None:
            params = payload["params"]
            run = ReportRun(run_key=payload["run_key"], report=payload["report"],
                            programme_id=params.get("programme_id"), params=params, period=params.get("period"),
                            organisation_id=params.get("organisation_id"), requested_by=payload.get("requested_by"))
            session.add(run)
        run.status, run.started_at, run.error, run.finished_at = "berjalan", utcnow(), None, None
        run.artifacts.clear()  # a run left "berjalan" by a crash: its files are replaced below
        session.flush()
        run_id = run.id
    figures = None
    try:
        folder = Path(store) / _safe_name(payload["run_key"])
        if payload["report"] == "programme_recipients":
            files = _recipients_files(registry_url, payload, folder)
        else:
            figures, files = _periodic_files(registry_url, payload, folder)
    except Exception as exc:
        full = is_disk_full(exc)
        with database.transaction() as session:
            run = session.get(ReportRun, run_id)
            run.status, run.finished_at = "gagal", utcnow()
            run.error = (full_disk_message(store) if full else str(exc))[:2000]
        if full:
            raise StoreFull(full_disk_message(store)) from exc
        raise
    with database.transaction() as session:
        run = session.get(ReportRun, run_id)
        run.artifacts.extend(files)
        if figures is not None:
            run.figures, run.figures_sha256 = figures, figures_sha256(figures)
        run.status, run.finished_at = "selesai", utcnow()
    with database.transaction() as session:
        return session.scalar(select(ReportRun).where(ReportRun.id == run_id)
                              .options(selectinload(ReportRun.artifacts)))


def monthly_payloads(registry_url: str, period: str | None = None) -> list[dict]:
    """One reports.generate payload per active programme for the period (default: this month, Jakarta)."""
    period = period or current_period()
    with registry_sessions(registry_url)() as registry:
        ids = registry.scalars(select(Programme.id).where(Programme.status == "aktif").order_by(Programme.id)).all()
    return [{"run_key": f"bulanan:{pid}:{period}", "report": "programme_recipients",
             "params": {"programme_id": pid, "period": period}, "formats": ["pdf", "xlsx"],
             "requested_by": "jadwal bulanan"} for pid in ids]


def periodic_payloads(registry_url: str, kind: str, period: str | None = None) -> list[dict]:
    """The scheduled run(s) of one periodic report for the last closed period (or ``period``); the run_key
    names kind, period and partner, so a beat that fires twice asks for the same run twice (a no-op)."""
    from services.registry.core.periods import PERIOD_KIND

    period = period or previous_period(PERIOD_KIND[kind])
    base = {"report": kind, "formats": ["pdf", "xlsx", "csv"], "requested_by": "jadwal"}
    if kind != "mitra_triwulan":
        return [{**base, "run_key": f"jadwal:{kind}:{period}", "params": {"period": period}}]
    with registry_sessions(registry_url)() as registry:
        partners = partner_organisations(registry)
    return [{**base, "run_key": f"jadwal:{kind}:{period}:{org_id}",
             "params": {"period": period, "organisation_id": org_id}} for org_id in partners]


def partner_organisations(registry) -> list[int]:
    """LSM and CSR organisations that fund or run at least one programme."""
    from services.registry.models import FundingSource, Organisation, ProgrammePartner

    linked = select(ProgrammePartner.organisation_id).union(
        select(FundingSource.organisation_id).where(FundingSource.organisation_id.is_not(None)))
    return list(registry.scalars(select(Organisation.id).where(Organisation.kind.in_(("lsm", "csr")),
                                                                Organisation.id.in_(linked))
                                 .order_by(Organisation.id)))
