"""Regions: normalised matching of household text to areas, and the GeoJSON boundary import.

A GeoJSON FeatureCollection carries one area per feature; its properties give kind, code, name
and the parent's code (property names configurable). Every feature either lands in ``region``
(inserted, updated or unchanged: re-importing the same file changes nothing) or is reported with
its reason in Indonesian. Geometries are checked with shapely: Polygon/MultiPolygon only, valid
(no self-intersection), inside WGS84 longitude/latitude ranges."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from shapely.geometry import mapping, shape
from shapely.validation import explain_validity
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.core.areas import ensure_default_desa
from services.registry.core.audit import record
from services.registry.models import Region
from services.registry.people.models.regions import REGION_KINDS

DEFAULT_PROPERTIES = {"kind": "kind", "code": "code", "name": "name", "parent": "parent_code"}
KIND_ALIASES = {"desa": "desa", "kelurahan": "desa", "dusun": "dusun", "dukuh": "dusun", "rw": "rw", "rt": "rt"}


def norm_name(value: str | None) -> str | None:
    """Names compare case- and space-insensitively ("Kamal  Barat" == "kamal barat")."""
    text = " ".join((value or "").split()).casefold()
    return text or None


def norm_number(value: str | None) -> str | None:
    """RW/RT compare by number: "RT 3", "03" and "003" all become "003"."""
    digits = re.sub(r"\D", "", str(value or ""))
    return f"{int(digits):03d}" if digits else None


def household_key(desa, dusun, rw, rt) -> tuple:
    return norm_name(desa), norm_name(dusun), norm_number(rw), norm_number(rt)


def region_key(region: Region) -> tuple:
    return region.match_desa, region.match_dusun, region.match_rw, region.match_rt


def fill_path(region: Region, parent: Region | None) -> None:
    """Copy the parent's normalised path and add this region's own level."""
    path = dict.fromkeys(("desa", "dusun", "rw", "rt"))
    if parent is not None:
        path.update(desa=parent.match_desa, dusun=parent.match_dusun, rw=parent.match_rw, rt=parent.match_rt)
    path[region.kind] = norm_number(region.name) if region.kind in ("rw", "rt") else norm_name(region.name)
    region.match_desa, region.match_dusun, region.match_rw, region.match_rt = (
        path["desa"], path["dusun"], path["rw"], path["rt"])


def refresh_paths(regions) -> None:
    """Re-derive every path top-down, so renaming a dusun also re-links its RWs and RTs."""
    by_id = {region.id: region for region in regions}
    for region in sorted(by_id.values(), key=lambda r: REGION_KINDS.index(r.kind)):
        fill_path(region, by_id.get(region.parent_id))


@dataclass
class RegionImportResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict] = field(default_factory=list)  # {"feature": n (1-based), "code": ..., "reason": ...}


def check_geometry(geometry) -> tuple[dict | None, str | None]:
    """(normalised GeoJSON geometry, None) or (None, reason in Indonesian). A missing geometry is allowed."""
    if geometry is None:
        return None, None
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        return None, f"Geometri harus Polygon atau MultiPolygon, bukan {kind}"
    try:
        shp = shape(geometry)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        return None, f"Koordinat geometri rusak: {exc}"
    if shp.is_empty:
        return None, "Geometri kosong"
    minx, miny, maxx, maxy = shp.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        return None, "Koordinat di luar rentang bujur/lintang WGS84 (urutan harus [bujur, lintang])"
    if not shp.is_valid:
        return None, f"Geometri tidak sah: {explain_validity(shp)}"
    return json.loads(json.dumps(mapping(shp))), None


def _feature_fields(feature, props_map: dict, fixed_kind: str | None) -> tuple[dict | None, str | None]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return None, "Bukan Feature GeoJSON"
    props = feature.get("properties") or {}
    raw_kind = fixed_kind or props.get(props_map["kind"])
    kind = KIND_ALIASES.get(str(raw_kind or "").strip().casefold())
    if kind is None:
        return None, f"Jenis wilayah '{raw_kind or ''}' tidak dikenal (desa, dusun, rw atau rt)"
    code = str(props.get(props_map["code"]) or "").strip()
    name = str(props.get(props_map["name"]) or "").strip()
    if not code:
        return None, f"Kode wilayah (properti '{props_map['code']}') kosong"
    if len(code) > 40:
        return None, "Kode wilayah lebih dari 40 karakter"
    if not name:
        return None, f"Nama wilayah (properti '{props_map['name']}') kosong"
    parent = str(props.get(props_map["parent"]) or "").strip() or None
    if kind != "desa" and parent is None:
        return None, f"Wilayah {kind} harus punya induk (properti '{props_map['parent']}')"
    return {"kind": kind, "code": code, "name": name[:100], "parent": parent}, None


def _order(fields: list[tuple[int, dict, dict | None]]) -> list[tuple[int, dict, dict | None]]:
    # Parents before children, whatever the file order.
    return sorted(fields, key=lambda item: REGION_KINDS.index(item[1]["kind"]))


def import_regions(session: Session, collection: dict, actor: str, properties: dict | None = None,
                   kind: str | None = None, area_id: int | None = None) -> RegionImportResult:
    """Upsert the areas of a FeatureCollection (by code, within the desa ``area_id``); commit; report
    every rejected feature. Without ``area_id`` the regions belong to the default desa."""
    props_map = {**DEFAULT_PROPERTIES, **(properties or {})}
    result = RegionImportResult()
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        result.rejected.append({"feature": 0, "code": None, "reason": "Berkas bukan FeatureCollection GeoJSON"})
        return result
    accepted = []
    for number, feature in enumerate(collection.get("features") or [], start=1):
        fields, reason = _feature_fields(feature, props_map, kind)
        geometry = None
        if fields is not None:
            geometry, reason = check_geometry(feature.get("geometry"))
        if reason:
            result.rejected.append({"feature": number, "code": (fields or {}).get("code"), "reason": reason})
        else:
            accepted.append((number, fields, geometry))
    seen: set[str] = set()
    if area_id is None:
        area_id = ensure_default_desa(session).id
    existing = {r.code: r for r in session.scalars(select(Region).where(Region.area_id == area_id))}
    for number, fields, geometry in _order(accepted):
        if fields["code"] in seen:
            reason = "Kode wilayah ganda dalam berkas"
            result.rejected.append({"feature": number, "code": fields["code"], "reason": reason})
            continue
        parent = existing.get(fields["parent"]) if fields["parent"] else None
        if fields["parent"] and parent is None:
            reason = f"Induk '{fields['parent']}' tidak ada (di berkas yang sah maupun di registri)"
            result.rejected.append({"feature": number, "code": fields["code"], "reason": reason})
            continue
        expected = REGION_KINDS[REGION_KINDS.index(fields["kind"]) - 1] if fields["kind"] != "desa" else None
        if parent is not None and parent.kind != expected:
            reason = f"Induk '{parent.code}' berjenis {parent.kind}; {fields['kind']} harus di bawah {expected}"
            result.rejected.append({"feature": number, "code": fields["code"], "reason": reason})
            continue
        seen.add(fields["code"])
        _upsert(session, existing, fields, geometry, parent, actor, result, area_id)
    refresh_paths(existing.values())
    session.commit()
    return result


def _upsert(session: Session, existing: dict, fields: dict, geometry: dict | None, parent: Region | None,
            actor: str, result: RegionImportResult, area_id: int) -> None:
    region = existing.get(fields["code"])
    centroid = shape(geometry).representative_point() if geometry else None
    values = {"kind": fields["kind"], "name": fields["name"], "parent_id": parent.id if parent else None,
              "boundary": geometry, "centroid_lat": round(centroid.y, 7) if centroid else None,
              "centroid_lon": round(centroid.x, 7) if centroid else None}
    if region is None:
        region = Region(code=fields["code"], area_id=area_id, **values)
        fill_path(region, parent)
        session.add(region)
        session.flush()
        existing[region.code] = region
        result.inserted += 1
        record(session, actor, "import", "region", region.id, code=region.code, kind=region.kind, name=region.name)
        return
    before = {key: getattr(region, key) for key in values}
    if before == values:
        result.unchanged += 1
        return
    for key, value in values.items():
        setattr(region, key, value)
    fill_path(region, parent)
    result.updated += 1
    changed = {key: [_short(before[key]), _short(values[key])] for key in values if before[key] != values[key]}
    record(session, actor, "update", "region", region.id, code=region.code, changes=changed)


def _short(value):
    # Whole polygons would bloat the audit trail; record that the boundary changed, not every vertex.
    return "(batas wilayah)" if isinstance(value, dict) else value


def import_regions_file(session: Session, path: str | Path, actor: str, properties: dict | None = None,
                        kind: str | None = None, area_id: int | None = None) -> RegionImportResult:
    try:
        collection = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        result = RegionImportResult()
        result.rejected.append({"feature": 0, "code": None, "reason": f"Berkas GeoJSON tidak dapat dibaca: {exc}"})
        return result
    return import_regions(session, collection, actor, properties, kind, area_id)
