"""Eligibility rules as JSON compiled to SQL: household, welfare and member conditions, on SQLite and PG."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from services.registry.programmes.rules import RuleError, compile_condition, eligible_households, preview
from tests.registry.village import TODAY, household

ELDER = (("KEPALA KELUARGA", "P", date(1950, 3, 1), "TIDAK BEKERJA"),)
FAMILY = (("KEPALA KELUARGA", "L", date(1985, 1, 1), "NELAYAN"), ("ISTRI", "P", date(1988, 2, 2), None),
          ("ANAK", "L", date(2015, 6, 6), None))


@pytest.fixture
def village(session):
    homes = {
        "elder_poor": household(session, 1, band=1, rank=1, score=10, desil=1, members=ELDER),
        "family_poor": household(session, 2, band=2, rank=2, score=20, desil=3, members=FAMILY, dusun="Kamal Timur"),
        "family_rich": household(session, 3, band=8, rank=9, score=80, desil=9, members=FAMILY, rt="004"),
        # Exactly 60 on TODAY (born 15-01-1967): counts as "60 or older", not as "over 60".
        "turns_60": household(session, 4, band=2, rank=3, desil=4,
                              members=(("KEPALA KELUARGA", "L", date(1967, 1, 15), "BURUH TANI"),)),
        "unscored": household(session, 5, members=ELDER),
    }
    session.commit()
    return {key: hh.id for key, hh in homes.items()}


def _ids(session, condition):
    return [row.id for row in session.execute(eligible_households(condition, TODAY))]


def test_band_and_member_over_60_living_alone(session, village):
    rule = {"all": [{"field": "band", "op": "le", "value": 2},
                    {"member": {"all": [{"field": "age", "op": "ge", "value": 60},
                                        {"field": "lives_alone", "op": "eq", "value": True}]}}]}
    assert _ids(session, rule) == [village["elder_poor"], village["turns_60"]]
    strictly_over = {"member": {"field": "age", "op": "gt", "value": 60}}
    assert village["turns_60"] not in _ids(session, strictly_over)
    assert village["elder_poor"] in _ids(session, strictly_over)


def test_any_not_region_desil_and_person_text_fields(session, village):
    assert _ids(session, {"field": "dusun", "op": "eq", "value": "Kamal Timur"}) == [village["family_poor"]]
    assert _ids(session, {"all": [{"field": "desil", "op": "le", "value": 4},
                                  {"not": {"field": "rt", "op": "in", "value": ["001"]}}]}) == []
    fishers = {"head": {"field": "occupation", "op": "eq", "value": "nelayan"}}
    assert _ids(session, fishers) == [village["family_poor"], village["family_rich"]]
    any_child = {"any": [{"member": {"field": "age", "op": "lt", "value": 18}},
                         {"field": "member_count", "op": "ge", "value": 5}]}
    assert _ids(session, any_child) == [village["family_poor"], village["family_rich"]]
    women_heads = {"head": {"field": "sex", "op": "eq", "value": "P"}}
    assert set(_ids(session, women_heads)) == {village["elder_poor"], village["unscored"]}


def test_ranked_by_need_unscored_last(session, village):
    everyone = _ids(session, None)
    assert everyone[0] == village["elder_poor"] and everyone[-1] == village["unscored"]


def test_preview_counts_and_samples_at_most_ten(session, village):
    for n in range(10, 25):
        household(session, n, band=1, rank=100 + n)
    session.commit()
    result = preview(session, {"field": "band", "op": "eq", "value": 1}, TODAY)
    assert result["count"] == 16 and len(result["sample"]) == 10
    assert result["sample"][0]["household_id"] == village["elder_poor"]
    assert result["sample"][0]["name"] == "Warga 1-0"


def test_compiles_to_sql_not_a_python_filter(session, village):
    sql = str(select(1).where(compile_condition({"member": {"field": "age", "op": "ge", "value": 60}}, TODAY)))
    assert "EXISTS" in sql and "birth_date" in sql


@pytest.mark.parametrize(("condition", "message"), [
    ({"field": "gaji", "op": "eq", "value": 1}, "Kolom 'gaji' tidak dikenal"),
    ({"field": "band", "op": "like", "value": 1}, "Operator 'like' tidak dikenal"),
    ({"all": []}, "tidak kosong"),
    ({"member": {"field": "age", "op": "ge", "value": "enam puluh"}}, "bilangan bulat"),
    ({"member": {"member": {"field": "sex", "op": "eq", "value": "L"}}}, "bersarang"),
    ({"field": "dusun", "op": "in", "value": "Kamal"}, "daftar"),
    ({"field": "rt", "op": "eq"}, "nilai belum diisi"),
])
def test_bad_rules_are_refused_in_indonesian(condition, message):
    with pytest.raises(RuleError, match=message):
        compile_condition(condition, TODAY)
