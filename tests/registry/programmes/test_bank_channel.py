"""The programme's payment channel decides at generation who is paid by transfer: only recipients with a
verified account (holder name matches) when the programme says so; everyone else stays at the desk."""
from __future__ import annotations

from sqlalchemy import select

from services.registry.distribution import accounts, batches
from services.registry.models import AuditEntry, Candidate, Entitlement, Person
from services.registry.programmes import approval
from services.registry.programmes.entitlements import generate_chunk
from tests.registry.village import decided_cycle


def _channels(session, cycle_id):
    return [e.channel for e in session.scalars(select(Entitlement).where(Entitlement.cycle_id == cycle_id)
                                               .order_by(Entitlement.household_id))]


def _heads(session, cycle):
    candidates = session.scalars(select(Candidate).where(Candidate.cycle_id == cycle.id)
                                 .order_by(Candidate.household_id)).all()
    return [session.get(Person, c.snapshot["recipient_id"]) for c in candidates]


def test_transfer_where_a_verified_account_exists_and_cash_otherwise(session):
    cycle, *_ = decided_cycle(session, households=3)
    cycle.programme.payment_channel = "bank_jika_ada"
    heads = _heads(session, cycle)
    accounts.save_account(session, heads[0].id, "BRINIDJA", "002101000111", heads[0].name.upper(), "operator")
    accounts.save_account(session, heads[1].id, "BRINIDJA", "002101000222", "Abdul Rohman", "operator")  # mismatch
    approval.approve(session, cycle, "kepala_desa")
    generate_chunk(session, cycle.id)
    session.commit()
    assert _channels(session, cycle.id) == ["bank", "tunai", "tunai"]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "generate_entitlements")).one()
    assert entry.details["channels"] == {"bank": 1, "tunai": 2}
    batch, skipped = batches.create_batch(session, cycle.id, "operator")  # the transfer path is now reachable
    assert batch is not None and batch.item_count == 1 and skipped == []


def test_all_cash_programme_ignores_accounts(session):
    cycle, *_ = decided_cycle(session, households=2)
    heads = _heads(session, cycle)
    accounts.save_account(session, heads[0].id, "BRINIDJA", "002101000111", heads[0].name.upper(), "operator")
    approval.approve(session, cycle, "kepala_desa")
    generate_chunk(session, cycle.id)
    session.commit()
    assert cycle.programme.payment_channel == "tunai"
    assert _channels(session, cycle.id) == ["tunai", "tunai"]
