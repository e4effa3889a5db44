"""Entitlements of an approved cycle, generated chunk by chunk; a chunk run twice creates nothing twice.

Each household gets at most one entitlement per cycle (unique (cycle, household)); the snapshot is the
candidate's snapshot (what the musyawarah saw) plus the amount, so later registry edits change nothing."""
from __future__ import annotations

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common.db import Database, utcnow
from services.registry.core.audit import plain, record
from services.registry.models import BankAccount, Candidate, Cycle, CyclePlan, Entitlement, MusyawarahDecision
from services.registry.programmes.musyawarah import RECEIVING, deciding_meeting

DEFAULT_CHUNK = 1000


def _missing(session: Session, cycle: Cycle, meeting_id: int, limit: int):
    """Decided households of the cycle without an entitlement yet, with their candidate row."""
    return session.execute(
        select(MusyawarahDecision.household_id, Candidate)
        .join(Candidate, (Candidate.household_id == MusyawarahDecision.household_id)
              & (Candidate.cycle_id == cycle.id))
        .where(MusyawarahDecision.musyawarah_id == meeting_id, MusyawarahDecision.decision.in_(RECEIVING),
               ~exists(select(Entitlement.id).where(Entitlement.cycle_id == cycle.id,
                                                    Entitlement.household_id == MusyawarahDecision.household_id)))
        .order_by(MusyawarahDecision.household_id).limit(limit)).all()


def _verified_recipients(session: Session, person_ids: set) -> set:
    """Recipients with an active account whose holder name matched: only they are paid by transfer."""
    if not person_ids:
        return set()
    return set(session.scalars(select(BankAccount.person_id).where(
        BankAccount.person_id.in_(sorted(person_ids)), BankAccount.active.is_(True),
        BankAccount.holder_name_matches.is_(True))))


def generate_chunk(session: Session, cycle_id: int, chunk_size: int = DEFAULT_CHUNK) -> dict:
    """Create up to ``chunk_size`` missing entitlements; ``done`` says whether any remain."""
    cycle = session.get(Cycle, cycle_id)
    if cycle is None or not cycle.frozen:
        return {"cycle_id": cycle_id, "created": 0, "done": True, "skipped": "siklus belum disetujui"}
    plan = session.get(CyclePlan, cycle_id)
    meeting = deciding_meeting(session, cycle_id)
    rows = _missing(session, cycle, meeting.id, chunk_size)
    # Goods are collected as goods; cash is a transfer where the programme says so and the account is verified.
    channel = "barang" if cycle.programme.kind == "barang" else "tunai"
    verified = set()
    if channel == "tunai" and cycle.programme.payment_channel == "bank_jika_ada":
        verified = _verified_recipients(session, {(c.snapshot or {}).get("recipient_id") for _h, c in rows} - {None})
    by_channel = {}
    for household_id, candidate in rows:
        snapshot = dict(candidate.snapshot or {})
        chosen = "bank" if snapshot.get("recipient_id") in verified else channel
        by_channel[chosen] = by_channel.get(chosen, 0) + 1
        snapshot.update(plain({"amount": plan.benefit_amount, "package": plan.package,
                               "musyawarah_id": meeting.id, "approved_by": cycle.approved_by}))
        session.add(Entitlement(cycle_id=cycle.id, programme_id=cycle.programme_id, household_id=household_id,
                                recipient_id=snapshot.get("recipient_id"), amount=plan.benefit_amount,
                                package=plan.package, channel=chosen, snapshot=snapshot))
    session.flush()
    plan.generated_count = session.execute(select(func.count(Entitlement.id))
                                           .where(Entitlement.cycle_id == cycle.id)).scalar_one()
    done = len(rows) < chunk_size
    plan.generation_status = "selesai" if done else "berjalan"
    plan.generation_updated_at = utcnow()
    if rows:
        record(session, "sistem", "generate_entitlements", "cycle", cycle.id, count=plan.generated_count,
               created=len(rows), channels=by_channel, payment_channel=cycle.programme.payment_channel)
    return {"cycle_id": cycle_id, "created": len(rows), "done": done, "generated": plan.generated_count}


def run_chunk(db: Database, cycle_id: int, chunk_size: int = DEFAULT_CHUNK) -> dict:
    """One chunk in its own transaction. A concurrent duplicate delivery that inserted the same rows
    first makes ours fail on the unique key: roll back and look again (it then finds fewer missing)."""
    for _attempt in range(5):
        try:
            with db.transaction() as session:
                return generate_chunk(session, cycle_id, chunk_size)
        except IntegrityError:
            continue
    raise RuntimeError(f"Gagal membuat hak bantuan siklus {cycle_id}: bentrok berulang")
