"""The dedup layers on plain rows: each layer finds its case and leaves the traps (twins, common names) alone."""
from __future__ import annotations

from datetime import date

import pytest

from services.registry.people.dedup.clusters import UnionFind, build_clusters
from services.registry.people.dedup.engine import find_clusters
from services.registry.people.dedup.layers import COMMON_NAME_HOLDERS, PersonRow
from services.registry.people.dedup.names import normalise, place_key, skeleton
from services.registry.people.dedup.nik import one_slip_apart


@pytest.mark.parametrize(("a", "b"), [
    ("Moh. Rofi'i", "Muhammad Rofii"), ("Moch. Rofi'i", "Mohammad Rofi"), ("Siti Aminah", "Sitti Aminnah"),
    ("H. Achmad Djunaedi", "Ahmad Junaidi"), ("Soekarno", "Sukarno"), ("Abd. Rochim", "Abdul Rokhim"),
    ("Nur Hayati", "Nurhayati"), ("Hj. Siti Maryam", "Siti Mariam"), ("Chotimah", "Khotimah"),
])
def test_spellings_of_one_name_normalise_alike(a, b):
    assert skeleton(a) == skeleton(b)


@pytest.mark.parametrize(("a", "b"), [("Hasan", "Husen"), ("Siti Aminah", "Siti Maimunah"), ("Rofi'i", "Rofiq")])
def test_different_names_stay_different(a, b):
    assert normalise(a) != normalise(b)


@pytest.mark.parametrize(("a", "b", "slip"), [
    ("3526015403800011", "3526015403800012", True),   # one digit typed wrong
    ("3526015403800011", "3526015403800101", True),   # two adjacent digits swapped
    ("3526015403800011", "3526015403800022", False),  # two digits wrong
    ("3526015403800011", "3526015403801010", False),  # swap of non-adjacent digits
    ("3526015403800011", "3526015403800011", False),  # same NIK is layer (a), not a slip
])
def test_nik_slip(a, b, slip):
    assert one_slip_apart(a, b) is slip


def test_union_find_joins_chains():
    uf = UnionFind()
    uf.union(5, 3)
    uf.union(3, 9)
    uf.union(10, 11)
    assert uf.find(9) == uf.find(5) == 3 and uf.find(11) == 10


def _row(pid, hh, nik, name, birth, sex="L", phone=None):
    return PersonRow(pid, hh, nik, name, sex, birth, phone)


def _people(*rows):
    return {r.id: r for r in rows}


def test_twins_in_one_kk_are_not_duplicates_but_a_copy_in_another_kk_is():
    d = date(2010, 5, 20)
    people = _people(_row(1, 1, "3526012005100001", "Hasan Basri", d), _row(2, 1, "3526012005100002", "Husen Basri", d),
                     _row(3, 2, "3526012005100099", "Hasan Basri", d))
    clusters = find_clusters(people)
    assert [c.members for c in clusters] == [[1, 3]]
    assert clusters[0].layers == ["nama_mirip"]


def test_common_name_with_other_birth_dates_is_not_a_duplicate():
    people = _people(*[_row(i, i, f"35260141018{i:01d}0001", "Siti Aminah", date(1970 + i, 1, 1), "P")
                       for i in range(1, 8)])
    assert find_clusters(people) == []


def test_layers_combine_into_one_cluster_with_the_best_score():
    d = date(1980, 3, 14)
    people = _people(_row(1, 1, "3526011403800011", "Moh. Rofi'i", d), _row(2, 2, "3526011403800011", "Rofi'i", d),
                     _row(3, 3, "3526011403800017", "Muhammad Rofii", d))
    [cluster] = find_clusters(people)
    assert cluster.members == [1, 2, 3]
    assert cluster.layers == ["nama_mirip", "nik_sama", "nik_selip"]
    assert cluster.score == 1.0


