"""Siklus Bantuan: a cycle's plan, candidates, usul/sanggah, approval, entitlements and change requests.

Operators prepare (can_prepare), the kepala desa approves (can_approve), everyone with can_show reads;
partners only their own programmes' cycles, with masked NIKs. Every step is a function of
services/registry/selection (which writes the AuditEntry); this module only reads forms and shows pages."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import func, select

from admin.extensions import celery_app, db_session
from admin.forms import ActionForm
from admin.scoping import kk_for_viewer, nik_for_viewer, visible_programme_ids
from admin.views.programmes.cycle_helpers import (
    FormError,
    actor,
    allowed,
    checked_post,
    form_value,
    household_by_kk,
    parse_date,
    parse_decimal,
    parse_float,
    parse_int,
    run_step,
    visible_cycle,
)
from services.common.contracts import ContractError, send
from services.common.inputs import page_number
from services.registry.core.audit import record
from services.registry.core.money import rupiah
from services.registry.models import (
    Candidate,
    CandidateFeedback,
    ChangeRequest,
    Cycle,
    CyclePlan,
    EligibilityRule,
    Entitlement,
    FundingSource,
    Musyawarah,
    Programme,
)
from services.registry.programmes import approval, changes
from services.registry.programmes import candidates as cand
from services.registry.programmes.exclusions import conflicts
from services.registry.programmes.models.read import source_status

PAGE = 100
TASK = "registry.generate_entitlements"


def send_generation(cycle_id: int) -> str | None:
    """Ask the registry worker to generate the entitlements; the error text if the broker refused."""
    try:
        send(celery_app(), TASK, {"cycle_id": cycle_id})
    except (ContractError, OSError, ConnectionError) as exc:
        return f"Pembuatan hak bantuan belum terkirim ({exc}); pakai tombol 'Kirim ulang'."
    return None


class CycleView(BaseView):
    route_base = "/cycles"
    class_permission_name = "CycleView"
    default_view = "index"
    method_permission_name = {
        "index": "list", "show": "show", "new": "prepare", "generate": "prepare", "add_candidate": "prepare",
        "remove_candidate": "prepare", "feedback": "prepare", "answer": "prepare", "request_change": "prepare",
        "resend": "prepare", "edit_plan": "prepare", "approve": "approve", "decide_change": "approve",
    }

    @expose("/")
    @has_access
    def index(self):
        query = select(Cycle).join(Programme).order_by(Cycle.id.desc())
        ids = visible_programme_ids()
        if ids is not None:
            query = query.where(Cycle.programme_id.in_(sorted(ids)))
        cycles = db_session().scalars(query.limit(200)).all()
        counts = dict(db_session().execute(select(Candidate.cycle_id, func.count()).where(Candidate.status == "aktif")
                                           .group_by(Candidate.cycle_id)).all())
        return self.render_template("admin/cycles_list.html", cycles=cycles, counts=counts,
                                    can=allowed(self.appbuilder, "CycleView", "prepare"))

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        session = db_session()
        if request.method == "POST":
            checked_post()

            def create():
                programme = session.get(Programme, parse_int(form_value("programme_id"), "Program") or 0)
                if programme is None:
                    raise FormError("Pilih program")
                name = form_value("name")
                if not name:
                    raise FormError("Nama siklus wajib diisi")
                if session.scalars(select(Cycle).where(Cycle.programme_id == programme.id, Cycle.name == name)).first():
                    raise FormError(f"Siklus '{name}' sudah ada di program ini")
                rule = session.get(EligibilityRule, parse_int(form_value("rule_id"), "Aturan") or 0)
                source = session.get(FundingSource, parse_int(form_value("funding_source_id"), "Sumber dana") or 0)
                if rule is not None and rule.programme_id != programme.id:
                    raise FormError("Aturan itu milik program lain")
                if source is not None and source.programme_id != programme.id:
                    raise FormError("Sumber dana itu milik program lain")
                cycle = Cycle(programme_id=programme.id, name=name,
                              period_start=parse_date(form_value("period_start"), "Mulai"),
                              period_end=parse_date(form_value("period_end"), "Selesai"))
                session.add(cycle)
                session.flush()
                amount = parse_decimal(form_value("benefit_amount"), "Nilai bantuan")
                plan = CyclePlan(cycle_id=cycle.id, rule=rule, funding_source=source,
                                 benefit_amount=amount if amount is not None else programme.benefit_amount,
                                 package=form_value("package") or None, quota=parse_int(form_value("quota"), "Kuota"))
                session.add(plan)
                record(session, actor(), "create", "cycle", cycle.id, programme=programme.code, name=name,
                       amount=plan.benefit_amount, quota=plan.quota, rule=rule.name if rule else None,
                       funding_source=source.name if source else None)
                return cycle

            holder = {}
            if run_step(lambda: holder.setdefault("cycle", create()), "Siklus dibuat."):
                return redirect(url_for("CycleView.show", cycle_id=holder["cycle"].id))
        return self.render_template(
            "admin/cycles_new.html", csrf=ActionForm().hidden_tag(), values=request.form,
            programmes=session.scalars(select(Programme).order_by(Programme.code)).all(),
            rules=session.scalars(select(EligibilityRule).where(EligibilityRule.active.is_(True))
                                  .order_by(EligibilityRule.name)).all(),
            sources=session.scalars(select(FundingSource).order_by(FundingSource.name)).all())

    @expose("/<int:cycle_id>")
    @has_access
    def show(self, cycle_id: int):
        session = db_session()
        cycle = visible_cycle(cycle_id)
        # Read-only page: a cycle made elsewhere without a plan gets an unsaved one for display.
        plan = session.get(CyclePlan, cycle.id) or CyclePlan(
            cycle_id=cycle.id, benefit_amount=cycle.programme.benefit_amount, approved_total=0, approved_count=0,
            generated_count=0, generation_status="belum")
        page = page_number(request.args.get("page", 1))
        candidates = session.scalars(select(Candidate).where(Candidate.cycle_id == cycle.id)
                                     .order_by(Candidate.status, Candidate.need_rank.is_(None), Candidate.need_rank,
                                               Candidate.id).offset((page - 1) * PAGE).limit(PAGE)).all()
        total = session.execute(select(func.count()).select_from(Candidate)
                                .where(Candidate.cycle_id == cycle.id, Candidate.status == "aktif")).scalar_one()
        entitlements = session.scalars(select(Entitlement).where(Entitlement.cycle_id == cycle.id)
                                       .order_by(Entitlement.id).limit(PAGE)).all()
        return self.render_template(
            "admin/cycle_show.html", cycle=cycle, plan=plan, candidates=candidates, total=total, page=page,
            pages=max((total + PAGE - 1) // PAGE, 1), entitlements=entitlements,
            # Exclusions again for the rows shown: a family may have joined PKH since the list was made.
            clashes=conflicts(session, cycle.programme_id, [c.household_id for c in candidates if c.status == "aktif"]),
            funding=source_status(session, plan.funding_source) if plan.funding_source else None,
            feedback=session.scalars(select(CandidateFeedback).where(CandidateFeedback.cycle_id == cycle.id)
                                     .order_by(CandidateFeedback.due_on)).all(),
            meetings=session.scalars(select(Musyawarah).where(Musyawarah.cycle_id == cycle.id)
                                     .order_by(Musyawarah.held_on)).all(),
            change_requests=session.scalars(select(ChangeRequest).where(ChangeRequest.cycle_id == cycle.id)
                                            .order_by(ChangeRequest.id.desc())).all(),
            today=date.today(), rupiah=rupiah, nik=nik_for_viewer, kk=kk_for_viewer,
            csrf=ActionForm().hidden_tag(),
            rules=session.scalars(select(EligibilityRule)
                                  .where(EligibilityRule.programme_id == cycle.programme_id)).all(),
            sources=session.scalars(select(FundingSource)
                                    .where(FundingSource.programme_id == cycle.programme_id)).all(),
            can=allowed(self.appbuilder, "CycleView", "prepare", "approve")
            | allowed(self.appbuilder, "MusyawarahView", "record", "show"))

    @expose("/<int:cycle_id>/plan", methods=["POST"])
    @has_access
    def edit_plan(self, cycle_id: int):
        """Change rule, funding source, amount, package or quota until the cycle is approved."""
        checked_post()
        cycle = visible_cycle(cycle_id)
        session = db_session()

        def update():
            cand.require_open(cycle)
            plan = cand.plan_of(session, cycle)
            rule = session.get(EligibilityRule, parse_int(form_value("rule_id"), "Aturan") or 0)
            source = session.get(FundingSource, parse_int(form_value("funding_source_id"), "Sumber dana") or 0)
            if any(item is not None and item.programme_id != cycle.programme_id for item in (rule, source)):
                raise FormError("Aturan dan sumber dana harus milik program siklus ini")
            keys = ("rule_id", "funding_source_id", "benefit_amount", "package", "quota")
            before = {key: getattr(plan, key) for key in keys}
            plan.rule, plan.funding_source = rule, source
            plan.benefit_amount = parse_decimal(form_value("benefit_amount"), "Nilai bantuan")
            plan.package = form_value("package") or None
            plan.quota = parse_int(form_value("quota"), "Kuota")
            session.flush()
            record(session, actor(), "update", "cycle_plan", cycle.id, before=before,
                   after={key: getattr(plan, key) for key in keys})

        run_step(update, "Rencana siklus diperbarui.")
        return self._back(cycle_id)

    def _back(self, cycle_id: int, anchor: str = ""):
        return redirect(url_for("CycleView.show", cycle_id=cycle_id) + anchor)

    @expose("/<int:cycle_id>/generate", methods=["POST"])
    @has_access
    def generate(self, cycle_id: int):
        checked_post()
        cycle = visible_cycle(cycle_id)
        run_step(lambda: cand.generate(db_session(), cycle, actor()),
                 "Daftar calon dibuat dari aturan: {result[added]} keluarga ditambahkan.")
        return self._back(cycle_id, "#calon")

    @expose("/<int:cycle_id>/candidates/add", methods=["POST"])
    @has_access
    def add_candidate(self, cycle_id: int):
        checked_post()
        cycle = visible_cycle(cycle_id)
        run_step(lambda: cand.add(db_session(), cycle, household_by_kk(form_value("no_kk")), form_value("reason"),
                                  actor()), "Calon ditambahkan.")
        return self._back(cycle_id, "#calon")

    @expose("/<int:cycle_id>/candidates/<int:candidate_id>/remove", methods=["POST"])
    @has_access
    def remove_candidate(self, cycle_id: int, candidate_id: int):
        checked_post()
        visible_cycle(cycle_id)
        candidate = db_session().get(Candidate, candidate_id)
        if candidate is None or candidate.cycle_id != cycle_id:
            return self._back(cycle_id)
        run_step(lambda: cand.remove(db_session(), candidate, form_value("reason"), actor()), "Calon dihapus.")
        return self._back(cycle_id, "#calon")

    @expose("/<int:cycle_id>/feedback", methods=["POST"])
    @has_access
    def feedback(self, cycle_id: int):
        checked_post()
        cycle = visible_cycle(cycle_id)

        def save():
            photo = request.files.get("photo")
            path = cand.save_photo(photo.read(), photo.filename) if photo and photo.filename else None
            return cand.record_feedback(
                db_session(), cycle, household_by_kk(form_value("no_kk")), form_value("kind"),
                form_value("submitted_by"), form_value("reason"), actor(),
                received_on=parse_date(form_value("received_on"), "Tanggal diterima"), photo_path=path,
                latitude=parse_float(form_value("latitude"), "Lintang"),
                longitude=parse_float(form_value("longitude"), "Bujur"))

        run_step(save, "Usul/sanggah dicatat; wajib dijawab paling lambat {result.due_on:%d-%m-%Y}.")
        return self._back(cycle_id, "#usul-sanggah")

    @expose("/<int:cycle_id>/feedback/<int:feedback_id>/answer", methods=["POST"])
    @has_access
    def answer(self, cycle_id: int, feedback_id: int):
        checked_post()
        visible_cycle(cycle_id)
        item = db_session().get(CandidateFeedback, feedback_id)
        if item is not None and item.cycle_id == cycle_id:
            run_step(lambda: cand.answer_feedback(db_session(), item, form_value("answer"), actor()),
                     "Jawaban dicatat.")
        return self._back(cycle_id, "#usul-sanggah")

    @expose("/<int:cycle_id>/approve", methods=["POST"])
    @has_access
    def approve(self, cycle_id: int):
        checked_post()
        cycle = visible_cycle(cycle_id)
        if run_step(lambda: approval.approve(db_session(), cycle, actor()),
                    "Siklus disetujui dan dibekukan: {result[households]} KPM, total {result[total_text]}."):
            error = send_generation(cycle.id)
            if error:
                flash(error, "warning")
        return self._back(cycle_id)

    @expose("/<int:cycle_id>/resend", methods=["POST"])
    @has_access
    def resend(self, cycle_id: int):
        checked_post()
        cycle = visible_cycle(cycle_id)
        if cycle.frozen:
            send_generation(cycle.id)
        return self._back(cycle_id)

    @expose("/<int:cycle_id>/changes", methods=["POST"])
    @has_access
    def request_change(self, cycle_id: int):
        checked_post()
        cycle = visible_cycle(cycle_id)

        def ask():
            kind = form_value("kind")
            entitlement = None
            if kind in ("hapus", "ubah_nilai"):
                entitlement = db_session().get(Entitlement, parse_int(form_value("entitlement_id"), "No. hak") or 0)
            household = household_by_kk(form_value("no_kk")) if kind == "tambah" else None
            return changes.request(db_session(), cycle, kind, form_value("reason"), actor(), household=household,
                                   entitlement=entitlement,
                                   new_amount=parse_decimal(form_value("new_amount"), "Nilai baru"))

        run_step(ask, "Permintaan perubahan diajukan; menunggu persetujuan Kepala Desa.")
        return self._back(cycle_id, "#perubahan")

    @expose("/<int:cycle_id>/changes/<int:change_id>/decide", methods=["POST"])
    @has_access
    def decide_change(self, cycle_id: int, change_id: int):
        checked_post()
        visible_cycle(cycle_id)
        change = db_session().get(ChangeRequest, change_id)
        if change is not None and change.cycle_id == cycle_id:
            approve = form_value("decision") == "setujui"
            run_step(lambda: changes.decide(db_session(), change, approve, actor(), form_value("note") or None),
                     "Permintaan perubahan disetujui." if approve else "Permintaan perubahan ditolak.")
        return self._back(cycle_id, "#perubahan")
