"""GeoJSON builders for the map: aggregate areas (public or staff), household points and resources (staff).

Public and partner outputs come only from ``area_collection(..., public=True)``: per-area counts with
small numbers suppressed and the area's drawn boundary; never a household point, name or address."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.models import Household, HouseholdWelfare, PersonSkill, Region, VillageResource
from services.registry.people.coverage import (
    NeedRule,
    coverage_by_area,
    enrolled_households,
    need_rule_from_env,
    needy_clause,
    scored_clause,
)
from services.registry.people.models.resources import RESOURCE_KINDS

MAX_POINTS = 5000  # one map page; a whole kabupaten would need tiles or clustering server-side


def area_collection(session: Session, level: str = "dusun", public: bool = True,
                    rule: NeedRule | None = None) -> dict:
    from services.registry.people.coverage import suppress_small

    rows = coverage_by_area(session, level, rule)
    if public:  # the gap-first order would hint at the size of suppressed counts
        rows.sort(key=lambda row: row["area"])
    boundaries = dict(session.execute(select(Region.id, Region.boundary).where(Region.kind == level)).all())
    features = []
    for row in rows:
        geometry = boundaries.get(row["region_id"]) if row["region_id"] else None
        properties = suppress_small(row) if public else row
        features.append({"type": "Feature", "id": row["code"] or row["area"], "geometry": geometry,
                         "properties": properties})
    return {"type": "FeatureCollection", "features": features,
            "properties": {"level": level, "suppressed_below": 5 if public else None}}


def _point(lon, lat, properties: dict) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": properties}


def household_collection(session: Session, dusun: str | None = None, band: str | None = None,
                         enrolled: bool | None = None, rule: NeedRule | None = None,
                         limit: int = MAX_POINTS) -> dict:
    """Staff only: one point per household with coordinates, its band, need and enrolment."""
    rule = rule or need_rule_from_env()
    enrolled_ids = enrolled_households()
    is_enrolled = enrolled_ids.c.household_id.is_not(None)
    query = (
        select(Household.id, Household.no_kk, Household.dusun, Household.rw, Household.rt,
               Household.latitude, Household.longitude, HouseholdWelfare.band, HouseholdWelfare.dtsen_desil,
               HouseholdWelfare.rank, needy_clause(rule), scored_clause(), is_enrolled)
        .outerjoin(HouseholdWelfare, HouseholdWelfare.household_id == Household.id)
        .outerjoin(enrolled_ids, enrolled_ids.c.household_id == Household.id)
        .where(Household.latitude.is_not(None), Household.longitude.is_not(None))
        .order_by(Household.id)
    )
    if dusun:
        query = query.where(Household.dusun == dusun)
    if band == "belum_dinilai":
        query = query.where(HouseholdWelfare.band.is_(None))
    elif band:
        query = query.where(HouseholdWelfare.band == band)
    if enrolled is not None:
        query = query.where(is_enrolled if enrolled else ~is_enrolled)
    rows = session.execute(query.limit(limit + 1)).all()
    features = [
        _point(r.longitude, r.latitude, {
            "id": r.id, "no_kk": r.no_kk, "dusun": r.dusun, "rw": r.rw, "rt": r.rt, "band": r.band,
            "dtsen_desil": r.dtsen_desil, "rank": r.rank, "needy": bool(r[10]), "scored": bool(r[11]),
            "enrolled": bool(r[12])})
        for r in rows[:limit]
    ]
    return {"type": "FeatureCollection", "features": features, "properties": {"truncated": len(rows) > limit}}


def resource_collection(session: Session) -> dict:
    """Staff map layer: resources with a location (their own point, or their area's centroid)."""
    query = select(VillageResource, Region.centroid_lat, Region.centroid_lon).outerjoin(
        Region, Region.id == VillageResource.region_id)
    features = []
    for resource, region_lat, region_lon in session.execute(query.order_by(VillageResource.id)):
        lat = resource.latitude if resource.latitude is not None else region_lat
        lon = resource.longitude if resource.longitude is not None else region_lon
        if lat is None or lon is None:
            continue
        features.append(_point(lon, lat, {
            "id": resource.id, "kind": resource.kind, "kind_label": RESOURCE_KINDS.get(resource.kind, resource.kind),
            "name": resource.name, "size": float(resource.size) if resource.size is not None else None,
            "unit": resource.unit}))
    return {"type": "FeatureCollection", "features": features}


def skill_counts_by_dusun(session: Session) -> dict[str, dict[str, int]]:
    """{dusun: {skill: persons}}: the skills layer's popups (counts, no names)."""
    from sqlalchemy import func

    from services.registry.models import Person

    query = (select(Household.dusun, PersonSkill.skill, func.count(PersonSkill.id))
             .join(Person, Person.id == PersonSkill.person_id).join(Household, Household.id == Person.household_id)
             .group_by(Household.dusun, PersonSkill.skill))
    out: dict[str, dict[str, int]] = {}
    for dusun, skill, count in session.execute(query):
        out.setdefault(dusun or "", {})[skill] = count
    return out
