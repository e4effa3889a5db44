"""Map and coverage endpoints of the registry.

``map_api`` (bearer SERVICE_TOKEN, staff): exact coverage per area, household points, resources,
skills search. ``public_geo`` (no login, for partners' sites and the village transparency page):
per-area aggregates only, small counts suppressed."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from services.common.auth import require_service_token
from services.common.db import current_database
from services.common.privacy import mask_nik
from services.registry.people.coverage import LEVELS, coverage_by_area
from services.registry.people.geo import area_collection, household_collection, resource_collection
from services.registry.people.skills import persons_with_skill_query

map_api = Blueprint("registry_map_api", __name__, url_prefix="/api")
require_service_token(map_api)
public_geo = Blueprint("registry_public_geo", __name__, url_prefix="/public/geo")

GEOJSON = "application/geo+json"


def _level():
    level = request.args.get("level", "dusun")
    if level not in LEVELS:
        return None, (jsonify({"error": f"Tingkat wilayah '{level}' tidak dikenal; pilih: {', '.join(LEVELS)}"}), 400)
    return level, None


def _geojson(collection: dict):
    response = jsonify(collection)
    response.mimetype = GEOJSON
    return response


@public_geo.get("/areas.geojson")
def public_areas():
    """Aggregates per area for anyone: counts below 5 are null with text "<5"; no points, no names."""
    level, error = _level()
    if error:
        return error
    response = _geojson(area_collection(current_database().session, level, public=True))
    response.headers["Access-Control-Allow-Origin"] = "*"  # partners embed it in their own pages
    response.cache_control.max_age = 300
    response.cache_control.public = True
    return response


@map_api.get("/coverage")
def coverage():
    level, error = _level()
    if error:
        return error
    return jsonify({"level": level, "areas": coverage_by_area(current_database().session, level)})


@map_api.get("/geo/areas.geojson")
def staff_areas():
    level, error = _level()
    if error:
        return error
    return _geojson(area_collection(current_database().session, level, public=False))


def _flag(name: str) -> bool | None:
    value = (request.args.get(name) or "").strip().lower()
    return {"1": True, "ya": True, "true": True, "0": False, "tidak": False, "false": False}.get(value)


@map_api.get("/geo/households.geojson")
def staff_households():
    return _geojson(household_collection(
        current_database().session, dusun=request.args.get("dusun") or None,
        band=request.args.get("band") or None, enrolled=_flag("enrolled")))


@map_api.get("/geo/resources.geojson")
def staff_resources():
    return _geojson(resource_collection(current_database().session))


@map_api.get("/skills/persons")
def skill_persons():
    """Persons with a skill: ``skill`` (code), optional ``sex`` (L/P), ``min_level``, ``source``, ``dusun``."""
    try:
        query = persons_with_skill_query(
            request.args.get("skill", ""), sex=request.args.get("sex") or None,
            min_level=request.args.get("min_level") or None, source=request.args.get("source") or None,
            dusun=request.args.get("dusun") or None)
    except ValueError as exc:
        return jsonify({"error": str(exc)}), 400
    masked = _flag("mask") is True  # a caller serving partners asks for masked NIKs
    persons = current_database().session.scalars(query.limit(1000)).all()
    return jsonify({"persons": [{"id": p.id, "household_id": p.household_id, "name": p.name, "sex": p.sex,
                                 "nik": mask_nik(p.nik) if masked else p.nik} for p in persons]})
