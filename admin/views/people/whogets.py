"""Siapa Dapat Apa: type a NIK or KK, see every programme and entitlement of the person or family.

Partners get the same screen scoped to their programmes with masked numbers (services/registry/people/whogets.py).
"""
from __future__ import annotations

from flask import request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access

from admin.extensions import db_session
from admin.scoping import is_partner, visible_programme_ids
from admin.views.people.dedup import LAYER_LABELS
from services.registry.people.whogets import QueryError, who_gets_what

ENTITLEMENT_LABELS = {"menunggu": "Menunggu", "disalurkan": "Diterima", "gagal": "Gagal",
                      "dikembalikan": "Dikembalikan", "dibatalkan": "Dibatalkan"}


class WhoGetsWhatView(BaseView):
    route_base = "/who-gets-what"
    class_permission_name = "WhoGetsWhatView"
    default_view = "index"
    method_permission_name = {"index": "list"}

    @expose("/")
    @has_access
    def index(self):
        q = (request.args.get("q") or "").strip()
        result, error = None, None
        if q:
            try:
                result = who_gets_what(db_session(), q, visible_programme_ids())
            except QueryError as exc:
                error = str(exc)
        return self.render_template("admin/who_gets_what.html", q=q, result=result, error=error,
                                    partner=is_partner(), layer_labels=LAYER_LABELS,
                                    entitlement_labels=ENTITLEMENT_LABELS,
                                    can_review=self.appbuilder.sm.has_access("can_show", "DedupView"),
                                    can_pathway=self.appbuilder.sm.has_access("can_work", "CapitalWorkView")
                                    and not is_partner())
