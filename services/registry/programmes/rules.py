"""Eligibility rules as data: a JSON condition tree compiled to one SQL WHERE clause over households.

Grammar (every key in Indonesian-neutral field names so the admin can offer them in a form)::

    {"all": [node, ...]}  {"any": [node, ...]}  {"not": node}
    {"field": "band", "op": "le", "value": 2}                 # a household or welfare field
    {"member": node}    # some member of the household satisfies node (person fields)
    {"head": node}      # the head of the household satisfies node

Household fields: area (a Kemendagri code: the households of that desa, or of every desa under a
kecamatan/kabupaten code), dusun, rt, rw, desa, kecamatan, kabupaten, member_count. A dusun name
repeats across villages: pair it with an area when the programme is above the village.
Welfare fields: band, score, rank, desil (DTSEN).  Person fields: age, sex, relationship,
occupation, education, lives_alone.  Operators: eq, ne, lt, le, gt, ge, in, not_in.
Example "band <= 2 and has a member over 60 living alone"::

    {"all": [{"field": "band", "op": "le", "value": 2},
             {"member": {"all": [{"field": "age", "op": "ge", "value": 60},
                                 {"field": "lives_alone", "op": "eq", "value": true}]}}]}

Evaluated in the database (EXISTS subqueries, date arithmetic done in Python on the bound values),
never by loading every household.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, exists, false, func, not_, or_, select, true
from sqlalchemy.orm import Session, aliased

from services.registry.models import Area, Household, HouseholdWelfare, Person

OPS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in")
HEAD = "KEPALA KELUARGA"
SAMPLE_SIZE = 10


class RuleError(ValueError):
    """The rule's JSON is not a valid condition tree; the message is for the operator."""


def _member_count(household_id):
    other = aliased(Person)
    return select(func.count(other.id)).where(other.household_id == household_id).scalar_subquery()


def _area_leaf(op: str, value):
    """``area eq 35.26.04.2005``: households of that area and every area below it, by code."""
    if op not in ("eq", "ne", "in", "not_in"):
        raise RuleError("Kondisi Wilayah: pakai eq, ne, in atau not_in dengan kode Kemendagri")
    codes = value if isinstance(value, list) else [value]
    if op in ("in", "not_in") and (not isinstance(value, list) or not value):
        raise RuleError("Kondisi Wilayah: nilai untuk 'in' harus daftar kode yang tidak kosong")
    if not all(isinstance(code, str) and code.strip() for code in codes):
        raise RuleError("Kondisi Wilayah: nilai harus kode Kemendagri, mis. 35.26.04.2005")
    areas = select(Area.id).where(or_(*(or_(Area.code == c.strip(), Area.code.like(f"{c.strip()}.%"))
                                        for c in codes)))
    clause = Household.area_id.in_(areas)
    return not_(clause) if op in ("ne", "not_in") else clause


HOUSEHOLD_FIELDS = {
    "area": lambda: Household.area_id,
    "dusun": lambda: Household.dusun, "rt": lambda: Household.rt, "rw": lambda: Household.rw,
    "desa": lambda: Household.desa, "kecamatan": lambda: Household.kecamatan,
    "kabupaten": lambda: Household.kabupaten, "member_count": lambda: _member_count(Household.id),
    "band": lambda: HouseholdWelfare.band, "score": lambda: HouseholdWelfare.score,
    "rank": lambda: HouseholdWelfare.rank, "desil": lambda: HouseholdWelfare.dtsen_desil,
}
PERSON_FIELDS = ("age", "sex", "relationship", "occupation", "education", "lives_alone")
NUMERIC_FIELDS = {"member_count", "score", "rank", "desil", "age"}
FIELD_LABELS = {
    "area": "Wilayah", "dusun": "Dusun", "rt": "RT", "rw": "RW", "desa": "Desa", "kecamatan": "Kecamatan",
    "kabupaten": "Kabupaten", "member_count": "Jumlah anggota keluarga", "band": "Kelompok kesejahteraan",
    "score": "Skor kesejahteraan", "rank": "Peringkat kebutuhan", "desil": "Desil DTSEN", "age": "Umur",
    "sex": "Jenis kelamin", "relationship": "Hubungan keluarga", "occupation": "Pekerjaan",
    "education": "Pendidikan", "lives_alone": "Tinggal sendiri",
}


def _compare(column, op: str, value, field: str):
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            raise RuleError(f"Kondisi {FIELD_LABELS[field]}: nilai untuk '{op}' harus daftar yang tidak kosong")
        clause = column.in_(value)
        return not_(clause) if op == "not_in" else clause
    if isinstance(value, list):
        raise RuleError(f"Kondisi {FIELD_LABELS[field]}: nilai untuk '{op}' tidak boleh daftar")
    if field in NUMERIC_FIELDS and op not in ("eq", "ne") and not isinstance(value, (int, float)):
        raise RuleError(f"Kondisi {FIELD_LABELS[field]}: nilai harus angka")
    return {"eq": column == value, "ne": column != value, "lt": column < value, "le": column <= value,
            "gt": column > value, "ge": column >= value}[op]


