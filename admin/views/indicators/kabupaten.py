"""Dasbor Kabupaten: every village of the areas the user may see, per kecamatan, for Dinas Sosial and camat.

The figures come from services/registry/indicators/rollup.py; the area scope of the request (set for the
user's area) decides which villages appear, so a camat sees the villages of the kecamatan only."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access

from admin.extensions import db_session
from services.registry.core.money import rupiah
from services.registry.core.periods import JAKARTA, PeriodError, parse_period
from services.registry.indicators.rollup import kabupaten_rollup


class KabupatenDashboardView(BaseView):
    route_base = "/kabupaten-dashboard"
    class_permission_name = "KabupatenDashboardView"
    default_view = "index"
    method_permission_name = {"index": "list"}

    @expose("/")
    @has_access
    def index(self):
        now = datetime.now(UTC)
        year = (request.args.get("tahun") or "").strip() or str(now.astimezone(JAKARTA).year)
        error = None
        try:
            parse_period(year, "year")
        except PeriodError as exc:
            error, year = str(exc), str(now.astimezone(JAKARTA).year)
        groups = kabupaten_rollup(db_session(), year, now)
        return self.render_template("admin/kabupaten_dashboard.html", groups=groups, year=year, error=error,
                                    rupiah=rupiah)
