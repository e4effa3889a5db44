"""Pembayaran: bank accounts (holder-name check), payment batches (export in a chosen format, download),
bank result uploads (CSV / rekening koran / camt.053 / camt.054) and verification samples. Heavy work runs in the
registry worker."""
from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, g, redirect, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from admin.extensions import celery_app, db_session
from admin.forms import flash_errors
from admin.views.distribution.forms import (
    AccountForm,
    ActionForm,
    AnswerForm,
    ExportForm,
    SampleForm,
    StatementForm,
)
from admin.views.people.imports import save_upload
from admin.views.programmes.cycle_helpers import visible_cycle
from services.common.contracts import send
from services.registry.distribution import accounts, banks, batches, statements, verification
from services.registry.distribution.common import DistributionError
from services.registry.distribution.statement_report import summarize
from services.registry.models import BankAccount, BankStatement, PaymentBatch, Person, VerificationSample


def _back(cycle_id: int):
    return redirect(url_for("DistributionView.cycle", cycle_id=cycle_id))


class PaymentView(BaseView):
    route_base = "/payments"
    class_permission_name = "PaymentView"
    default_view = "bank_accounts"
    method_permission_name = {
        "bank_accounts": "list", "batch": "list", "statement": "list", "sample": "list",
        "download": "download", "create_batch": "manage", "upload_statement": "manage", "draw_sample": "manage",
        "choose_export": "manage",
        "send_sample": "manage", "answer": "manage", "add_account": "manage",
    }

    def _batch(self, batch_id: int) -> PaymentBatch:
        batch = db_session().get(PaymentBatch, batch_id)
        if batch is None:
            abort(404)
        visible_cycle(batch.cycle_id)
        return batch

    @expose("/cycles/<int:cycle_id>/batches", methods=["POST"])
    @has_access
    def create_batch(self, cycle_id: int):
        cycle = visible_cycle(cycle_id)
        if not ActionForm().validate_on_submit():
            return _back(cycle.id)
        try:
            batch, skipped = batches.create_batch(db_session(), cycle.id, g.user.username)
        except DistributionError as exc:
            db_session().rollback()
            flash(str(exc), "danger")
            return _back(cycle.id)
        for item in skipped[:20]:
            flash(f"Hak #{item['entitlement_id']} dilewati: {item['reason']}", "warning")
        if batch is None:
            flash("Tidak ada pembayaran bank yang perlu dibuat batch.", "info")
            return _back(cycle.id)
        send(celery_app(), "registry.export_payment_batch", {"batch_id": batch.id, "requested_by": g.user.username})
        flash(f"Batch {batch.reference} dibuat ({batch.item_count} pembayaran); berkas sedang disiapkan.", "info")
        return redirect(url_for("PaymentView.batch", batch_id=batch.id))

    def _export_form(self, batch: PaymentBatch) -> ExportForm:
        form = ExportForm(export_format=batch.export_format or banks.DEFAULT)
        form.export_format.choices = banks.choices(available_only=True)
        return form

    @expose("/batches/<int:batch_id>")
    @has_access
    def batch(self, batch_id: int):
        batch = self._batch(batch_id)
        db_session().refresh(batch)
        fmt = banks.FORMATS.get(batch.export_format or banks.DEFAULT)
        return self.render_template("admin/payments_batch.html", batch=batch, export=fmt,
                                    export_form=self._export_form(batch), unavailable=[
                                        f for f in banks.FORMATS.values() if f.unavailable],
                                    summary=batches.batch_summary(db_session(), batch.id))

    @expose("/batches/<int:batch_id>/export", methods=["POST"])
    @has_access
    def choose_export(self, batch_id: int):
        batch = self._batch(batch_id)
        form = self._export_form(batch)
        if not form.validate_on_submit():
            flash_errors(form)
            return redirect(url_for("PaymentView.batch", batch_id=batch.id))
        try:
            batch = batches.choose_export(db_session(), batch.id, form.export_format.data, g.user.username)
        except DistributionError as exc:
            db_session().rollback()
            flash(str(exc), "danger")
            return redirect(url_for("PaymentView.batch", batch_id=batch_id))
        send(celery_app(), "registry.export_payment_batch", {"batch_id": batch.id, "requested_by": g.user.username})
        flash(f"Batch {batch.reference} sedang diekspor ulang sebagai {banks.FORMATS[batch.export_format].label}.",
              "info")
        return redirect(url_for("PaymentView.batch", batch_id=batch.id))

    @expose("/batches/<int:batch_id>/<any(csv, xml, bank):kind>")
    @has_access
    def download(self, batch_id: int, kind: str):
        batch = self._batch(batch_id)
        path = {"csv": batch.csv_path, "xml": batch.xml_path, "bank": batch.export_path}[kind]
        if batch.status != "siap" or not path or not Path(path).exists():
            abort(404)
        if kind == "bank":
            fmt = banks.FORMATS.get(batch.export_format or banks.DEFAULT)
            return send_file(path, as_attachment=True, download_name=f"{batch.reference}-{fmt.filename}",
                             mimetype=fmt.mimetype)
        name = f"{batch.reference}.csv" if kind == "csv" else f"{batch.reference}-pain.001.xml"
        return send_file(path, as_attachment=True, download_name=name,
                         mimetype="text/csv" if kind == "csv" else "application/xml")

    @expose("/cycles/<int:cycle_id>/statements", methods=["POST"])
    @has_access
    def upload_statement(self, cycle_id: int):
        cycle = visible_cycle(cycle_id)
        form = StatementForm()
        if not form.validate_on_submit():
            flash_errors(form)
            return _back(cycle.id)
        storage = form.statement.data
        stored = save_upload(storage, Path(current_app.config["UPLOAD_DIR"]))
        try:
            statement = statements.create_statement(db_session(), stored, Path(storage.filename).name,
                                                    g.user.username, cycle_id=cycle.id)
        except DistributionError as exc:
            db_session().rollback()
            flash(str(exc), "danger")
            return _back(cycle.id)
        finally:
            stored.unlink(missing_ok=True)  # create_statement keeps its own copy
        send(celery_app(), "registry.import_bank_statement",
             {"statement_id": statement.id, "requested_by": g.user.username})
        flash(f"Berkas {statement.filename} diterima ({statement.total_rows} baris) dan sedang diproses.", "info")
        return redirect(url_for("PaymentView.statement", statement_id=statement.id))

    @expose("/statements/<int:statement_id>")
    @has_access
    def statement(self, statement_id: int):
        found = db_session().get(BankStatement, statement_id)
        if found is None:
            abort(404)
        db_session().refresh(found)
        return self.render_template("admin/payments_statement.html", statement=found, report=summarize(found))

    @expose("/cycles/<int:cycle_id>/samples", methods=["POST"])
    @has_access
    def draw_sample(self, cycle_id: int):
        cycle = visible_cycle(cycle_id)
        form = SampleForm()
        if not form.validate_on_submit():
            flash_errors(form)
            return _back(cycle.id)
        try:
            sample = verification.draw_sample(db_session(), cycle.id, g.user.username, form.confidence.data,
                                              form.margin.data)
        except DistributionError as exc:
            db_session().rollback()
            flash(str(exc), "danger")
            return _back(cycle.id)
        return redirect(url_for("PaymentView.sample", sample_id=sample.id))

    def _sample(self, sample_id: int) -> VerificationSample:
        sample = db_session().get(VerificationSample, sample_id)
        if sample is None:
            abort(404)
        visible_cycle(sample.cycle_id)
        return sample

    @expose("/samples/<int:sample_id>")
    @has_access
    def sample(self, sample_id: int):
        sample = self._sample(sample_id)
        return self.render_template("admin/payments_sample.html", sample=sample,
                                    report=verification.report(db_session(), sample.id),
                                    action_form=ActionForm(), answer_form=AnswerForm())

    @expose("/samples/<int:sample_id>/send", methods=["POST"])
    @has_access
    def send_sample(self, sample_id: int):
        sample = self._sample(sample_id)
        if ActionForm().validate_on_submit():
            asked = verification.send_questions(db_session(), celery_app(), sample.id, g.user.username)
            flash(f"Pertanyaan verifikasi dikirim ke {asked} penerima lewat SMS; sisanya dikunjungi.", "info")
        return redirect(url_for("PaymentView.sample", sample_id=sample.id))

    @expose("/samples/<int:sample_id>/cases/<int:case_id>", methods=["POST"])
    @has_access
    def answer(self, sample_id: int, case_id: int):
        sample = self._sample(sample_id)
        form = AnswerForm()
        if not form.validate_on_submit():
            flash_errors(form)
        elif case_id not in {c.id for c in sample.cases}:
            abort(404)
        else:
            verification.record_answer(db_session(), case_id, form.received_full.data == "ya", g.user.username,
                                       form.amount_received.data, form.note.data or None)
            flash("Jawaban dicatat.", "success")
        return redirect(url_for("PaymentView.sample", sample_id=sample.id))

    @expose("/accounts")
    @has_access
    def bank_accounts(self):
        rows = db_session().scalars(select(BankAccount).options(selectinload(BankAccount.person))
                                    .order_by(BankAccount.id.desc()).limit(100)).all()
        return self.render_template("admin/payments_accounts.html", rows=rows, form=AccountForm())

    @expose("/accounts/add", methods=["POST"])
    @has_access
    def add_account(self):
        form = AccountForm()
        if not form.validate_on_submit():
            flash_errors(form)
            return redirect(url_for("PaymentView.bank_accounts"))
        person = db_session().scalars(select(Person).where(Person.nik == form.nik.data.strip())).first()
        try:
            if person is None:
                raise DistributionError("Tidak ada penduduk dengan NIK itu")
            account = accounts.save_account(db_session(), person.id, form.bank_code.data, form.account_number.data,
                                            form.holder_name.data, g.user.username)
        except DistributionError as exc:
            db_session().rollback()
            flash(str(exc), "danger")
            return redirect(url_for("PaymentView.bank_accounts"))
        if account.holder_name_matches:
            flash(f"Rekening {person.name} dicatat.", "success")
        else:
            flash(f"Rekening dicatat, TETAPI nama pemilik '{account.holder_name}' tidak cocok dengan "
                  f"'{person.name}': periksa sebelum transfer.", "warning")
        return redirect(url_for("PaymentView.bank_accounts"))
