"""Demo map data for the fake Desa Kamal: dusun boundaries, welfare bands, resources and skills.

Boundaries are a Voronoi partition of the four demo dusun centres clipped to a rough village outline,
loaded through the same GeoJSON import as a real file. Welfare rows are only added where none exist
(instrument "demo-peta"), so real scores from surveys always win."""
from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from shapely.geometry import MultiPoint, Point, Polygon, mapping
from shapely.ops import voronoi_diagram
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.cli.demo.people import DUSUN
from services.registry.models import (
    Enrolment,
    Household,
    HouseholdWelfare,
    Person,
    PersonSkill,
    Region,
    VillageResource,
)
from services.registry.people.models.resources import SKILLS
from services.registry.people.regions import import_regions

DESA_CODE = "3526012001"  # fake village code under Kecamatan Kamal (352601)
# A rough outline of the village (lon, lat), enclosing every demo household.
OUTLINE = [(112.7045, -7.1530), (112.7120, -7.1465), (112.7260, -7.1470), (112.7345, -7.1525),
           (112.7355, -7.1640), (112.7270, -7.1725), (112.7140, -7.1730), (112.7050, -7.1650)]
# (kind, name, description, size, unit, dusun, offset from the dusun centre in degrees (lat, lon))
RESOURCES = (
    ("tambak_garam", "Tambak garam rakyat Pesisir", "Tambak garam milik 12 keluarga", "4.5", "ha", "Pesisir",
     (-0.0035, -0.002)),
    ("perikanan", "Dermaga perahu nelayan", "Tambatan 30 perahu kecil", "30", "unit", "Pesisir", (-0.004, 0.003)),
    ("lahan_pertanian", "Sawah tadah hujan Kamal Barat", "Padi dan jagung, satu kali tanam", "12", "ha", "Kamal Barat",
     (0.001, -0.004)),
    ("usaha_kecil", "UMKM kerupuk ikan", "Usaha rumahan, 6 pekerja", "6", "orang", "Kamal Timur", (0.002, 0.001)),
    ("kerajinan", "Kelompok batik tulis Madura", "15 pembatik perempuan", "15", "orang", "Tengah", (0.002, -0.002)),
    ("fasilitas", "Balai Desa Kamal", "Tempat musyawarah desa", None, None, "Tengah", (-0.001, 0.001)),
    ("fasilitas", "Posyandu Melati", "Posyandu balita dan lansia", None, None, "Kamal Timur", (-0.002, 0.003)),
    ("peternakan", "Kandang kambing kelompok", "Ternak bergulir kelompok tani", "40", "ekor", "Kamal Barat",
     (-0.003, 0.001)),
)
# Fishing and salt-pan households of Pesisir are poorer than the village centre (band weights of the
# households not enrolled: miskin, rentan, tidak miskin), so the choropleth shows a real contrast.
DUSUN_WEIGHTS = {"Pesisir": (60, 25, 15), "Kamal Barat": (30, 30, 40), "Kamal Timur": (20, 30, 50),
                 "Tengah": (8, 22, 70)}


def dusun_code(number: int) -> str:
    return f"{DESA_CODE}-D{number:02d}"


def demo_regions() -> dict:
    """The desa and its four dusun as a GeoJSON FeatureCollection (deterministic)."""
    outline = Polygon(OUTLINE)
    names = sorted(DUSUN)
    centres = MultiPoint([(DUSUN[name][1], DUSUN[name][0]) for name in names])
    cells = voronoi_diagram(centres, envelope=outline.buffer(0.01))
    features = [{"type": "Feature", "geometry": mapping(outline),
                 "properties": {"kind": "desa", "code": DESA_CODE, "name": "Kamal"}}]
    for number, name in enumerate(names, start=1):
        centre = Point(DUSUN[name][1], DUSUN[name][0])
        cell = next(c for c in cells.geoms if c.contains(centre)).intersection(outline)
        features.append({"type": "Feature", "geometry": mapping(cell.simplify(0.00001)),
                         "properties": {"kind": "dusun", "code": dusun_code(number), "name": name,
                                        "parent_code": DESA_CODE}})
    return {"type": "FeatureCollection", "features": features}


def _welfare(session: Session, rng: random.Random) -> int:
    scored = set(session.scalars(select(HouseholdWelfare.household_id)))
    enrolled = set(session.scalars(select(Enrolment.household_id)))
    added = 0
    for household_id, dusun in session.execute(select(Household.id, Household.dusun).order_by(Household.id)):
        if household_id in scored:
            continue
        # Enrolled households are mostly poor, with a few inclusion errors for the map to show.
        weights = (70, 20, 10) if household_id in enrolled else DUSUN_WEIGHTS.get(dusun, (25, 30, 45))
        band = rng.choices(("miskin", "rentan", "tidak_miskin"), weights)[0]
        desil = {"miskin": rng.randint(1, 3), "rentan": rng.randint(4, 6), "tidak_miskin": rng.randint(7, 10)}[band]
        session.add(HouseholdWelfare(household_id=household_id, band=band, dtsen_desil=desil,
                                     instrument_code="demo-peta", explanation={"catatan": "data contoh"}))
        added += 1
    return added


def _resources(session: Session) -> int:
    dusun = {r.name: r for r in session.scalars(select(Region).where(Region.kind == "dusun"))}
    for kind, name, description, size, unit, area, (dlat, dlon) in RESOURCES:
        if session.scalar(select(VillageResource.id).where(VillageResource.name == name)) is None:
            lat, lon = DUSUN[area]
            session.add(VillageResource(kind=kind, name=name, description=description, unit=unit,
                                        size=Decimal(size) if size else None, region=dusun.get(area),
                                        latitude=round(lat + dlat, 6), longitude=round(lon + dlon, 6)))
    return len(RESOURCES)


def _skills(session: Session, rng: random.Random) -> int:
    if session.scalar(select(PersonSkill.id).limit(1)) is not None:
        return 0
    adults = session.scalars(select(Person).where(Person.relationship_to_head.in_(("KEPALA KELUARGA", "ISTRI")))
                             .order_by(Person.id)).all()
    female = ("menjahit", "menenun", "memasak", "kerajinan", "mengajar", "berdagang")
    male = ("nelayan", "bertani_modern", "pertukangan", "perbengkelan", "beternak", "komputer")
    added = 0
    for person in adults:
        if rng.random() < 0.35:
            skill = rng.choice(female if person.sex == "P" else male)
            assert skill in SKILLS
            session.add(PersonSkill(person_id=person.id, skill=skill, level=rng.choice(("dasar", "menengah", "mahir")),
                                    source=rng.choice(("survei", "pelatihan")), recorded_on=date(2026, 1, 10)))
            added += 1
    return added


def seed_map_demo(session: Session) -> dict[str, int]:
    """Add what is missing of the demo map data (boundaries are upserted by code) and commit."""
    import_regions(session, demo_regions(), actor="seed-demo")
    rng = random.Random(20260102)
    counts = {"regions": len(demo_regions()["features"]), "welfare": _welfare(session, rng),
              "resources": _resources(session), "skills": _skills(session, rng)}
    session.commit()
    return counts
