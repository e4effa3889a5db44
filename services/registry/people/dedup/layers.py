"""The four pair layers. Each yields ``(person_a, person_b, layer, score)`` with person_a < person_b.

Every layer works on blocks (equal keys in a dict), never on all pairs: 1 M persons stay linear.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import combinations

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist

from services.registry.people.dedup.nik import one_slip_apart

# Layer names as stored on a cluster and shown to the reviewer.
NIK_SAMA, NIK_SELIP, NAMA_MIRIP, TELEPON, REKENING = "nik_sama", "nik_selip", "nama_mirip", "telepon", "rekening"

# Edits (Levenshtein on the name skeleton, after normalisation has folded the known spelling variants)
# allowed for "same person, other spelling". One edit covers a dropped/added letter or a typo; two
# would join "Sri Handayani" and "Siti Handayani" born on one day, who are two people.
MAX_NAME_EDITS = 1
# Same KK and same birth date is what twins look like: only an identical normalised name counts there.
MAX_SAME_HOUSEHOLD_EDITS = 0
# A phone or account shared across households links two records only when the names agree this much.
SHARED_CONTACT_NAME_THRESHOLD = 75
# A phone or account held by more persons than this is an RT head's or an agent's: no signal.
MAX_SHARED_GROUP = 30
# A (normalised name, sex) held by more persons than this is common in the registry: across a kabupaten,
# two different people with such a name are regularly born on the same day (and their NIKs, serial 0001
# in neighbouring kecamatan, are then one digit apart). For those, name + birth date alone is not enough:
# a known birth place that differs rules the pair out. Rare names keep the plain rule, so a village-sized
# registry (where hardly any name is this common) is checked exactly as before.
COMMON_NAME_HOLDERS = 20


@dataclass(slots=True)
class PersonRow:
    id: int
    household_id: int
    nik: str
    name: str
    sex: str
    birth_date: date | None
    phone: str | None
    birth_place: str | None = None
    key: str = ""  # normalised name, filled by the engine
    skeleton: str = ""  # key without spaces
    place: str = ""  # normalised birth place, "" when unknown; filled by the engine
    common: bool = False  # name held by more than COMMON_NAME_HOLDERS persons of this sex; filled by the engine


Edge = tuple[int, int, str, float]


def _pair(a: PersonRow, b: PersonRow) -> tuple[PersonRow, PersonRow]:
    return (a, b) if a.id < b.id else (b, a)


def _born_elsewhere(a: PersonRow, b: PersonRow) -> bool:
    """A common name, and two known birth places that differ: most likely two people (COMMON_NAME_HOLDERS)."""
    return (a.common or b.common) and bool(a.place) and bool(b.place) and a.place != b.place


def exact_nik(people: Iterable[PersonRow]) -> Iterator[Edge]:
    """(a) one NIK standing in two or more households."""
    by_nik: dict[str, list[PersonRow]] = defaultdict(list)
    for p in people:
        if p.nik:
            by_nik[p.nik].append(p)
    for group in by_nik.values():
        if len(group) > 1:
            for a, b in combinations(group, 2):
                if a.household_id != b.household_id:
                    a, b = _pair(a, b)
                    yield a.id, b.id, NIK_SAMA, 1.0


def nik_slip(people: Iterable[PersonRow]) -> Iterator[Edge]:
    """(b) NIKs one digit slip apart, with the same normalised name and birth date."""
    blocks: dict[tuple, list[PersonRow]] = defaultdict(list)
    for p in people:
        if p.nik and p.birth_date and p.skeleton:
            blocks[(p.birth_date, p.skeleton)].append(p)
    for group in blocks.values():
        if len(group) > 1:
            for a, b in combinations(group, 2):
                if one_slip_apart(a.nik, b.nik) and not _born_elsewhere(a, b):
                    a, b = _pair(a, b)
                    yield a.id, b.id, NIK_SELIP, 0.95


def name_variants(people: Iterable[PersonRow]) -> Iterator[Edge]:
    """(c) same birth date and sex, names alike after normalisation (rapidfuzz within each block)."""
    blocks: dict[tuple, list[PersonRow]] = defaultdict(list)
    for p in people:
        if p.birth_date and p.skeleton:
            blocks[(p.birth_date, p.sex)].append(p)
    for group in blocks.values():
        if len(group) < 2:
            continue
        for a, b, edits in _close_names(group):
            if a.household_id == b.household_id and edits > MAX_SAME_HOUSEHOLD_EDITS:
                continue  # twins: same KK, same birth date, different names
            if _born_elsewhere(a, b):
                continue
            a, b = _pair(a, b)
            # at most 0.9: a spelling match alone is weaker evidence than a NIK
            yield a.id, b.id, NAMA_MIRIP, round(0.9 * fuzz.ratio(a.skeleton, b.skeleton) / 100, 2)


def _close_names(group: list[PersonRow]) -> Iterator[tuple[PersonRow, PersonRow, int]]:
    """Pairs of the block whose skeletons are at most MAX_NAME_EDITS apart. Small blocks (most of them)
    are compared directly; numpy's matrix set-up costs more than a handful of comparisons."""
    if len(group) <= 12:
        for a, b in combinations(group, 2):
            edits = Levenshtein.distance(a.skeleton, b.skeleton, score_cutoff=MAX_NAME_EDITS)
            if edits <= MAX_NAME_EDITS:
                yield a, b, edits
        return
    names = [p.skeleton for p in group]
    matrix = cdist(names, names, scorer=Levenshtein.distance, score_cutoff=MAX_NAME_EDITS, dtype=np.int32)
    for i, j in zip(*np.nonzero(np.triu(matrix <= MAX_NAME_EDITS, 1)), strict=True):
        yield group[i], group[j], int(matrix[i, j])


def shared_contact(people: dict[int, PersonRow], contacts: Iterable[tuple[int, str]], layer: str) -> Iterator[Edge]:
    """(d) one phone number or bank account used in two households by persons with alike names."""
    groups: dict[str, list[PersonRow]] = defaultdict(list)
    for person_id, value in contacts:
        if value and person_id in people:
            groups[value].append(people[person_id])
    for group in groups.values():
        if not 1 < len(group) <= MAX_SHARED_GROUP:
            continue
        for a, b in combinations(group, 2):
            if a.household_id == b.household_id or a.id == b.id:
                continue
            if fuzz.ratio(a.skeleton, b.skeleton) >= SHARED_CONTACT_NAME_THRESHOLD:
                a, b = _pair(a, b)
                yield a.id, b.id, layer, 0.8
