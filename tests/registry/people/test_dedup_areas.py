"""Dedup across villages: the same NIK in Kamal and Gili Anyar is one case that both villages' operators
see, each with the other village's member masked; a third village sees nothing of it."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from services.common.privacy import mask_nik
from services.registry.core.areas import read_codes, upsert
from services.registry.core.models.areas import VISIBLE_AREAS
from services.registry.models import (
    Area,
    AuditEntry,
    DedupCluster,
    DedupClusterArea,
    DedupMember,
    Enrolment,
    Household,
    Person,
    Programme,
)
from services.registry.people.dedup.cases import member_views
from services.registry.people.dedup.review import DedupError, dismiss, merge
from services.registry.people.dedup.store import run_dedup

KAMAL, GILI, BANYUAJUH = "35.26.04.2001", "35.26.04.2005", "35.26.04.2002"
SHARED_NIK = "3526015402800007"


@pytest.fixture
def villages(session):
    upsert(session, read_codes(f"kode,nama\n35,JAWA TIMUR\n35.26,KABUPATEN BANGKALAN\n35.26.04,KAMAL\n"
                               f"{KAMAL},KAMAL\n{GILI},GILI ANYAR\n{BANYUAJUH},BANYUAJUH\n"))
    ids = {code: session.scalar(select(Area.id).where(Area.code == code)) for code in (KAMAL, GILI, BANYUAJUH)}
    people = {}
    for code, kk, address, programme_code in ((KAMAL, "3526010101000001", "Jl. Raya Kamal 1", "BLT-DD"),
                                              (GILI, "3526010101000002", "Jl. Pesisir Gili 9", "BLT-DD-GA")):
        household = Household(no_kk=kk, address=address, dusun="Pesisir", area_id=ids[code])
        session.add(household)
        session.flush()
        person = Person(household_id=household.id, nik=SHARED_NIK, name="Siti Aminah", sex="P",
                        birth_date=date(1980, 2, 14), phone="+6281234500001" if code == KAMAL else None,
                        relationship_to_head="KEPALA KELUARGA")
        programme = Programme(code=programme_code, name="BLT Dana Desa", kind="tunai", area_id=ids[code])
        session.add_all([person, programme])
        session.flush()
        session.add(Enrolment(programme_id=programme.id, household_id=household.id, recipient_id=person.id))
        people[code] = person.id
    session.commit()
    run_dedup(session, "sistem")
    session.expunge_all()
    return ids, people


def _scoped(area_id):
    return VISIBLE_AREAS.set((area_id,))


def test_the_case_is_linked_to_both_villages(session, villages):
    ids, people = villages
    case = session.scalars(select(DedupCluster)).one()
    assert "nik_sama" in case.layers
    assert sorted(link.area_id for link in case.areas) == sorted([ids[KAMAL], ids[GILI]])
    assert {m.person_ref: m.area_id for m in case.members} == {people[KAMAL]: ids[KAMAL], people[GILI]: ids[GILI]}


@pytest.mark.parametrize("own, other", [(GILI, KAMAL), (KAMAL, GILI)])
def test_each_village_sees_the_case_with_the_other_member_masked(session, villages, own, other):
    ids, people = villages
    token = _scoped(ids[own])
    try:
        case = session.scalars(select(DedupCluster)).one()
        assert len(case.members) == 2  # the other village's member is part of the case it sees
        assert len(session.scalars(select(DedupMember)).all()) == 2
        assert [link.area_id for link in session.scalars(select(DedupClusterArea))] == [ids[own]]
        views = {v.person_ref: v for v in member_views(session, case)}
    finally:
        VISIBLE_AREAS.reset(token)
    mine, theirs = views[people[own]], views[people[other]]
    assert mine.own and mine.nik == SHARED_NIK and mine.person is not None and mine.person.household.address
    assert not theirs.own and theirs.person is None  # no live record: no address, no phone, no relationship
    assert theirs.nik == mask_nik(SHARED_NIK) != SHARED_NIK and SHARED_NIK[4:12] not in theirs.no_kk
    assert theirs.village == ("Kamal" if other == KAMAL else "Gili Anyar") and theirs.exists
    assert theirs.programmes == (["BLT-DD"] if other == KAMAL else ["BLT-DD-GA"])  # the double receipt
    assert "Jl." not in repr(theirs) and "+62" not in repr(theirs)


def test_a_third_village_sees_nothing_of_the_case(session, villages):
    ids, _people = villages
    token = _scoped(ids[BANYUAJUH])
    try:
        assert session.scalars(select(DedupCluster)).all() == []
        assert session.scalars(select(DedupMember)).all() == []
    finally:
        VISIBLE_AREAS.reset(token)


def test_one_village_cannot_merge_away_the_others_record_but_may_dismiss(session, villages):
    ids, people = villages
    token = _scoped(ids[GILI])
    try:
        case = session.scalars(select(DedupCluster)).one()
        with pytest.raises(DedupError, match="juga menyangkut Desa Kamal"):
            merge(session, case.id, people[GILI], "operator_gilianyar")
        session.rollback()
        closed = dismiss(session, case.id, "operator_gilianyar", "Orang berbeda, sudah dicek ke Disdukcapil")
        assert closed.status == "bukan_duplikat"
    finally:
        VISIBLE_AREAS.reset(token)
    session.expunge_all()
    assert session.get(Person, people[KAMAL]) is not None and session.get(Person, people[GILI]) is not None
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "dedup_dismiss")).one()
    assert [m["id"] for m in entry.details["members"]] == [people[GILI]]
    assert entry.details["other_villages"] == [{"person_ref": people[KAMAL], "area_id": ids[KAMAL]}]
    assert session.get(DedupCluster, closed.id).status == "bukan_duplikat"
