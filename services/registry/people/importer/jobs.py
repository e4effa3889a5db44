"""Import jobs: create one for an uploaded file, then run it (from the Celery task or the CLI)."""
from __future__ import annotations

import hashlib
import logging
from datetime import date
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from services.common.db import is_transient_db_error
from services.common.privacy import redact_numbers
from services.registry.core.audit import record
from services.registry.core.base import utcnow
from services.registry.core.bulk import bulk_insert
from services.registry.core.parsing import Roster, RosterFileError, read_roster
from services.registry.models import Area, ImportJob, ImportRejection
from services.registry.people.importer.apply import apply_rows
from services.registry.people.importer.desa import DesaResolver
from services.registry.people.importer.report import Rejection, report_path_for, write_report
from services.registry.people.importer.rows import CleanRow, RowError, clean_row

log = logging.getLogger(__name__)
FINAL_STATUSES = ("selesai", "gagal")
PROGRESS_EVERY = 1000  # rows between progress writes (REGISTRY_IMPORT_CHUNK_SIZE in the app config)


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def create_import_job(session: Session, filename: str, stored_path: str, created_by: str | None,
                      area_id: int | None = None) -> ImportJob:
    """Record a queued import and COMMIT it, so the task sent afterwards can find it.

    ``area_id`` is the desa every row goes to, or a kecamatan/kabupaten whose villages the rows' DESA
    column is matched against; without it the request's desa or the default desa."""
    job = ImportJob(filename=filename, stored_path=str(stored_path), created_by=created_by, status="antre",
                    file_sha256=file_sha256(stored_path) if Path(stored_path).is_file() else None, area_id=area_id)
    session.add(job)
    session.commit()
    return job


def _engine_of(source) -> Engine:
    """Accept a Database holder, an Engine, a sessionmaker/scoped_session or a Session."""
    if isinstance(source, Engine):
        return source
    if getattr(source, "engine", None) is not None:
        return source.engine
    if hasattr(source, "kw") and source.kw.get("bind") is not None:  # sessionmaker
        return source.kw["bind"]
    if hasattr(source, "session_factory"):  # scoped_session
        return source.session_factory.kw["bind"]
    if isinstance(source, Session):
        return source.get_bind()
    raise TypeError(f"Tidak dapat menemukan koneksi basis data dari {type(source).__name__}")


def _set_job(engine: Engine, job_id: int, **values) -> bool:
    """Update a job that is not finished yet; False if it already is (another delivery finished it).

    Short transactions of their own: the progress bar must move while the big write is not yet open.
    """
    with Session(engine) as session, session.begin():
        result = session.execute(update(ImportJob).where(
            ImportJob.id == job_id, ImportJob.status.not_in(FINAL_STATUSES)).values(**values))
        return result.rowcount == 1


def _load(engine: Engine, job_id: int) -> ImportJob:
    with Session(engine, expire_on_commit=False) as session:
        job = session.get(ImportJob, job_id)
        if job is None:
            raise LookupError(f"Impor {job_id} tidak ditemukan")
        return job


def _validate(engine: Engine, job_id: int, roster: Roster,
              progress_every: int = PROGRESS_EVERY) -> tuple[list[CleanRow], list[Rejection]]:
    today = date.today()
    with Session(engine, expire_on_commit=False) as session:
        area_id = session.scalar(select(ImportJob.area_id).where(ImportJob.id == job_id))
        resolver = DesaResolver(session, session.get(Area, area_id) if area_id else None)
        session.commit()  # the default desa, when it had to be added from the shipped list
    valid: list[CleanRow] = []
    rejections: list[Rejection] = []
    first_row_of_nik: dict[str, int] = {}
    for number, listed, cells in roster.records():
        nik, name = listed.get("NIK", ""), listed.get("NAMA", "")
        try:
            row = clean_row(number, listed, today)
            row.household = {**row.household, "area_id": resolver.area_of(row.household)}
            if row.nik in first_row_of_nik:
                raise RowError(f"NIK sudah ada di baris {first_row_of_nik[row.nik]} pada berkas yang sama")
            first_row_of_nik[row.nik] = number
            valid.append(row)
        except RowError as exc:
            rejections.append(Rejection(number, nik, name, str(exc), cells))
        if number % progress_every == 0:
            _set_job(engine, job_id, processed_rows=number)
    return valid, rejections


def _commit_results(engine: Engine, job: ImportJob, roster: Roster, valid: list[CleanRow],
                    rejections: list[Rejection], report: Path) -> None:
    """Every registry change, the rejections, the audit entry and the final status: one transaction."""
    with Session(engine) as session, session.begin():
        # A write first: it locks the job row (PostgreSQL) or the database (SQLite) before we look,
        # so two deliveries of the same task can never both apply the file.
        claimed = session.execute(update(ImportJob).where(
            ImportJob.id == job.id, ImportJob.status == "berjalan").values(status="berjalan"))
        if claimed.rowcount != 1:
            return  # another delivery of the same task finished first
        result = apply_rows(session, valid)
        session.execute(delete(ImportRejection).where(ImportRejection.import_id == job.id))
        rows = [{"import_id": job.id, "row_number": r.number, "nik": r.nik[:40] or None, "reason": r.reason,
                 "raw": dict(zip(roster.headers, r.cells, strict=False))} for r in rejections]
        bulk_insert(session, ImportRejection.__table__, rows)
        counts = {"imported": result.imported, "updated": result.updated, "unchanged": result.unchanged,
                  "rejected": len(rejections)}
        record(session, job.created_by or "sistem", "import", "import_job", job.id,
               **{**counts, "file": job.filename, "file_sha256": job.file_sha256,
                  "duplicates_flagged": result.duplicates_flagged})
        session.execute(update(ImportJob).where(ImportJob.id == job.id).values(
            status="selesai", processed_rows=len(roster.rows), rejection_report_path=str(report),
            finished_at=utcnow(), error=None, **counts))


def run_import_job(source, job_id: int, progress_every: int = PROGRESS_EVERY) -> ImportJob:
    """Run import ``job_id`` once; a finished job is returned as it is. Returns the job's final state."""
    engine = _engine_of(source)
    job = _load(engine, job_id)
    if job.status in FINAL_STATUSES:
        return job
    if not _set_job(engine, job_id, status="berjalan", processed_rows=0, error=None):
        return _load(engine, job_id)
    try:
        if not job.file_sha256 and Path(job.stored_path).is_file():
            job.file_sha256 = file_sha256(job.stored_path)
            _set_job(engine, job_id, file_sha256=job.file_sha256)
        roster = read_roster(job.stored_path)
        _set_job(engine, job_id, total_rows=len(roster.rows))
        valid, rejections = _validate(engine, job_id, roster, max(progress_every, 1))
        report = write_report(report_path_for(job.stored_path), roster.headers, rejections)
        _commit_results(engine, job, roster, valid, rejections, report)
    except RosterFileError as exc:
        _set_job(engine, job_id, status="gagal", error=str(exc), finished_at=utcnow())
    except Exception as exc:
        if is_transient_db_error(exc):
            # The database is away (restart): the job stays "berjalan" and the task's retry redoes it from
            # the start; nothing was written, because the results are committed in one transaction.
            log.warning("impor %s tertunda, basis data tidak tersedia: %s", job_id, exc)
            raise
        log.exception("impor %s gagal", job_id)
        _set_job(engine, job_id, status="gagal", finished_at=utcnow(),
                 error=redact_numbers(f"Impor gagal, tidak ada data yang diubah: {exc}")[:2000])
        raise
    return _load(engine, job_id)
