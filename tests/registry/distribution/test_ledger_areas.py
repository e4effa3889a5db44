"""One ledger chain per village: each verifies on its own, a tampered entry names its village and number,
a kabupaten programme's payments land in the chains of the villages it pays, and old entries keep theirs."""
from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from services.cli import main as bansos
from services.common.db import make_engine
from services.registry.core.areas import read_codes, upsert
from services.registry.core.models.areas import VISIBLE_AREAS
from services.registry.distribution import ledger
from services.registry.distribution.models.read import cycle_area_head
from services.registry.models import Area, LedgerEntry, LedgerHead
from tests.helpers.builders import ents, make_cycle

KAMAL, GILI, KABUPATEN = "35.26.04.2001", "35.26.04.2005", "35.26"


@pytest.fixture
def areas(session):
    upsert(session, read_codes(f"kode,nama\n35,JAWA TIMUR\n{KABUPATEN},KABUPATEN BANGKALAN\n35.26.04,KAMAL\n"
                               f"{KAMAL},KAMAL\n{GILI},GILI ANYAR\n"))
    session.commit()
    return {code: session.scalar(select(Area.id).where(Area.code == code)) for code in (KAMAL, GILI, KABUPATEN)}


def _pay(session, cycle, n):
    for entitlement in ents(cycle)[:n]:
        ledger.append(session, cycle_id=cycle.id, entitlement_id=entitlement.id, event="paid",
                      amount=Decimal("300000"), actor="operator", payload={"e": entitlement.id})
    session.commit()


def _chain(session, area_id):
    return session.scalars(select(LedgerEntry).where(LedgerEntry.area_id == area_id).order_by(LedgerEntry.seq)).all()


def test_each_village_has_its_own_chain_and_a_tampered_entry_names_its_village(session, engine, areas):
    kamal = make_cycle(session, households=3, area_id=areas[KAMAL])
    gili = make_cycle(session, households=3, code="BLT-GA", kk_prefix="352601010130", area_id=areas[GILI])
    _pay(session, kamal, 2)
    _pay(session, gili, 3)
    _pay(session, kamal, 3)  # interleaved: Kamal's third entry follows Gili's in time, not in its chain
    kamal_chain, gili_chain = _chain(session, areas[KAMAL]), _chain(session, areas[GILI])
    assert [e.seq for e in kamal_chain] == [1, 2, 3, 4, 5] and [e.seq for e in gili_chain] == [1, 2, 3]
    assert kamal_chain[0].prev_hash == gili_chain[0].prev_hash == ledger.GENESIS
    assert session.scalar(select(LedgerHead.hash).where(LedgerHead.area_id == areas[GILI])) == gili_chain[-1].hash
    result = ledger.verify(session)
    assert result.ok and result.checked == 8 and len(result.chains) == 2, result.message()

    with engine.begin() as conn:
        conn.execute(text("UPDATE ledger_entry SET amount = 3000000 WHERE area_id = :a AND seq = 2"),
                     {"a": areas[GILI]})
    session.expire_all()
    result = ledger.verify(session)
    by_code = {chain.area_code: chain for chain in result.chains}
    assert not result.ok and [c.area_code for c in result.broken] == [GILI]
    assert by_code[GILI].broken_seq == 2 and "diubah" in by_code[GILI].reason
    assert by_code[KAMAL].ok and by_code[KAMAL].checked == 5
    assert f"{GILI} RUSAK pada entri #2" in result.message() and "1 dari 2 rantai" in result.message()


def test_a_kabupaten_programme_pays_into_each_villages_chain(session, areas):
    cycle = make_cycle(session, households=2, code="APBD-KAB", area_id=areas[KABUPATEN],
                       household_area_id=areas[KAMAL])
    other = make_cycle(session, households=1, code="APBD-KAB-2", kk_prefix="352601010140",
                       area_id=areas[KABUPATEN], household_area_id=areas[GILI])
    _pay(session, cycle, 2)
    _pay(session, other, 1)
    assert [e.seq for e in _chain(session, areas[KAMAL])] == [1, 2]
    assert [e.seq for e in _chain(session, areas[GILI])] == [1]
    assert _chain(session, areas[KABUPATEN]) == []
    # The page of a village shows its own chain's head; a kabupaten cycle without its own chain its last entry.
    assert cycle_area_head(session, cycle.id, areas[GILI])["head_hash"] == _chain(session, areas[GILI])[-1].hash
    assert cycle_area_head(session, cycle.id)["head_hash"] == _chain(session, areas[KAMAL])[-1].hash
    assert ledger.verify(session).ok


