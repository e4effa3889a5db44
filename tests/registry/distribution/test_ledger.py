"""The hash-chained ledger: appends chain, concurrent writers never fork it, edits and deletes are named."""
from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from services.cli import main as bansos
from services.registry.app import create_app
from services.registry.distribution import ledger
from services.registry.models import LedgerEntry
from tests.helpers.builders import ents, make_cycle


def _append_many(session, cycle, n):
    for i, entitlement in enumerate(ents(cycle)[:n]):
        ledger.append(session, cycle_id=cycle.id, entitlement_id=entitlement.id, event="paid",
                      amount=Decimal("300000"), actor="operator", payload={"i": i, "ref": f"E2E-{i}"})
    session.commit()


def test_chain_links_and_verifies(session):
    cycle = make_cycle(session, households=4)
    _append_many(session, cycle, 4)
    rows = session.execute(select(LedgerEntry).order_by(LedgerEntry.seq)).scalars().all()
    assert [r.seq for r in rows] == [1, 2, 3, 4]
    assert rows[0].prev_hash == ledger.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))
    result = ledger.verify(session)
    assert result.ok and result.checked == 4, result.message()


def test_edited_row_is_named(session, engine):
    cycle = make_cycle(session, households=4)
    _append_many(session, cycle, 4)
    with engine.begin() as conn:
        conn.execute(text("UPDATE ledger_entry SET amount = 3000000 WHERE seq = 3"))
    session.expire_all()
    result = ledger.verify(session)
    assert (result.ok, result.broken_seq) == (False, 3)
    assert "diubah" in result.message()


def test_deleted_middle_and_tail_rows_are_named(session, engine):
    cycle = make_cycle(session, households=4)
    _append_many(session, cycle, 4)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM ledger_entry WHERE seq = 4"))
    result = ledger.verify(session)
    assert (result.ok, result.broken_seq) == (False, 4)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM ledger_entry WHERE seq = 2"))
    session.expire_all()
    result = ledger.verify(session)
    assert (result.ok, result.broken_seq) == (False, 2)
    assert "hilang" in result.message()


def test_rewritten_row_with_recomputed_hash_breaks_the_next_link(session, engine):
    cycle = make_cycle(session, households=3)
    _append_many(session, cycle, 3)
    row = session.execute(select(LedgerEntry).where(LedgerEntry.seq == 2)).scalar_one()
    forged = ledger.entry_hash(row.seq, row.cycle_id, row.entitlement_id, row.event, Decimal("1"), row.actor,
                               row.at, row.payload, row.prev_hash)
    with engine.begin() as conn:
        conn.execute(text("UPDATE ledger_entry SET amount = 1, hash = :h WHERE seq = 2"), {"h": forged})
    session.expire_all()
    result = ledger.verify(session)
    assert (result.ok, result.broken_seq) == (False, 3)


def test_concurrent_writers_never_fork_the_chain(session, engine):
    cycle = make_cycle(session, households=2)
    errors = []

    def writer(k):
        try:
            with Session(engine) as own:
                for i in range(10):
                    ledger.append(own, cycle_id=cycle.id, event="corrected", amount=i, actor=f"w{k}",
                                  payload={"k": k, "i": i})
                    own.commit()
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == 40
    result = ledger.verify(session)
    assert result.ok and result.checked == 40, result.message()


@pytest.mark.parametrize("registry_url", ["sqlite"], indirect=True)  # no PostgreSQL-specific behaviour
def test_cli_verify_ledger_exit_code_and_message(session, engine, registry_url, monkeypatch):
    monkeypatch.setenv("REGISTRY_DATABASE_URL", registry_url)
    cycle = make_cycle(session, households=2)
    _append_many(session, cycle, 2)
    ok = CliRunner().invoke(bansos, ["verify-ledger"])
    assert ok.exit_code == 0 and "2 entri" in ok.output, ok.output
    with engine.begin() as conn:
        conn.execute(text("UPDATE ledger_entry SET actor = 'penyusup' WHERE seq = 1"))
    bad = CliRunner().invoke(bansos, ["verify-ledger"])
    assert bad.exit_code == 1 and "#1" in bad.output, bad.output


@pytest.mark.parametrize("registry_url", ["sqlite"], indirect=True)  # no PostgreSQL-specific behaviour
def test_public_ledger_head_has_no_personal_data(session, registry_url):
    cycle = make_cycle(session, households=2)
    _append_many(session, cycle, 2)
    draft = make_cycle(session, households=1, status="draft", code="DRAF", kk_prefix="352601010199")
    app = create_app({"DATABASE_URL": registry_url, "TESTING": True})
    with app.test_client() as client:
        body = client.get(f"/public/cycles/{cycle.id}/ledger-head").get_json()
        missing = client.get("/public/cycles/999999/ledger-head")
        assert client.get(f"/public/cycles/{draft.id}/ledger-head").status_code == 404  # drafts stay private
    last = session.execute(select(LedgerEntry).order_by(LedgerEntry.seq.desc())).scalars().first()
    assert body["head_hash"] == last.hash and body["entries"] == 2
    assert body["events"]["paid"] == {"count": 2, "amount": "600000.00"}
    flat = str(body)
    assert "Sholeh" not in flat and "3526011203800000" not in flat
    assert missing.status_code == 404
