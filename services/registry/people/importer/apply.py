"""Apply validated roster rows to the registry with bulk Core statements inside the caller's transaction."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlalchemy.orm import Session

from services.registry.core.base import utcnow
from services.registry.core.bulk import KEY_CHUNK, allocate_ids, bulk_insert, bulk_update, chunked, rows_by_keys
from services.registry.models import DuplicateCandidate, Household, Person
from services.registry.people.importer.rows import HOUSEHOLD_FIELDS, PERSON_FIELDS, CleanRow

DUPLICATE_REASON = "NIK sama di KK lain"
HH = Household.__table__
PERSON = Person.__table__


@dataclass
class ApplyResult:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates_flagged: int = 0
    row_outcomes: dict[int, str] = field(default_factory=dict)  # row number -> imported/updated/unchanged


def _load_households(session: Session, kks: Iterable[str]) -> dict[str, dict]:
    rows = rows_by_keys(session, HH, "no_kk", kks, ["id", "no_kk", *HOUSEHOLD_FIELDS])
    return {row["no_kk"]: row for row in rows}


def _load_persons(session: Session, household_ids: Iterable[int]) -> dict[tuple[int, str], dict]:
    rows = rows_by_keys(session, PERSON, "household_id", household_ids, ["id", "household_id", "nik", *PERSON_FIELDS])
    return {(row["household_id"], row["nik"]): row for row in rows}


def _persons_by_nik(session: Session, niks: Iterable[str]) -> dict[str, list[tuple[int, int]]]:
    """NIK -> [(person id, household id)] for every person already registered with that NIK."""
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row in rows_by_keys(session, PERSON, "nik", niks, ["id", "household_id", "nik"]):
        found[row["nik"]].append((row["id"], row["household_id"]))
    return found


def _changed(current: dict, wanted: dict, fields: tuple[str, ...]) -> bool:
    return any(current[name] != wanted[name] for name in fields)


def _apply_households(session: Session, rows: list[CleanRow]) -> tuple[dict[str, int], set[str], set[int]]:
    """Insert new and update changed households; return KK -> id, the KKs whose data changed, old ids."""
    first_by_kk: dict[str, dict] = {}
    for row in rows:
        first_by_kk.setdefault(row.no_kk, row.household)
    existing = _load_households(session, first_by_kk)
    now = utcnow()
    new = [{"no_kk": kk, **values, "created_at": now, "updated_at": now}
           for kk, values in first_by_kk.items() if kk not in existing]
    changed = {kk for kk, values in first_by_kk.items()
               if kk in existing and _changed(existing[kk], values, HOUSEHOLD_FIELDS)}
    new_ids = allocate_ids(session, HH, len(new))
    if new_ids:
        for values, new_id in zip(new, new_ids, strict=True):
            values["id"] = new_id
    bulk_insert(session, HH, new)
    bulk_update(session, HH, [{"_id": existing[kk]["id"], **first_by_kk[kk], "updated_at": now}
                              for kk in sorted(changed)])
    ids = {kk: values["id"] for kk, values in existing.items()}
    if new_ids:
        ids.update({values["no_kk"]: values["id"] for values in new})
    elif new:
        ids.update({kk: values["id"] for kk, values in _load_households(session, [n["no_kk"] for n in new]).items()})
    return ids, changed, {values["id"] for values in existing.values()}


def apply_rows(session: Session, rows: list[CleanRow]) -> ApplyResult:
    """Write ``rows`` (already validated, NIKs unique within the file) inside the session's transaction."""
    result = ApplyResult()
    if not rows:
        return result
    household_ids, changed_kks, old_household_ids = _apply_households(session, rows)
    existing = _load_persons(session, old_household_ids)  # new households have no members yet
    same_nik = _persons_by_nik(session, (row.nik for row in rows))
    now = utcnow()
    inserts: list[dict] = []
    updates: list[dict] = []
    pending_duplicates: list[tuple[int, str, list[int]]] = []  # (household id, NIK, other person ids)
    first_row_of_kk: set[int] = set()
    seen_kk: set[str] = set()
    for row in rows:
        if row.no_kk not in seen_kk:
            seen_kk.add(row.no_kk)
            first_row_of_kk.add(row.number)
    for row in rows:
        household_id = household_ids[row.no_kk]
        current = existing.get((household_id, row.nik))
        if current is None:
            others = [pid for pid, hid in same_nik.get(row.nik, ()) if hid != household_id]
            inserts.append({"household_id": household_id, "nik": row.nik, **row.person,
                            "is_duplicate_candidate": bool(others), "created_at": now, "updated_at": now})
            if others:
                pending_duplicates.append((household_id, row.nik, others))
            outcome = "imported"
        elif _changed(current, row.person, PERSON_FIELDS):
            updates.append({"_id": current["id"], **row.person, "updated_at": now})
            outcome = "updated"
        elif row.number in first_row_of_kk and row.no_kk in changed_kks:
            outcome = "updated"  # the household's own data came from this row and changed
        else:
            outcome = "unchanged"
        result.row_outcomes[row.number] = outcome
        setattr(result, outcome, getattr(result, outcome) + 1)
    person_ids = allocate_ids(session, PERSON, len(inserts))
    if person_ids:
        for values, new_id in zip(inserts, person_ids, strict=True):
            values["id"] = new_id
    bulk_insert(session, PERSON, inserts)
    bulk_update(session, PERSON, updates)
    known = {(values["household_id"], values["nik"]): values["id"] for values in inserts if "id" in values}
    result.duplicates_flagged = _flag_duplicates(session, pending_duplicates, known)
    return result


def _flag_duplicates(session: Session, pending: list[tuple[int, str, list[int]]],
                     known: dict[tuple[int, str], int]) -> int:
    """One DuplicateCandidate per (new person, person elsewhere with the same NIK); both get the flag."""
    if not pending:
        return 0
    wanted = {(household_id, nik) for household_id, nik, _ in pending}
    new_ids = {key: known[key] for key in wanted if key in known}
    missing = {nik for household_id, nik in wanted if (household_id, nik) not in new_ids}
    for nik, people in _persons_by_nik(session, missing).items():
        for person_id, household_id in people:
            if (household_id, nik) in wanted:
                new_ids[(household_id, nik)] = person_id
    now = utcnow()
    pairs = [{"person_id": new_ids[(household_id, nik)], "other_person_id": other, "reason": DUPLICATE_REASON,
              "status": "terbuka", "created_at": now}
             for household_id, nik, others in pending for other in others]
    bulk_insert(session, DuplicateCandidate.__table__, pairs)
    others = sorted({other for _, _, ids in pending for other in ids})
    for part in chunked(others, KEY_CHUNK):
        session.execute(update(PERSON).where(PERSON.c.id.in_(part)).values(is_duplicate_candidate=True))
    return len(pairs)