def test_a_village_scope_checks_only_its_own_chain(session, areas):
    _pay(session, make_cycle(session, households=2, area_id=areas[KAMAL]), 2)
    _pay(session, make_cycle(session, households=1, code="BLT-GA", kk_prefix="352601010130",
                             area_id=areas[GILI]), 1)
    session.expunge_all()
    token = VISIBLE_AREAS.set((areas[GILI],))
    try:
        result = ledger.verify(session)
    finally:
        VISIBLE_AREAS.reset(token)
    assert result.ok and [c.area_code for c in result.chains] == [GILI] and result.checked == 1


@pytest.mark.parametrize("registry_url", ["sqlite"], indirect=True)  # no PostgreSQL-specific behaviour
def test_cli_names_the_broken_village_and_keeps_the_other(session, engine, areas, registry_url, monkeypatch):
    monkeypatch.setenv("REGISTRY_DATABASE_URL", registry_url)
    _pay(session, make_cycle(session, households=2, area_id=areas[KAMAL]), 2)
    _pay(session, make_cycle(session, households=2, code="BLT-GA", kk_prefix="352601010130",
                             area_id=areas[GILI]), 2)
    ok = CliRunner().invoke(bansos, ["verify-ledger"])
    assert ok.exit_code == 0 and "4 entri" in ok.output and "2 rantai" in ok.output, ok.output
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM ledger_entry WHERE area_id = :a AND seq = 1"), {"a": areas[KAMAL]})
    bad = CliRunner().invoke(bansos, ["verify-ledger"])
    assert bad.exit_code == 1 and f"{KAMAL} RUSAK pada entri #1" in bad.output and GILI not in bad.output, bad.output


def test_upgrade_puts_the_single_chain_into_the_default_desa_without_rehashing(tmp_var, monkeypatch):
    """Entries written before chains were per area keep seq and hash and verify as the default desa's chain."""
    from services.common.migrations import upgrade
    from services.registry import schema
    from services.registry.core.models.audit import GENESIS_HASH, entry_hash

    monkeypatch.setenv("BANSOS_DEFAULT_DESA", KAMAL)
    url = f"sqlite:///{tmp_var / 'single.db'}"
    upgrade(schema.SCRIPT_LOCATION, url, schema.VERSION_TABLE, revision="0017_areas")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_entry"))  # the chain below starts at genesis
            prev = ledger.GENESIS
            for seq in (1, 2, 3):
                at = ledger.utcnow()
                digest = ledger.entry_hash(seq, None, None, "paid", Decimal("300000.00"), "lama", at, {}, prev)
                conn.execute(text("INSERT INTO ledger_entry (seq, event, amount, actor, at, payload, prev_hash, hash) "
                                  "VALUES (:s, 'paid', 300000, 'lama', :at, '{}', :p, :h)"),
                             {"s": seq, "at": at.replace(tzinfo=None), "p": prev, "h": digest})
                prev = digest
            conn.execute(text("UPDATE ledger_head SET seq = 3, hash = :h WHERE id = 1"), {"h": prev})
            prev = GENESIS_HASH
            for seq in (1, 2):
                at = ledger.utcnow()
                fake = SimpleNamespace(seq=seq, at=at, actor="lama", action="update", entity="x", entity_id=str(seq),
                                       details=None, source="cli")
                digest = entry_hash(fake, prev)
                conn.execute(text("INSERT INTO audit_entry (at, actor, action, entity, entity_id, source, seq, "
                                  "prev_hash, hash) VALUES (:at, 'lama', 'update', 'x', :e, 'cli', :s, :p, :h)"),
                             {"at": at.replace(tzinfo=None), "e": str(seq), "s": seq, "p": prev, "h": digest})
                prev = digest
            conn.execute(text("UPDATE audit_chain_head SET seq = 2, hash = :h WHERE id = 1"), {"h": prev})
        schema.upgrade(url)
        from services.registry.core.audit_chain import verify as verify_audit

        with Session(engine) as session:
            desa = session.scalar(select(Area.id).where(Area.code == KAMAL))
            assert set(session.scalars(select(LedgerEntry.area_id))) == {desa}
            checked = ledger.verify(session)
            assert checked.ok and checked.checked == 3 and [c.area_code for c in checked.chains] == [KAMAL]
            audit = verify_audit(session)
            assert audit.ok and audit.entries == 2 and [c.area_code for c in audit.chains] == [KAMAL]
    finally:
        engine.dispose()
