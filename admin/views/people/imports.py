"""Impor data: upload a roster, follow its progress, download the rejection report."""
from __future__ import annotations

import io
import uuid
from pathlib import Path

from flask import Response, abort, current_app, flash, g, jsonify, redirect, stream_with_context, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select

from admin.extensions import celery_app, db_session
from admin.forms import RosterUploadForm, flash_errors
from admin.views.people.areas import visible_area_ids
from services.common.contracts import send
from services.common.spreadsheet import SafeCsvWriter
from services.registry.models import Area, ImportJob, ImportRejection

DONE_STATUSES = ("selesai", "gagal")


def job_status(job: ImportJob) -> dict:
    """The JSON the progress page polls."""
    return {
        "id": job.id,
        "filename": job.filename,
        "status": job.status,
        "done": job.status in DONE_STATUSES,
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "percent": job.progress_percent,
        "imported": job.imported,
        "updated": job.updated,
        "unchanged": job.unchanged,
        "rejected": job.rejected,
        "error": job.error,
    }


def summary_text(job: ImportJob) -> str:
    # "diimpor N, diperbarui N, ditolak N" stays one contiguous phrase: the e2e test looks for it.
    return f"diimpor {job.imported}, diperbarui {job.updated}, ditolak {job.rejected} (tidak berubah {job.unchanged})"


def save_upload(storage, upload_dir: Path) -> Path:
    """Store the upload under a random name: the client's filename is never used as a path."""
    suffix = Path(storage.filename or "").suffix.lower()
    upload_dir.mkdir(parents=True, exist_ok=True)
    target = upload_dir / f"{uuid.uuid4().hex}{suffix}"
    storage.save(str(target))
    return target


class ImportView(BaseView):
    route_base = "/imports"
    class_permission_name = "ImportView"
    default_view = "index"
    method_permission_name = {
        "index": "list", "upload": "upload", "show": "show", "status": "show", "rejections": "show",
    }

    def _job_or_404(self, job_id: int) -> ImportJob:
        job = db_session().get(ImportJob, job_id)
        if job is None:
            abort(404)
        return job

    @expose("/")
    @has_access
    def index(self):
        jobs = db_session().scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(100)).all()
        return self.render_template("admin/imports_list.html", jobs=jobs, form=RosterUploadForm())

    @expose("/upload", methods=["GET", "POST"])
    @has_access
    def upload(self):
        form = RosterUploadForm()
        if not form.validate_on_submit():
            flash_errors(form)
            return self.render_template("admin/imports_upload.html", form=form)
        from services.registry.core.parsing import RosterFileError, check_workbook_size
        from services.registry.people.importer.jobs import create_import_job

        storage = form.roster.data
        stored = save_upload(storage, Path(current_app.config["UPLOAD_DIR"]))
        if stored.suffix.lower() == ".xlsx":
            try:  # a zip bomb is refused here, from the zip directory alone, before any worker inflates it
                check_workbook_size(stored)
            except RosterFileError as exc:
                stored.unlink(missing_ok=True)
                flash(str(exc), "danger")
                return self.render_template("admin/imports_upload.html", form=form)
        session = db_session()
        area_id = None
        if form.area_code.data:
            # The scope filters areas like any row: another village's code is "unknown" here too.
            area_id = session.scalar(select(Area.id).where(Area.code == form.area_code.data.strip(),
                                                           Area.id.in_(visible_area_ids())))
            if area_id is None:
                stored.unlink(missing_ok=True)
                flash(f"Kode wilayah {form.area_code.data} tidak dikenal atau di luar wilayah Anda.", "danger")
                return self.render_template("admin/imports_upload.html", form=form)
        job = create_import_job(session, Path(storage.filename).name, str(stored), g.user.username, area_id)
        # Commit before sending: the worker must find the job when the task arrives.
        session.commit()
        send(celery_app(), "registry.import_roster", {"import_id": job.id})
        flash(f"Berkas {job.filename} diterima dan sedang diproses.", "info")
        return redirect(url_for("ImportView.show", job_id=job.id))

    @expose("/<int:job_id>")
    @has_access
    def show(self, job_id: int):
        job = self._job_or_404(job_id)
        return self.render_template("admin/imports_show.html", job=job, status=job_status(job),
                                    summary=summary_text(job))

    @expose("/<int:job_id>/status.json")
    @has_access
    def status(self, job_id: int):
        job = self._job_or_404(job_id)
        db_session().refresh(job)
        body = job_status(job)
        body["summary"] = summary_text(job)
        return jsonify(body)

    @expose("/<int:job_id>/rejections.csv")
    @has_access
    def rejections(self, job_id: int):
        job = self._job_or_404(job_id)
        session = db_session()
        query = (select(ImportRejection.row_number, ImportRejection.nik, ImportRejection.reason)
                 .where(ImportRejection.import_id == job.id).order_by(ImportRejection.row_number))

        def rows():
            buffer = io.StringIO()
            writer = SafeCsvWriter(buffer)
            writer.writerow(["BARIS", "NIK", "ALASAN"])
            # Stream in chunks: a bad file can have as many rejections as rows.
            for row in session.execute(query.execution_options(yield_per=1000)):
                writer.writerow(row)
                if buffer.tell() > 64 * 1024:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()

        filename = f"penolakan-impor-{job.id}.csv"
        return Response(stream_with_context(rows()), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
