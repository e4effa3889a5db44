"""Read queries over the disbursement ledger (SELECTs only): what the admin, the registry API and the
public site show of the chain. Appending and verifying stay in ``distribution/ledger.py``."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.registry.models import Area, Cycle, LedgerEntry, LedgerHead


def amount_text(amount) -> str | None:
    """An amount as the chain hashes and shows it: two decimals, or None."""
    return None if amount is None else f"{Decimal(amount):.2f}"


def cycle_head(session: Session, cycle_id: int) -> dict:
    """The public face of one cycle's part of the chain: no names, no NIK, only counts and hashes."""
    last = session.execute(
        # By id, the install's order of appends: a kabupaten cycle's entries sit in several villages' chains.
        select(LedgerEntry).where(LedgerEntry.cycle_id == cycle_id).order_by(LedgerEntry.id.desc()).limit(1)
    ).scalar_one_or_none()
    counts = dict(session.execute(
        select(LedgerEntry.event, func.count()).where(LedgerEntry.cycle_id == cycle_id).group_by(LedgerEntry.event)
    ).all())
    totals = dict(session.execute(
        select(LedgerEntry.event, func.coalesce(func.sum(LedgerEntry.amount), 0))
        .where(LedgerEntry.cycle_id == cycle_id).group_by(LedgerEntry.event)
    ).all())
    return {
        "cycle_id": cycle_id,
        "head_seq": last.seq if last else None,
        "head_hash": last.hash if last else None,
        "head_at": last.at.isoformat() if last else None,
        "entries": sum(counts.values()),
        "events": {event: {"count": counts[event], "amount": amount_text(totals.get(event, 0))} for event in counts},
    }


def area_head(session: Session, area_id: int | None) -> dict:
    """The head of one village's chain: what its poster prints and anyone can check against the chain."""
    head = session.scalar(select(LedgerHead).where(LedgerHead.area_id == area_id)) if area_id else None
    code = session.scalar(select(Area.code).where(Area.id == area_id)) if area_id else None
    return {"area_code": code, "head_seq": head.seq if head and head.seq else None,
            "head_hash": head.hash if head and head.seq else None}


def cycle_area_head(session: Session, cycle_id: int, area_id: int | None = None) -> dict:
    """The chain head a cycle's public page shows: of ``area_id`` (the village whose page it is) or of the
    cycle's own area; a programme run above the village has no chain of its own, and then the newest entry
    of the cycle stands in."""
    area_id = area_id or session.scalar(select(Cycle.area_id).where(Cycle.id == cycle_id))
    head = area_head(session, area_id)
    if head["head_hash"] is None:
        own = cycle_head(session, cycle_id)
        head = {**head, "head_seq": own["head_seq"], "head_hash": own["head_hash"]}
    return head


def capital_head(session: Session, programme_ids: set[int] | None = None) -> dict:
    """Business-capital payouts and repayments in the chain (no cycle): counts, amounts and the newest entry,
    optionally only for grants of the given programmes (a partner's view)."""
    from services.registry.models import CapitalGrant  # the ledger model stays free of the capacity models

    query = select(LedgerEntry).where(LedgerEntry.capital_grant_id.is_not(None))
    if programme_ids is not None:
        query = query.join(CapitalGrant, CapitalGrant.id == LedgerEntry.capital_grant_id).where(
            CapitalGrant.programme_id.in_(sorted(programme_ids)))
    rows = session.execute(query.order_by(LedgerEntry.id)).scalars().all()
    events: dict = {}
    for row in rows:
        slot = events.setdefault(row.event, {"count": 0, "amount": Decimal(0)})
        slot["count"] += 1
        slot["amount"] += Decimal(row.amount or 0)
    return {"entries": len(rows), "head_seq": rows[-1].seq if rows else None,
            "head_hash": rows[-1].hash if rows else None,
            "events": {k: {"count": v["count"], "amount": amount_text(v["amount"])} for k, v in events.items()}}
