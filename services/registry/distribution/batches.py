"""Payment batches: built from a cycle's bank entitlements, exported (chunked, resumable) as the generic CSV
plus the batch's chosen format (pain.001.001.03/.09 or a bank layout, see distribution/banks).

Building a batch is one transaction; an entitlement already in a live item (waiting or paid) is not
taken again (``payment_item.live_entitlement_id`` is unique), so only failed ones can be re-batched.
Exporting writes files only, so a redelivered export simply writes them again; progress is persisted
per chunk for the progress bar and the watchdog.
"""
from __future__ import annotations

import csv
import os
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from services.common.db import utcnow
from services.common.settings import env_int, env_str, var_dir
from services.registry.core.audit import record
from services.registry.distribution import banks
from services.registry.distribution.common import DistributionError, chunk_pause, require_frozen
from services.registry.distribution.iso20022 import Debtor, write_pain001
from services.registry.models import BankAccount, Cycle, Entitlement, PaymentBatch, PaymentItem

# Failed at the bank, or paid and then returned: may go into a new batch (the old item is no longer live).
REBATCHABLE = ("gagal", "dikembalikan")
CSV_HEADER = ["end_to_end_id", "bank_code", "account_number", "holder_name", "amount", "currency", "description"]


def debtor() -> Debtor:
    """The village's own account that pays (env, so each village configures its bank)."""
    return Debtor(env_str("REGISTRY_DEBTOR_NAME", "Pemerintah Desa Kamal"),
                  env_str("REGISTRY_DEBTOR_ACCOUNT", "0021010000000001"), env_str("REGISTRY_DEBTOR_BANK", "BRINIDJA"))


def create_batch(session: Session, cycle_id: int, actor: str) -> tuple[PaymentBatch | None, list[dict]]:
    """New batch of every bank entitlement not yet in a live item; returns (batch or None, skipped)."""
    cycle = require_frozen(session.get(Cycle, cycle_id))
    live = aliased(PaymentItem)
    candidates = session.execute(
        select(Entitlement.id, Entitlement.recipient_id, Entitlement.amount, Entitlement.status)
        .outerjoin(live, live.live_entitlement_id == Entitlement.id)
        .where(Entitlement.cycle_id == cycle.id, Entitlement.channel == "bank",
               Entitlement.status.in_(REBATCHABLE + ("menunggu",)), live.id.is_(None))
        .order_by(Entitlement.id)
    ).all()  # plain rows: a 100k-entitlement cycle stays cheap
    accounts = {}
    recipients = {e.recipient_id for e in candidates if e.recipient_id}
    for account_id, person_id in session.execute(
            select(BankAccount.id, BankAccount.person_id).where(BankAccount.active.is_(True)).join(
                Entitlement, Entitlement.recipient_id == BankAccount.person_id)
            .where(Entitlement.cycle_id == cycle.id).order_by(BankAccount.id)):
        if person_id in recipients:
            accounts[person_id] = account_id  # the newest active account wins
    skipped = []
    chosen = []
    for entitlement in candidates:
        account = accounts.get(entitlement.recipient_id)
        if account is None:
            skipped.append({"entitlement_id": entitlement.id, "reason": "Rekening penerima belum dicatat"})
        elif not entitlement.amount or entitlement.amount <= 0:
            skipped.append({"entitlement_id": entitlement.id, "reason": "Nilai bantuan kosong"})
        else:
            chosen.append((entitlement, account))
    if not chosen:
        return None, skipped
    batch = PaymentBatch(cycle_id=cycle.id, reference=f"BSK-{cycle.id}-{utcnow():%Y%m%d%H%M%S%f}"[:35],
                         created_by=actor, item_count=len(chosen), export_format=cycle.programme.payment_export,
                         total_amount=sum((e.amount for e, _ in chosen), Decimal(0)))
    session.add(batch)
    session.flush()
    batch.reference = f"BSK-{cycle.id}-{batch.id}"
    rebatched = [e.id for e, _ in chosen if e.status in REBATCHABLE]
    for start in range(0, len(chosen), 1000):
        session.execute(PaymentItem.__table__.insert(), [
            {"batch_id": batch.id, "entitlement_id": e.id, "live_entitlement_id": e.id, "bank_account_id": a,
             "end_to_end_id": f"BSK-{batch.id}-{e.id}", "amount": e.amount, "status": "dikirim"}
            for e, a in chosen[start:start + 1000]])
    if rebatched:
        session.execute(update(Entitlement).where(Entitlement.id.in_(rebatched)).values(status="menunggu"))
    record(session, actor, "create", "payment_batch", batch.id,
          **{"cycle_id": cycle.id, "items": len(chosen), "total": str(batch.total_amount), "rebatched": rebatched,
           "skipped": skipped[:100], "export_format": batch.export_format})
    try:
        session.commit()
    except IntegrityError as exc:  # another batch took some of these entitlements at the same moment
        session.rollback()
        raise DistributionError("Sebagian penerima baru saja masuk batch lain; ulangi pembuatan batch") from exc
    return batch, skipped


