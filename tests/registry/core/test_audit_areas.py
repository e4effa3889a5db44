"""One audit chain per area: an entry joins the chain of the row it is about, else the request's area;
each chain verifies on its own and a tampered entry names its area and number."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from services.cli import main as bansos
from services.registry.core.areas import read_codes, upsert
from services.registry.core.audit import record, record_row
from services.registry.core.audit_chain import verify
from services.registry.core.models.areas import CURRENT_AREA, VISIBLE_AREAS
from services.registry.models import Area, AuditChainHead, AuditEntry, Entitlement, Household

KAMAL, GILI, KABUPATEN = "35.26.04.2001", "35.26.04.2005", "35.26"


@pytest.fixture
def areas(session):
    upsert(session, read_codes(f"kode,nama\n35,JAWA TIMUR\n{KABUPATEN},KABUPATEN BANGKALAN\n35.26.04,KAMAL\n"
                               f"{KAMAL},KAMAL\n{GILI},GILI ANYAR\n"))
    session.commit()
    return {code: session.scalar(select(Area.id).where(Area.code == code)) for code in (KAMAL, GILI, KABUPATEN)}


def _chain(session, area_id):
    return session.scalars(select(AuditEntry).where(AuditEntry.area_id == area_id).order_by(AuditEntry.seq)).all()


def test_entries_join_the_chain_of_what_they_record(session, areas):
    start = {a: len(_chain(session, a)) for a in areas.values()}
    kamal = Household(no_kk="3526010101000001", dusun="Pesisir", area_id=areas[KAMAL])
    gili = Household(no_kk="3526010101000002", dusun="Pesisir", area_id=areas[GILI])
    session.add_all([kamal, gili])
    session.flush()
    record_row(session, "operator", "update", kamal, address=["a", "b"])
    record(session, "operator_gilianyar", "update", "household", gili.id, address=["c", "d"])
    record(session, "operator_gilianyar", "update", "household", gili.id, address=["d", "e"])
    token = CURRENT_AREA.set(areas[KABUPATEN])
    try:
        record(session, "dinsos", "import", "area", None, ditambah=2)  # no row of an area: the officer's own
        record(session, "dinsos", "update", "household", gili.id, note="x")  # the row's area wins
    finally:
        CURRENT_AREA.reset(token)
    session.commit()
    assert len(_chain(session, areas[KAMAL])) - start[areas[KAMAL]] == 1
    gili_chain = _chain(session, areas[GILI])
    assert [e.actor for e in gili_chain] == ["operator_gilianyar", "operator_gilianyar", "dinsos"]
    assert [e.seq for e in gili_chain] == [1, 2, 3] and gili_chain[1].prev_hash == gili_chain[0].hash
    assert [e.action for e in _chain(session, areas[KABUPATEN])] == ["import"]
    head = session.scalar(select(AuditChainHead).where(AuditChainHead.area_id == areas[GILI]))
    assert (head.seq, head.hash) == (3, gili_chain[-1].hash)
    check = verify(session)
    assert check.ok and {c.area_code for c in check.chains} >= {KAMAL, GILI, KABUPATEN}


def test_an_entry_about_a_row_without_its_own_area_follows_the_row_it_hangs_from(session, areas):
    from tests.helpers.builders import ents, make_cycle

    cycle = make_cycle(session, households=1, area_id=areas[GILI])
    record(session, "operator", "pickup", "entitlement", ents(cycle)[0].id)
    session.commit()
    assert session.scalar(select(Entitlement.id)) is not None
    assert _chain(session, areas[GILI])[-1].action == "pickup"


@pytest.mark.parametrize("registry_url", ["sqlite"], indirect=True)  # no PostgreSQL-specific behaviour
def test_a_tampered_entry_names_its_village_while_the_other_verifies(session, engine, areas, registry_url,
                                                                    monkeypatch):
    monkeypatch.setenv("REGISTRY_DATABASE_URL", registry_url)
    for area, kk in ((areas[KAMAL], "3526010101000001"), (areas[GILI], "3526010101000002")):
        household = Household(no_kk=kk, dusun="Pesisir", area_id=area)
        session.add(household)
        session.flush()
        for n in range(3):
            record_row(session, "operator", "update", household, n=n)
    session.commit()
    assert CliRunner().invoke(bansos, ["verify-audit"]).exit_code == 0
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entry SET actor = 'penyusup' WHERE area_id = :a AND seq = 2"),
                     {"a": areas[GILI]})
    session.expire_all()
    check = verify(session)
    by_code = {c.area_code: c for c in check.chains}
    assert not check.ok and [c.area_code for c in check.broken] == [GILI]
    assert by_code[GILI].first_broken_seq == 2 and "diubah" in by_code[GILI].reason and by_code[KAMAL].ok
    broken = CliRunner().invoke(bansos, ["verify-audit"])
    assert broken.exit_code == 1 and f"Rantai audit {GILI} RUSAK di nomor 2" in broken.output
    assert f"{KAMAL} RUSAK" not in broken.output

    # A village's auditor checks its own chain only, and finds it whole.
    session.expunge_all()
    token = VISIBLE_AREAS.set((areas[KAMAL],))
    try:
        scoped = verify(session)
    finally:
        VISIBLE_AREAS.reset(token)
    assert scoped.ok and [c.area_code for c in scoped.chains] == [KAMAL]


def test_two_sessions_append_to_different_villages_without_forking(engine, areas):
    with Session(engine) as one, Session(engine) as two:
        for session, area, kk in ((one, areas[KAMAL], "3526010101000001"), (two, areas[GILI], "3526010101000002")):
            session.add(Household(no_kk=kk, dusun="Pesisir", area_id=area))
            session.commit()
        for n in range(3):
            for session, kk in ((one, "3526010101000001"), (two, "3526010101000002")):
                household = session.scalar(select(Household).where(Household.no_kk == kk))
                record_row(session, "operator", "update", household, n=n)
                session.commit()
    with Session(engine) as session:
        assert verify(session).ok
