"""Peta Kebutuhan: Leaflet map of households by welfare band, coverage-gap choropleth and table, resources.

Staff (Operator, Admin, Auditor) get ``can_points``: household markers and resources. Partners get only
``can_map``: the per-area aggregates with small counts suppressed, exactly what the public endpoint shows."""
from __future__ import annotations

from flask import current_app, jsonify, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select

from admin.extensions import db_session
from services.registry.models import Household, HouseholdWelfare
from services.registry.people.coverage import LEVELS, need_rule_from_env
from services.registry.people.geo import area_collection, household_collection, resource_collection
from services.registry.surveys.models.welfare import WELFARE_CATEGORIES

BAND_LABELS = {"miskin": "Miskin", "rentan": "Rentan", "tidak_miskin": "Tidak miskin",
               "belum_dinilai": "Belum dinilai"}
MAP_LEVELS = {"dusun": "Dusun", "rw": "RW", "rt": "RT"}


def _level() -> str:
    level = request.args.get("level", "dusun")
    return level if level in LEVELS else "dusun"


class MapView(BaseView):
    route_base = "/map"
    class_permission_name = "MapView"
    default_view = "index"
    method_permission_name = {"index": "map", "areas": "map", "households": "points", "resources": "points"}

    def _staff(self) -> bool:
        return self.appbuilder.sm.has_access("can_points", self.class_permission_name)

    @expose("/")
    @has_access
    def index(self):
        level = _level()
        staff = self._staff()
        areas = area_collection(db_session(), level, public=not staff)
        rows = [feature["properties"] for feature in areas["features"]]
        dusun = sorted(filter(None, db_session().scalars(select(Household.dusun).distinct()))) if staff else []
        rule = need_rule_from_env()
        return self.render_template(
            "admin/map.html", staff=staff, rows=rows, level=level, levels=MAP_LEVELS, dusun=dusun,
            bands=self._bands() if staff else [],
            rule=rule, tiles_url=current_app.config.get("MAP_TILES_URL", ""),
            tiles_attribution=current_app.config.get("MAP_TILES_ATTRIBUTION", ""))

    @staticmethod
    def _bands() -> list[tuple[str, str]]:
        """The configured categories, then whatever desil-like bands the scoring wrote, then "not scored"."""
        found = set(filter(None, db_session().scalars(select(HouseholdWelfare.band).distinct())))
        others = found - set(WELFARE_CATEGORIES)
        desil = sorted(others, key=lambda b: (not b.isdigit(), int(b) if b.isdigit() else 0, b))
        codes = [*WELFARE_CATEGORIES, *desil, "belum_dinilai"]
        return [(code, BAND_LABELS.get(code) or (f"Desil {code}" if code.isdigit() else code)) for code in codes]

    @expose("/areas.json")
    @has_access
    def areas(self):
        return jsonify(area_collection(db_session(), _level(), public=not self._staff()))

    @expose("/households.json")
    @has_access
    def households(self):
        enrolled = {"ya": True, "tidak": False}.get(request.args.get("enrolled", ""))
        return jsonify(household_collection(db_session(), dusun=request.args.get("dusun") or None,
                                            band=request.args.get("band") or None, enrolled=enrolled))

    @expose("/resources.json")
    @has_access
    def resources(self):
        return jsonify(resource_collection(db_session()))