def batch_dir(batch_id: int) -> Path:
    path = var_dir() / "payments" / f"batch-{batch_id}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _items(engine, batch_id: int, chunk: int):
    """(id, end_to_end_id, amount, bank_code, account_number, holder_name) rows in id order, one short
    connection per chunk (plain rows: ORM objects cost more than the XML itself).

    The batch's item ids are read once (a few MB at 1 M items) and each chunk is fetched by primary key.
    Paging with ``batch_id = ? AND id > last ORDER BY id LIMIT n`` instead read every remaining item of
    the batch per chunk: a batch is exported right after it is written, before any ANALYZE, so the
    planner takes the batch_id index and sorts all of them (quadratic: 100 ms a chunk at 100k items)."""
    with engine.connect() as conn:
        ids = conn.execute(select(PaymentItem.id).where(PaymentItem.batch_id == batch_id)
                           .order_by(PaymentItem.id)).scalars().all()
    columns = (PaymentItem.id, PaymentItem.end_to_end_id, PaymentItem.amount, BankAccount.bank_code,
               BankAccount.account_number, BankAccount.holder_name)
    for start in range(0, len(ids), chunk):
        with engine.connect() as conn:
            rows = conn.execute(
                select(*columns).join(BankAccount, BankAccount.id == PaymentItem.bank_account_id)
                .where(PaymentItem.id.in_(ids[start:start + chunk])).order_by(PaymentItem.id)
            ).all()
        if rows:
            yield rows


def _progress(engine, batch_id: int, done: int) -> None:
    with Session(engine) as session:
        session.execute(update(PaymentBatch).where(PaymentBatch.id == batch_id)
                        .values(exported_items=done, heartbeat_at=utcnow()))
        session.commit()


def choose_export(session: Session, batch_id: int, code: str, actor: str) -> PaymentBatch:
    """Export the batch again in another format (the caller queues the export); refused once the bank
    has answered for any of its payments, since the file would then no longer be what the bank ran."""
    fmt = banks.export_format(code)
    batch = session.get(PaymentBatch, batch_id)
    if batch is None:
        raise DistributionError(f"Batch pembayaran {batch_id} tidak ditemukan")
    session.refresh(batch)  # the export ran in the worker's own session
    if batch.status == "mengekspor":
        raise DistributionError("Batch sedang diekspor; tunggu sampai selesai")
    if any(v for k, v in batch_summary(session, batch.id).items() if k != "dikirim"):
        raise DistributionError("Bank sudah mengirim hasil untuk batch ini; format ekspor tidak bisa diganti")
    before = batch.export_format or banks.DEFAULT
    batch.export_format, batch.status, batch.exported_items, batch.error = fmt.code, "baru", 0, None
    record(session, actor, "export_format", "payment_batch", batch.id,
          **{"before": {"export_format": before}, "after": {"export_format": fmt.code},
           "items": batch.item_count, "total": str(batch.total_amount)})
    session.commit()
    return batch