def _band(op: str, value):
    """Bands are text ("1".."10" desil-like, or a category); numeric comparisons become IN lists."""
    if op in ("lt", "le", "gt", "ge"):
        if not isinstance(value, int) or isinstance(value, bool):
            raise RuleError("Kondisi Kelompok kesejahteraan: perbandingan butuh angka 1-10")
        wanted = [b for b in range(1, 11) if {"lt": b < value, "le": b <= value, "gt": b > value,
                                               "ge": b >= value}[op]]
        return HouseholdWelfare.band.in_([str(b) for b in wanted]) if wanted else false()
    if op in ("in", "not_in") and isinstance(value, list):
        value = [str(v) for v in value]
    elif value is not None and not isinstance(value, list):
        value = str(value)
    return _compare(HouseholdWelfare.band, op, value, "band")


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _age(person, op: str, value, today: date):
    """age OP n as birth-date bounds, so the database compares plain dates (same on SQLite and PG)."""
    if op in ("in", "not_in"):
        raise RuleError("Kondisi Umur: pakai lt/le/gt/ge/eq, bukan daftar")
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise RuleError("Kondisi Umur: nilai harus bilangan bulat tahun")
    at_least = lambda n: person.birth_date <= _years_ago(today, n)  # noqa: E731  (age >= n)
    younger = lambda n: person.birth_date > _years_ago(today, n)  # noqa: E731  (age < n)
    return {"ge": at_least(value), "gt": at_least(value + 1), "lt": younger(value), "le": younger(value + 1),
            "eq": and_(at_least(value), younger(value + 1)),
            "ne": or_(younger(value), at_least(value + 1))}[op]


def _person_leaf(person, node: dict, today: date):
    field, op, value = node["field"], node["op"], node.get("value")
    if field == "age":
        return _age(person, op, value, today)
    if field == "lives_alone":
        alone = _member_count(person.household_id) == 1
        return alone if bool(value) == (op == "eq") else not_(alone)
    column = {"sex": person.sex, "relationship": person.relationship_to_head,
              "occupation": person.occupation, "education": person.education}[field]
    if field in ("relationship", "occupation", "education"):
        # Rosters spell these in any case; compare upper-cased on both sides.
        column = func.upper(column)
        value = [str(v).upper() for v in value] if isinstance(value, list) else str(value).upper()
    return _compare(column, op, value, field)


def _check_leaf(node: dict, allowed) -> None:
    field, op = node.get("field"), node.get("op")
    if field not in allowed:
        raise RuleError(f"Kolom '{field}' tidak dikenal di sini; pilihan: {', '.join(sorted(allowed))}")
    if op not in OPS:
        raise RuleError(f"Operator '{op}' tidak dikenal; pilihan: {', '.join(OPS)}")
    if "value" not in node:
        raise RuleError(f"Kondisi {FIELD_LABELS[field]}: nilai belum diisi")


def _compile(node, today: date, person=None):
    if not isinstance(node, dict) or not node:
        raise RuleError("Setiap kondisi harus objek JSON yang berisi all, any, not, field, member atau head")
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        parts = node[key]
        if not isinstance(parts, list) or not parts:
            raise RuleError(f"'{key}' harus daftar kondisi yang tidak kosong")
        compiled = [_compile(part, today, person) for part in parts]
        return and_(*compiled) if key == "all" else or_(*compiled)
    if "not" in node:
        return not_(_compile(node["not"], today, person))
    if "member" in node or "head" in node:
        if person is not None:
            raise RuleError("'member'/'head' tidak boleh bersarang di dalam kondisi anggota")
        member = aliased(Person)
        inner = _compile(node.get("member") or node.get("head"), today, member)
        where = [member.household_id == Household.id, inner]
        if "head" in node:
            where.append(func.upper(member.relationship_to_head) == HEAD)
        return exists(select(member.id).where(*where))
    if "field" in node:
        if person is not None:
            _check_leaf(node, PERSON_FIELDS)
            return _person_leaf(person, node, today)
        _check_leaf(node, HOUSEHOLD_FIELDS)
        if node["field"] == "band":
            return _band(node["op"], node["value"])
        if node["field"] == "area":
            return _area_leaf(node["op"], node["value"])
        return _compare(HOUSEHOLD_FIELDS[node["field"]](), node["op"], node["value"], node["field"])
    raise RuleError(f"Kondisi tidak dikenal: {sorted(node)}")


def compile_condition(condition: dict | None, today: date | None = None):
    """The SQL expression for ``condition`` (an empty rule matches every household)."""
    if not condition:
        return true()
    return _compile(condition, today or date.today())


def eligible_households(condition: dict | None, today: date | None = None):
    """SELECT household.id, welfare rank/score/band of every matching household, most in need first."""
    return (select(Household.id, HouseholdWelfare.rank, HouseholdWelfare.score, HouseholdWelfare.band)
            .outerjoin(HouseholdWelfare, HouseholdWelfare.household_id == Household.id)
            .where(compile_condition(condition, today))
            # NULL ranks (not yet scored) last on both SQLite and PG.
            .order_by(HouseholdWelfare.rank.is_(None), HouseholdWelfare.rank, Household.id))


def preview(session: Session, condition: dict | None, today: date | None = None) -> dict:
    """How many households match, and the first SAMPLE_SIZE of them by need."""
    query = eligible_households(condition, today)
    count = session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    ids = [row.id for row in session.execute(query.limit(SAMPLE_SIZE))]
    households = {h.id: h for h in session.scalars(select(Household).where(Household.id.in_(ids)))} if ids else {}
    sample = []
    for household_id in ids:
        household = households[household_id]
        head = household.head
        sample.append({"household_id": household_id, "no_kk": household.no_kk,
                       "name": head.name if head else "", "dusun": household.dusun,
                       "rt": household.rt, "rw": household.rw})
    return {"count": count, "sample": sample}
