"""One statement line applied to its payments: paid, returned, refused by the bank, or a whole batch
booking paid at once. Every change is a conditional UPDATE from the expected state, so a replayed
chunk finds the work done and counts it "unchanged": nobody is paid twice, and a payment that came
back is never marked paid again (it is refused instead)."""
from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from services.common.db import utcnow
from services.registry.core.audit import record
from services.registry.distribution import ledger
from services.registry.distribution.statement_line import StatementLine
from services.registry.models import Entitlement, PaymentBatch, PaymentItem


class Tally:
    """What a statement did so far: counts of payments by result, refused lines, held batch entries."""

    def __init__(self, counts: dict, rejections: list, held: list, matched: int, batch_id: int | None):
        self.counts, self.rejections, self.held, self.matched, self.batch_id = counts, rejections, held, matched, batch_id

    def refuse(self, line: StatementLine, reason: str) -> None:
        self.rejections.append({"row": line.row, "ref": line.reference or line.batch_ref, "reason": reason,
                                "line": line.line, "amount": None if line.amount is None else str(line.amount)})


def _claim(session, item: PaymentItem, expected: str, status: str, **values) -> bool:
    return bool(session.execute(update(PaymentItem).where(PaymentItem.id == item.id, PaymentItem.status == expected)
                                .values(status=status, **values)).rowcount)


def _pay(session, item: PaymentItem, actor: str) -> bool:
    now = utcnow()
    if not _claim(session, item, "dikirim", "dibayar", settled_at=now):
        return False
    session.execute(update(Entitlement).where(Entitlement.id == item.entitlement_id)
                    .values(status="disalurkan", updated_at=now))
    ledger.append(session, cycle_id=item.entitlement.cycle_id, entitlement_id=item.entitlement_id, event="paid",
                  amount=item.amount, actor=actor, payload={"end_to_end_id": item.end_to_end_id,
                                                             "batch_id": item.batch_id})
    return True


def _audit(session, actor, item, before, after, code):
    record(session, actor, "bank_result", "payment_item", item.id,
          **{"end_to_end_id": item.end_to_end_id, "entitlement_id": item.entitlement_id,
           "before": {"status": before}, "after": {"status": after}, "reason_code": code})


def apply_line(session: Session, line: StatementLine, actor: str, tally: Tally) -> None:
    if line.outcome is None:
        return tally.refuse(line, line.reason or "baris tidak terbaca")
    if line.outcome == "batch":
        return _apply_batch(session, line, actor, tally)
    item = session.execute(select(PaymentItem).where(PaymentItem.end_to_end_id == line.reference)).scalar_one_or_none()
    if item is None:
        return tally.refuse(line, "referensi pembayaran tidak dikenal")
    if tally.batch_id is not None and item.batch_id != tally.batch_id:
        return tally.refuse(line, f"pembayaran ini bukan bagian dari batch {tally.batch_id}")
    if line.outcome == "paid" and line.amount is not None and line.amount != item.amount:
        return tally.refuse(line, f"nominal {line.amount} berbeda dari yang dikirim ({item.amount})")
    code = line.reason_code or (line.reason if line.outcome != "paid" else None)
    outcome = line.outcome
    if outcome == "returned" and item.status == "dikirim":
        outcome = "failed"  # refused before it was ever paid
    target = {"paid": "dibayar", "failed": "gagal", "returned": "dikembalikan"}[outcome]
    now = utcnow()
    if outcome == "paid":
        done, before = _pay(session, item, actor), "dikirim"
    elif outcome == "failed":
        before = "dikirim"
        done = _claim(session, item, "dikirim", "gagal", live_entitlement_id=None, reason_code=code, settled_at=now)
        if done:
            session.execute(update(Entitlement).where(Entitlement.id == item.entitlement_id,
                                                      Entitlement.status == "menunggu")
                            .values(status="gagal", updated_at=now))
    else:  # returned after being paid: money back, the entitlement may be paid again in a new batch
        before = "dibayar"
        done = _claim(session, item, "dibayar", "dikembalikan", live_entitlement_id=None, reason_code=code,
                      settled_at=now)
        if done:
            session.execute(update(Entitlement).where(Entitlement.id == item.entitlement_id)
                            .values(status="dikembalikan", updated_at=now))
            ledger.append(session, cycle_id=item.entitlement.cycle_id, entitlement_id=item.entitlement_id,
                          event="returned", amount=item.amount, actor=actor,
                          payload={"end_to_end_id": item.end_to_end_id, "reason_code": code})
    if not done:
        if item.status == target:  # the same file (or its twin) applied again
            tally.counts["unchanged"] += 1
            tally.matched += 1
            return None
        return tally.refuse(line, f"pembayaran berstatus {item.status}, tidak bisa ditandai {target}")
    tally.counts[outcome] += 1
    tally.matched += 1
    _audit(session, actor, item, before, target, code)
    return None


def _apply_batch(session: Session, line: StatementLine, actor: str, tally: Tally) -> None:
    """A batch booking pays every waiting payment of the batch when its NbOfTxs and total say exactly
    that; otherwise it is held until the transaction details (camt.054) arrive."""
    batch = session.execute(select(PaymentBatch).where(PaymentBatch.reference == line.batch_ref)).scalar_one_or_none()
    if batch is None:
        return tally.refuse(line, f"batch {line.batch_ref} tidak dikenal")
    if tally.batch_id is not None and batch.id != tally.batch_id:
        return tally.refuse(line, f"batch {line.batch_ref} bukan batch {tally.batch_id}")
    waiting = session.execute(select(PaymentItem).where(PaymentItem.batch_id == batch.id,
                                                        PaymentItem.status == "dikirim")
                              .order_by(PaymentItem.id)).scalars().all()
    total = sum((i.amount for i in waiting), 0)
    count_ok = line.nb_of_txs is None or line.nb_of_txs == len(waiting)
    if waiting and count_ok and line.amount == total:
        for item in waiting:
            if _pay(session, item, actor):
                tally.counts["paid"] += 1
                _audit(session, actor, item, "dikirim", "dibayar", None)
        tally.matched += 1
        return None
    if not waiting and line.nb_of_txs in (None, batch.item_count) and line.amount == batch.total_amount:
        paid = session.execute(select(func.count()).select_from(PaymentItem).where(
            PaymentItem.batch_id == batch.id, PaymentItem.status == "dibayar")).scalar_one()
        if paid == batch.item_count:  # already settled by this booking or its details
            tally.counts["unchanged"] += 1
            tally.matched += 1
            return None
    tally.held.append({"row": line.row, "ref": line.batch_ref, "line": line.line, "batch_id": batch.id,
                       "nb_of_txs": line.nb_of_txs, "amount": None if line.amount is None else str(line.amount),
                       "reason": f"batch {line.batch_ref}: {line.nb_of_txs if line.nb_of_txs is not None else '?'} "
                                 f"transaksi senilai {line.amount} tidak cocok dengan {len(waiting)} pembayaran "
                                 f"menunggu senilai {total}; menunggu rincian transaksi (camt.054)"})
    return None


def still_held(session: Session, held: dict) -> bool:
    """A held batch entry is resolved once no payment of its batch is waiting any more."""
    return bool(session.execute(select(func.count()).select_from(PaymentItem).where(
        PaymentItem.batch_id == held["batch_id"], PaymentItem.status == "dikirim")).scalar_one())