def _write_chosen(fmt, path: Path, batch: PaymentBatch, payer: Debtor, items) -> None:
    now = utcnow()
    execution = (now + timedelta(days=1)).date()
    if fmt.code.startswith("pain.001"):
        write_pain001(path, msg_id=batch.reference, created=now.strftime("%Y-%m-%dT%H:%M:%S"),
                      execution_date=execution.isoformat(), debtor=payer, count=batch.item_count,
                      total=batch.total_amount, items=items, version=fmt.code)
    elif fmt.write is not None:
        fmt.write(path, execution_date=execution, debtor=payer, count=batch.item_count, total=batch.total_amount,
                  items=items)
    else:  # the generic CSV is written beside every format: only the items need reading
        for _item in items:
            pass


def export_batch(engine, batch_id: int, actor: str = "sistem") -> PaymentBatch:
    """Write the batch's generic CSV and its chosen format's file; a finished batch is left alone
    (idempotent). The debtor account is the programme's paying account when it has one."""
    chunk = env_int("REGISTRY_PAYMENT_CHUNK", 1000)
    pause = chunk_pause()
    with Session(engine, expire_on_commit=False) as session:
        batch = session.get(PaymentBatch, batch_id)
        if batch is None:
            raise DistributionError(f"Batch pembayaran {batch_id} tidak ditemukan")
        if batch.status == "siap":
            return batch
        fmt = banks.export_format(batch.export_format)
        batch.status, batch.exported_items, batch.heartbeat_at = "mengekspor", 0, utcnow()
        cycle = session.get(Cycle, batch.cycle_id)
        remittance = f"Bansos {cycle.programme.code} {cycle.name}"
        village = debtor()
        payer = Debtor(village.name, cycle.programme.paying_account or village.account, village.bank_code)
        session.commit()
    folder = batch_dir(batch_id)
    csv_tmp = folder / "transfer.csv.tmp"
    chosen = folder / fmt.filename
    chosen_tmp = chosen.with_name(chosen.name + ".tmp")
    state = {"done": 0}

    def items():
        with csv_tmp.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_HEADER)
            for rows in _items(engine, batch_id, chunk):
                for _id, e2e, amount, bank_code, number, holder in rows:
                    writer.writerow([e2e, bank_code, number, holder, f"{amount:.2f}", "IDR", remittance])
                    yield (e2e, amount, bank_code, number, holder, remittance)
                state["done"] += len(rows)
                _progress(engine, batch_id, state["done"])
                if pause:
                    time.sleep(pause)

    try:
        _write_chosen(fmt, chosen_tmp, batch, payer, items())
    except DistributionError as exc:  # the layout cannot carry this batch: say why, and let another be chosen
        for leftover in (csv_tmp, chosen_tmp):
            leftover.unlink(missing_ok=True)
        with Session(engine, expire_on_commit=False) as session:
            batch = session.get(PaymentBatch, batch_id)
            batch.status, batch.error = "gagal", str(exc)
            record(session, actor, "export_failed", "payment_batch", batch_id,
                  **{"format": fmt.code, "error": str(exc)})
            session.commit()
        return batch
    csv_path = folder / "transfer.csv"
    os.replace(csv_tmp, csv_path)
    if chosen != csv_path:
        os.replace(chosen_tmp, chosen)
    files = sorted({"transfer.csv", fmt.filename})
    with Session(engine, expire_on_commit=False) as session:
        batch = session.get(PaymentBatch, batch_id)
        batch.status, batch.csv_path, batch.export_path = "siap", str(csv_path), str(chosen)
        batch.xml_path = str(chosen) if fmt.code.startswith("pain.001") else None
        batch.exported_items, batch.exported_at = state["done"], utcnow()
        record(session, actor, "export", "payment_batch", batch_id,
              **{"items": state["done"], "total": str(batch.total_amount), "format": fmt.code, "files": files})
        session.commit()
    return batch


def batch_summary(session: Session, batch_id: int) -> dict:
    counts = dict(session.execute(select(PaymentItem.status, func.count()).where(PaymentItem.batch_id == batch_id)
                                  .group_by(PaymentItem.status)).all())
    return {status: counts.get(status, 0) for status in ("dikirim", "dibayar", "gagal", "dikembalikan")}

