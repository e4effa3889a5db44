"""Aturan Kelayakan: rules as JSON condition trees, checked and previewed (count + 10) before saving."""
from __future__ import annotations

import json

from flask import abort, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select

from admin.extensions import db_session
from admin.forms import ActionForm
from admin.scoping import can_see_programme, kk_for_viewer, visible_programme_ids
from admin.views.programmes.cycle_helpers import (
    FormError,
    actor,
    allowed,
    checked_post,
    form_value,
    parse_int,
    run_step,
)
from services.registry.core.audit import record
from services.registry.models import EligibilityRule, Programme
from services.registry.programmes import rules

EXAMPLE = {"all": [{"field": "band", "op": "le", "value": 2},
                   {"member": {"all": [{"field": "age", "op": "ge", "value": 60},
                                       {"field": "lives_alone", "op": "eq", "value": True}]}}]}


def parse_condition(text: str) -> dict:
    """The typed JSON, compiled once so every mistake is reported before anything is saved."""
    try:
        condition = json.loads(text or "{}")
    except json.JSONDecodeError as exc:
        raise FormError(f"Kondisi bukan JSON yang sah (baris {exc.lineno}, kolom {exc.colno})") from None
    if not isinstance(condition, dict):
        raise FormError("Kondisi harus objek JSON, mis. {\"all\": [...]}")
    rules.compile_condition(condition)
    return condition


class RuleView(BaseView):
    route_base = "/rules"
    class_permission_name = "RuleView"
    default_view = "index"
    method_permission_name = {"index": "list", "show": "show", "new": "add", "edit": "edit"}

    @expose("/")
    @has_access
    def index(self):
        query = select(EligibilityRule).order_by(EligibilityRule.programme_id, EligibilityRule.name)
        ids = visible_programme_ids()
        if ids is not None:
            query = query.where(EligibilityRule.programme_id.in_(sorted(ids)))
        return self.render_template("admin/rules_list.html", items=db_session().scalars(query).all(),
                                    can=allowed(self.appbuilder, "RuleView", "add", "edit"))

    @expose("/<int:rule_id>")
    @has_access
    def show(self, rule_id: int):
        rule = db_session().get(EligibilityRule, rule_id)
        if rule is None or not can_see_programme(rule.programme_id):
            abort(404)
        return self.render_template("admin/rules_show.html", rule=rule, kk=kk_for_viewer,
                                    text=json.dumps(rule.condition, indent=2, ensure_ascii=False),
                                    preview=rules.preview(db_session(), rule.condition),
                                    can=allowed(self.appbuilder, "RuleView", "edit"))

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        return self._form(None)

    @expose("/<int:rule_id>/edit", methods=["GET", "POST"])
    @has_access
    def edit(self, rule_id: int):
        rule = db_session().get(EligibilityRule, rule_id)
        if rule is None:
            abort(404)
        return self._form(rule)

    def _form(self, rule: EligibilityRule | None):
        session = db_session()
        values = dict(request.form) if request.method == "POST" else {
            "programme_id": str(rule.programme_id) if rule else "", "name": rule.name if rule else "",
            "description": (rule.description or "") if rule else "",
            "condition": json.dumps(rule.condition if rule else EXAMPLE, indent=2, ensure_ascii=False)}
        preview = None
        if request.method == "POST":
            checked_post()
            holder: dict = {}
            if request.form.get("action") == "preview":
                run_step(lambda: holder.update(result=rules.preview(session, parse_condition(values["condition"]))))
                preview = holder.get("result")
            else:
                if run_step(lambda: holder.setdefault("rule", self._save(rule, values)), "Aturan disimpan."):
                    return redirect(url_for("RuleView.show", rule_id=holder["rule"].id))
        return self.render_template("admin/rules_form.html", rule=rule, values=values, preview=preview,
                                    kk=kk_for_viewer, csrf=ActionForm().hidden_tag(),
                                    programmes=session.scalars(select(Programme).order_by(Programme.code)).all())

    def _save(self, rule: EligibilityRule | None, values: dict) -> EligibilityRule:
        session = db_session()
        condition = parse_condition(values.get("condition", ""))
        programme = session.get(Programme, parse_int(values.get("programme_id"), "Program") or 0)
        name = form_value("name")
        if programme is None or not name:
            raise FormError("Program dan nama aturan wajib diisi")
        before = dict(rule.condition) if rule else None
        if rule is None:
            rule = EligibilityRule(programme_id=programme.id, name=name, condition=condition)
            session.add(rule)
        rule.programme_id, rule.name, rule.condition = programme.id, name, condition
        rule.description = form_value("description") or None
        session.flush()
        record(session, actor(), "update" if before is not None else "create", "eligibility_rule", rule.id,
               before=before, after=condition, name=name)
        return rule

