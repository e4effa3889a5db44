"""Penyaluran: approved cycles, signed pickup cards, the pickup desk (scan or type a card), goods stock,
and the ledger head with its verify button. Partners see and record only their own programmes."""
from __future__ import annotations

from flask import Response, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import func, select

from admin.extensions import db_session
from admin.forms import flash_errors
from admin.scoping import can_see_programme, kk_for_viewer, nik_for_viewer, visible_programme_ids
from admin.views.distribution.forms import ActionForm, PickupForm, SampleForm, StatementForm, StockForm, TokenForm
from admin.views.programmes.cycle_helpers import visible_cycle
from services.registry.distribution import banks, cards, ledger, pickup
from services.registry.distribution.common import DistributionError
from services.registry.distribution.models.read import capital_head, cycle_head
from services.registry.models import Cycle, Entitlement, GoodsStock, PaymentBatch, VerificationSample


class DistributionView(BaseView):
    route_base = "/distribution"
    class_permission_name = "DistributionView"
    default_view = "index"
    method_permission_name = {
        "index": "list", "cycle": "list", "ledger_check": "list", "cards_pdf": "cards",
        "desk": "pickup", "record": "pickup", "stock": "manage",
    }

    @expose("/")
    @has_access
    def index(self):
        session = db_session()
        query = select(Cycle).where(Cycle.status.in_(("disetujui", "selesai"))).order_by(Cycle.id.desc()).limit(100)
        ids = visible_programme_ids()
        if ids is not None:
            query = query.where(Cycle.programme_id.in_(sorted(ids)))
        cycles = session.scalars(query).all()
        heads = {c.id: cycle_head(session, c.id) for c in cycles}
        return self.render_template("admin/distribution_index.html", cycles=cycles, heads=heads,
                                    capital=capital_head(session, ids), check_form=ActionForm())

    @expose("/cycles/<int:cycle_id>")
    @has_access
    def cycle(self, cycle_id: int):
        session = db_session()
        cycle = visible_cycle(cycle_id)
        by_status = {(channel, status): n for channel, status, n in session.execute(
            select(Entitlement.channel, Entitlement.status, func.count()).where(Entitlement.cycle_id == cycle.id)
            .group_by(Entitlement.channel, Entitlement.status))}
        stocks = session.scalars(select(GoodsStock).where(GoodsStock.cycle_id == cycle.id)).all()
        batches = session.scalars(select(PaymentBatch).where(PaymentBatch.cycle_id == cycle.id)
                                  .order_by(PaymentBatch.id.desc())).all()
        samples = session.scalars(select(VerificationSample).where(VerificationSample.cycle_id == cycle.id)
                                  .order_by(VerificationSample.id.desc())).all()
        return self.render_template(
            "admin/distribution_cycle.html", cycle=cycle, by_status=by_status, stocks=stocks, batches=batches,
            samples=samples, head=cycle_head(session, cycle.id), stock_form=StockForm(),
            can_stock=self.appbuilder.sm.has_access("can_manage", "DistributionView"),
            can_pay=self.appbuilder.sm.has_access("can_manage", "PaymentView"),
            action_form=ActionForm(), statement_form=StatementForm(), sample_form=SampleForm(),
            export=banks.FORMATS.get(cycle.programme.payment_export or banks.DEFAULT))

    @expose("/cycles/<int:cycle_id>/cards.pdf")
    @has_access
    def cards_pdf(self, cycle_id: int):
        cycle = visible_cycle(cycle_id)
        try:
            sheet = pickup.cards_for_cycle(db_session(), cycle.id)
        except DistributionError as exc:
            flash(str(exc), "danger")
            return redirect(url_for("DistributionView.cycle", cycle_id=cycle.id))
        pdf = cards.render_cards_pdf(sheet, f"Kartu pengambilan {cycle.name}")
        return Response(pdf, mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="kartu-siklus-{cycle.id}.pdf"'})

    @expose("/cycles/<int:cycle_id>/stock", methods=["POST"])
    @has_access
    def stock(self, cycle_id: int):
        cycle = visible_cycle(cycle_id)
        form = StockForm()
        if form.validate_on_submit():
            try:
                done = pickup.set_stock(db_session(), cycle.id, form.package.data.strip(), form.received.data,
                                        g.user.username)
                flash(f"Stok {done.package}: sisa {done.remaining} dari {done.received}", "success")
            except DistributionError as exc:
                db_session().rollback()
                flash(str(exc), "danger")
        else:
            flash_errors(form)
        return redirect(url_for("DistributionView.cycle", cycle_id=cycle.id))

    @expose("/ledger/check", methods=["POST"])
    @has_access
    def ledger_check(self):
        if ActionForm().validate_on_submit():
            result = ledger.verify(db_session())
            flash(result.message(), "success" if result.ok else "danger")
        return redirect(request.referrer or url_for("DistributionView.index"))

    def _view_or_error(self, token: str):
        try:
            view = pickup.lookup(db_session(), token)
        except DistributionError as exc:
            return None, str(exc)
        if not can_see_programme(view.entitlement.programme_id):
            return None, "Kartu ini milik program yang bukan wewenang Anda"
        return view, None

    def _render_desk(self, token_form, view=None, error=None, pickup_form=None):
        people = []
        if view is not None:
            people = [{"id": view.recipient["person_id"], "name": view.recipient["name"],
                       "nik": nik_for_viewer(view.recipient["nik"]), "role": "Penerima"}]
            people += [{"id": p.id, "name": p.name, "nik": nik_for_viewer(p.nik), "role": "Wakil (anggota dewasa)"}
                       for p in view.proxies]
        return self.render_template("admin/distribution_pickup.html", token_form=token_form, view=view, error=error,
                                    people=people, pickup_form=pickup_form,
                                    no_kk=kk_for_viewer(view.recipient["no_kk"]) if view else "",
                                    benefit=pickup.benefit_text(view.entitlement) if view else "")

    @expose("/pickup", methods=["GET", "POST"])
    @has_access
    def desk(self):
        token_form = TokenForm()
        if not token_form.validate_on_submit():
            if request.method == "POST":
                flash_errors(token_form)
            return self._render_desk(token_form)
        view, error = self._view_or_error(token_form.token.data)
        form = None
        if view is not None and not view.already_collected:
            form = PickupForm(formdata=None, token=token_form.token.data.strip().upper())
            form.collector_id.choices = [(view.recipient["person_id"], view.recipient["name"])] + [
                (p.id, f"{p.name} (wakil)") for p in view.proxies]
        return self._render_desk(token_form, view, error, form)

    @expose("/pickup/record", methods=["POST"])
    @has_access
    def record(self):
        form = PickupForm()
        view, error = self._view_or_error(form.token.data or "")
        if view is None:
            flash(error, "danger")
            return redirect(url_for("DistributionView.desk"))
        form.collector_id.choices = [(view.recipient["person_id"], view.recipient["name"])] + [
            (p.id, p.name) for p in view.proxies]
        if not form.validate_on_submit():
            flash_errors(form)
            return self._render_desk(TokenForm(formdata=None, token=form.token.data), view, None, form)
        try:
            done = pickup.record_pickup(db_session(), form.token.data, collector_id=form.collector_id.data,
                                        location=form.location.data, handed_over_by=form.handed_over_by.data,
                                        actor=g.user.username)
        except DistributionError as exc:
            db_session().rollback()
            flash(str(exc), "danger")
            return self._render_desk(TokenForm(formdata=None, token=form.token.data), view, str(exc))
        flash(f"Tercatat: bantuan diambil oleh {done.collector_name} di {done.location}.", "success")
        return redirect(url_for("DistributionView.desk"))
