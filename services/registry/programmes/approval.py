"""Approval by the kepala desa: every check again, then the cycle is frozen and its amounts committed.

The entitlements themselves are generated afterwards by the chunked task ``registry.generate_entitlements``
(see entitlements.py); the list they come from (the deciding musyawarah's decisions) can no longer change."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.db import utcnow
from services.registry.core.audit import record
from services.registry.core.money import rupiah
from services.registry.models import Cycle, CyclePlan, FundingSource
from services.registry.programmes.budget import require_available
from services.registry.programmes.candidates import SelectionError, plan_of, require_open
from services.registry.programmes.exclusions import conflicts
from services.registry.programmes.musyawarah import deciding_meeting, final_household_ids, quorum


def approve(session: Session, cycle: Cycle, actor: str) -> dict:
    """Freeze ``cycle`` or raise SelectionError/BudgetError naming what is wrong."""
    # Lock the cycle and its funding source (PostgreSQL; SQLite serialises writers anyway): two
    # approvals at once must neither freeze a cycle twice nor both spend the same remaining money.
    cycle = session.execute(select(Cycle).where(Cycle.id == cycle.id).with_for_update()
                            .execution_options(populate_existing=True)).scalar_one()
    require_open(cycle)
    plan = plan_of(session, cycle)
    if plan.funding_source_id is not None:
        session.execute(select(FundingSource.id).where(FundingSource.id == plan.funding_source_id).with_for_update())
    meeting = deciding_meeting(session, cycle.id)
    if meeting is None:
        raise SelectionError("Belum ada musyawarah desa (musdes/musdesus) yang menetapkan penerima")
    q = quorum(meeting)
    if not q["ok"]:
        raise SelectionError(f"Musyawarah {meeting.held_on:%d-%m-%Y} tidak kuorum: hadir {q['present']} "
                             f"dari {q['invited']}, minimal {q['required']}")
    households = final_household_ids(session, meeting)
    if not households:
        raise SelectionError("Musyawarah belum menetapkan satu pun penerima")
    if plan.quota is not None and len(households) > plan.quota:
        raise SelectionError(f"Jumlah penerima {len(households)} melebihi kuota {plan.quota}")
    clash = conflicts(session, cycle.programme_id, households)
    if clash:
        listed = "; ".join(f"keluarga #{hid}: {why}" for hid, why in sorted(clash.items())[:5])
        raise SelectionError(f"{len(clash)} penerima terkena larangan penerimaan ganda ({listed})")
    amount = Decimal(plan.benefit_amount or 0)
    total = amount * len(households)
    require_available(session, plan.funding_source, total)
    before = cycle.status
    cycle.status, cycle.approved_by, cycle.approved_at = "disetujui", actor, utcnow()
    plan.approved_total, plan.approved_count = total, len(households)
    plan.generation_status, plan.generated_count = "berjalan", 0
    record(session, actor, "approve_cycle", "cycle", cycle.id, before=before, after="disetujui",
           musyawarah_id=meeting.id, households=len(households), amount=amount, total=total,
           funding_source=plan.funding_source.name if plan.funding_source else None)
    return {"households": len(households), "total": total, "total_text": rupiah(total)}


def pending_generation(session: Session) -> list[int]:
    """Approved cycles whose entitlements are not all generated (for the watchdog / a re-send)."""
    return list(session.scalars(select(CyclePlan.cycle_id).join(Cycle, Cycle.id == CyclePlan.cycle_id)
                                .where(Cycle.status == "disetujui", CyclePlan.generation_status != "selesai")))
