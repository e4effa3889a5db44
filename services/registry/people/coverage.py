"""Coverage-gap analysis per area: who is needy but receives nothing, who receives but is not needy.

Need comes from ``household_welfare`` (written by the scoring work): a household is needy when its
band is one of the configured categories (default "miskin") or a desil-like band / imported DTSEN
desil at or below the configured desil (default 4, the PKH line). A household without any welfare
row is counted as "belum dinilai" and is neither needy nor not needy. "Enrolled" means an active
enrolment in an active programme. One GROUP BY over households does the counting, so the cost
grows with the number of RTs, not of households."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from services.common.settings import env_int, env_str
from services.registry.models import Enrolment, Household, HouseholdWelfare, Programme, Region
from services.registry.people.regions import household_key, norm_number, region_key

LEVELS = ("desa", "dusun", "rw", "rt")
COUNTS = ("households", "scored", "needy", "not_needy", "enrolled", "needy_not_enrolled", "enrolled_not_needy")
SMALL_COUNT = 5  # counts below this are never published outside the village staff


@dataclass(frozen=True)
class NeedRule:
    bands: frozenset[str] = frozenset({"miskin"})
    max_desil: int = 4

    @property
    def needy_bands(self) -> list[str]:
        return sorted(self.bands | {str(n) for n in range(1, self.max_desil + 1)})


def need_rule_from_env() -> NeedRule:
    """REGISTRY_NEEDY_BANDS (comma list, default "miskin") and REGISTRY_NEEDY_MAX_DESIL (default 4)."""
    bands = env_str("REGISTRY_NEEDY_BANDS") or "miskin"
    return NeedRule(frozenset(b.strip() for b in bands.split(",") if b.strip()),
                    env_int("REGISTRY_NEEDY_MAX_DESIL", 4))


def needy_clause(rule: NeedRule):
    # The IS NOT NULL guards keep the clause two-valued: NOT (NULL) would drop "not needy" households.
    band, desil = HouseholdWelfare.band, HouseholdWelfare.dtsen_desil
    return or_(and_(band.is_not(None), band.in_(rule.needy_bands)),
               and_(desil.is_not(None), desil <= rule.max_desil))


def scored_clause():
    return or_(HouseholdWelfare.band.is_not(None), HouseholdWelfare.dtsen_desil.is_not(None))


def enrolled_households():
    """Subquery of ids of households with an active enrolment in an active programme."""
    return (select(Enrolment.household_id.label("household_id")).join(Programme)
            .where(Enrolment.status == "aktif", Programme.status == "aktif").distinct().subquery())


def _cut(key: tuple, level: str) -> tuple:
    depth = LEVELS.index(level) + 1
    return key[:depth] + (None,) * (4 - depth)


def _label(names: tuple, level: str) -> str:
    desa, dusun, rw, rt = names
    parts = {"desa": desa or "(tanpa desa)", "dusun": dusun or "(tanpa dusun)",
             "rw": f"RW {norm_number(rw) or '?'}", "rt": f"RT {norm_number(rt) or '?'}"}
    return " / ".join(parts[name] for name in LEVELS[1:LEVELS.index(level) + 1]) or parts["desa"]


def coverage_by_area(session: Session, level: str = "dusun", rule: NeedRule | None = None) -> list[dict]:
    """One row per area of ``level`` (areas drawn in ``region`` appear even without households)."""
    if level not in LEVELS:
        raise ValueError(f"Tingkat wilayah '{level}' tidak dikenal; pilih salah satu: {', '.join(LEVELS)}")
    rule = rule or need_rule_from_env()
    enrolled_ids = enrolled_households()
    needy, scored = needy_clause(rule), scored_clause()
    enrolled = enrolled_ids.c.household_id.is_not(None)
    query = (
        select(Household.desa, Household.dusun, Household.rw, Household.rt,
               func.count(Household.id),
               func.sum(case((scored, 1), else_=0)),
               func.sum(case((needy, 1), else_=0)),
               func.sum(case((and_(scored, ~needy), 1), else_=0)),
               func.sum(case((enrolled, 1), else_=0)),
               func.sum(case((and_(needy, ~enrolled), 1), else_=0)),
               func.sum(case((and_(scored, ~needy, enrolled), 1), else_=0)))
        .outerjoin(HouseholdWelfare, HouseholdWelfare.household_id == Household.id)
        .outerjoin(enrolled_ids, enrolled_ids.c.household_id == Household.id)
        .group_by(Household.desa, Household.dusun, Household.rw, Household.rt)
    )
    areas: dict[tuple, dict] = {}
    for desa, dusun, rw, rt, *counts in session.execute(query):
        key = _cut(household_key(desa, dusun, rw, rt), level)
        row = areas.setdefault(key, {"names": {}, **dict.fromkeys(COUNTS, 0)})
        # The spelling typed for most households names the area ("Utara" over a stray "UTARA").
        names = _cut((desa, dusun, rw, rt), level)
        row["names"][names] = row["names"].get(names, 0) + int(counts[0])
        for name, value in zip(COUNTS, counts, strict=True):
            row[name] += int(value or 0)
    regions = {region_key(r): r for r in session.scalars(select(Region).where(Region.kind == level))}
    for key in regions.keys() - areas.keys():
        areas[key] = {"names": {}, **dict.fromkeys(COUNTS, 0)}
    rows = [_row(key, data, regions.get(key), level) for key, data in areas.items()]
    return sorted(rows, key=lambda r: (-r["needy_not_enrolled"], r["area"]))


def _row(key: tuple, data: dict, region: Region | None, level: str) -> dict:
    variants = data.pop("names")
    names = max(variants, key=lambda n: (variants[n], tuple(x or "" for x in n))) if variants else None
    if region is not None and level in ("desa", "dusun"):
        area = region.name
    else:
        area = _label(names, level) if names is not None else region.name  # a drawn area with no household
    desa, dusun, rw, rt = names if names is not None else key
    return {"level": level, "area": area, "name": region.name if region else area,
            "code": region.code if region else None, "region_id": region.id if region else None,
            "desa": desa, "dusun": dusun, "rw": rw, "rt": rt,
            **data, "gap_rate": _rate(data["needy_not_enrolled"], data["needy"])}


def _rate(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return round(part / whole, 3)


def suppress_small(row: dict) -> dict:
    """A copy safe for partners and the public: each count below SMALL_COUNT becomes None (text "<5")."""
    out = {key: value for key, value in row.items() if key not in COUNTS and key != "gap_rate"}
    for name in COUNTS:
        value = row[name]
        hidden = value < SMALL_COUNT
        out[name] = None if hidden else value
        out[f"{name}_text"] = f"<{SMALL_COUNT}" if hidden else str(value)
    # A rate would give back a hidden numerator: only published when both of its counts are.
    out["gap_rate"] = _rate(out["needy_not_enrolled"], out["needy"]) if out["needy"] is not None else None
    return out
