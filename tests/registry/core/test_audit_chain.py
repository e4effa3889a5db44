"""The audit trail is hash-chained: any edit, deletion or insertion behind the app's back is named."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from services.cli import main as bansos
from services.registry.core.audit_chain import verify
from services.registry.models import AuditChainHead, AuditEntry


def _write(engine, count: int, actor: str = "operator") -> None:
    with Session(engine) as session:
        for number in range(count):
            session.add(AuditEntry(actor=actor, action="update", entity="person", entity_id=str(number),
                                   details={"name": ["SITI AMINAH", f"SITI AMINAH {number}"]}))
            session.flush()  # several flushes in one transaction keep extending the same chain
        session.commit()


def test_entries_are_numbered_and_chained_across_transactions(engine):
    _write(engine, 3)
    _write(engine, 2, actor="mitra_lsm")
    with Session(engine) as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
        assert all(later.prev_hash == earlier.hash for earlier, later in zip(entries, entries[1:], strict=False))
        assert len({e.hash for e in entries}) == 5 and all(e.source for e in entries)
        assert session.get(AuditChainHead, 1).hash == entries[-1].hash
        assert verify(session).ok and verify(session).entries == 5


@pytest.mark.parametrize("tamper, broken_seq, reason", [
    ("UPDATE audit_entry SET actor = 'orang_lain' WHERE seq = 2", 2, "isi entri diubah"),
    ("UPDATE audit_entry SET details = '{\"name\": [\"A\", \"B\"]}' WHERE seq = 3", 3, "isi entri diubah"),
    ("DELETE FROM audit_entry WHERE seq = 2", 2, "hilang"),
    ("DELETE FROM audit_entry WHERE seq = 4", 4, "kepala rantai"),
])
def test_tampering_in_the_database_is_detected_and_named(engine, tamper, broken_seq, reason):
    _write(engine, 4)
    with engine.begin() as connection:
        connection.execute(text(tamper))
    with Session(engine) as session:
        check = verify(session)
    assert not check.ok and reason in check.reason
    assert check.first_broken_seq == broken_seq


def test_a_rewritten_chain_without_the_head_is_detected(engine):
    """Recomputing every hash after an edit still breaks against the head row kept by the app."""
    _write(engine, 3)
    with Session(engine) as session:
        session.execute(delete(AuditEntry).where(AuditEntry.seq == 3))
        session.commit()
        assert "kepala rantai" in verify(session).reason


def test_verify_audit_command_reports_ok_and_the_first_broken_entry(engine, registry_url, monkeypatch):
    monkeypatch.setenv("REGISTRY_DATABASE_URL", registry_url)
    _write(engine, 3)
    ok = CliRunner().invoke(bansos, ["verify-audit"])
    assert ok.exit_code == 0 and "utuh: 3 entri" in ok.output
    with Session(engine) as session:
        session.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(entity_id="99"))
        session.commit()
    broken = CliRunner().invoke(bansos, ["verify-audit"])
    assert broken.exit_code == 1 and "nomor 2" in broken.output and "diubah" in broken.output


def test_entries_written_before_the_chain_existed_join_it_on_upgrade(tmp_var):
    from services.common.db import make_engine
    from services.common.migrations import upgrade
    from services.registry import schema

    url = f"sqlite:///{tmp_var / 'old.db'}"
    upgrade(schema.SCRIPT_LOCATION, url, schema.VERSION_TABLE, revision="0002")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            for number in range(3):
                connection.execute(text("INSERT INTO audit_entry (at, actor, action, entity, entity_id, details) "
                                        "VALUES (CURRENT_TIMESTAMP, 'lama', 'import', 'import_job', :n, '{}')"),
                                   {"n": str(number)})
        schema.upgrade(url)
        _write(engine, 1)
        with Session(engine) as session:
            assert verify(session).ok and verify(session).entries == 4
    finally:
        engine.dispose()