def test_shared_phone_links_alike_names_only():
    people = _people(_row(1, 1, "3526014202850061", "Nur Hayati", date(1985, 2, 2), "P", "+628123"),
                     _row(2, 2, "3526015202850071", "Nurhayati", date(1985, 2, 12), "P", "+628123"),
                     _row(3, 3, "3526010606500081", "Abdul Karim", date(1950, 6, 6), "L", "+628999"),
                     _row(4, 4, "3526014404790091", "Fatimah", date(1979, 4, 4), "P", "+628999"))
    clusters = find_clusters(people, accounts=[(1, "002:1"), (2, "002:1")])
    assert [(c.members, c.layers) for c in clusters] == [([1, 2], ["rekening", "telepon"])]


def test_signature_changes_when_a_member_changes():
    d = date(1980, 3, 14)
    people = _people(_row(1, 1, "3526011403800011", "Rofi'i", d), _row(2, 2, "3526011403800011", "Rofii", d))
    first = build_clusters([(1, 2, "nik_sama", 1.0)], people)[0].signature
    people[2].name = "Rofiq"
    assert build_clusters([(1, 2, "nik_sama", 1.0)], people)[0].signature != first


def test_one_letter_slip_matches_but_two_different_first_names_do_not():
    d = date(1990, 6, 1)
    people = _people(_row(1, 1, "3526014106900001", "Suhartini Wahyuni", d, "P"),
                     _row(2, 2, "3526034106900007", "Suhartni Wahyuni", d, "P"),  # dropped letter
                     _row(3, 3, "3526054106900003", "Sri Handayani", d, "P"),
                     _row(4, 4, "3526074106900004", "Siti Handayani", d, "P"))  # another woman, same day
    assert [c.members for c in find_clusters(people)] == [[1, 2]]


def test_same_name_and_day_but_other_sex_is_not_compared():
    d = date(1990, 6, 1)
    people = _people(_row(1, 1, "3526010106900001", "Nur Hidayah", d, "L"),
                     _row(2, 2, "3526014106900002", "Nur Hidayah", d, "P"))
    assert find_clusters(people) == []


@pytest.mark.parametrize(("a", "b"), [("Kab. Bangkalan", "BANGKALAN"), ("Kota Soemenep", "SUMENEP"), ("", None)])
def test_birth_places_normalise_alike(a, b):
    assert place_key(a) == place_key(b)


def _common_name_registry(places: tuple[str | None, str | None], holders: int) -> dict[int, PersonRow]:
    """Two 'Siti Aminah' born on one day in other KKs, plus ``holders`` more women of that name born on other days."""
    d = date(1984, 7, 7)
    people = [_row(1, 1, "3526014707840001", "Siti Aminah", d, "P"),
              _row(2, 2, "3526024707840001", "Sitti Aminah", d, "P")]
    people[0].birth_place, people[1].birth_place = places
    people += [_row(10 + i, 10 + i, f"3526014101{50 + i:02d}{i:04d}", "Siti Aminah", date(1950 + i, 1, 1), "P")
               for i in range(holders)]
    return _people(*people)


def test_common_name_born_in_other_places_is_two_people():
    # More than COMMON_NAME_HOLDERS women share the name: same day + a known, different birth place = two people
    # (their NIKs, serial 0001 in neighbouring kecamatan, are even one digit apart).
    assert find_clusters(_common_name_registry(("Kamal", "Surabaya"), COMMON_NAME_HOLDERS)) == []


@pytest.mark.parametrize("places", [("Kamal", "KAMAL"), ("Kamal", None), ("", "Surabaya")])
def test_common_name_with_same_or_unknown_birth_place_is_still_a_case(places):
    clusters = find_clusters(_common_name_registry(places, COMMON_NAME_HOLDERS))
    assert [c.members for c in clusters] == [[1, 2]]
    assert clusters[0].layers == ["nama_mirip", "nik_selip"]


def test_rare_name_ignores_the_birth_place():
    # A name few people hold: name + birth date is strong enough, a mistyped birth place does not hide the case.
    clusters = find_clusters(_common_name_registry(("Kamal", "Surabaya"), 0))
    assert [c.members for c in clusters] == [[1, 2]]
