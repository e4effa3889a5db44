"""Corrections to a frozen cycle: a change request, approved by someone other than its author."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.db import utcnow
from services.registry.core.audit import plain, record
from services.registry.models import ChangeRequest, Cycle, Entitlement, FundingSource, Household
from services.registry.programmes.budget import require_available
from services.registry.programmes.candidates import SelectionError, plan_of, snapshots
from services.registry.programmes.exclusions import conflicts


def request(session: Session, cycle: Cycle, kind: str, reason: str, actor: str, household: Household | None = None,
            entitlement: Entitlement | None = None, new_amount: Decimal | None = None) -> ChangeRequest:
    if not cycle.frozen:
        raise SelectionError("Siklus belum disetujui: ubah daftar calon langsung, tanpa permintaan perubahan")
    if not (reason or "").strip():
        raise SelectionError("Alasan perubahan wajib diisi")
    if kind == "tambah" and household is None:
        raise SelectionError("Pilih keluarga yang akan ditambahkan")
    if kind in ("hapus", "ubah_nilai") and (entitlement is None or entitlement.cycle_id != cycle.id):
        raise SelectionError("Pilih hak bantuan dari siklus ini")
    if kind == "ubah_nilai" and (new_amount is None or Decimal(new_amount) < 0):
        raise SelectionError("Nilai baru wajib diisi dan tidak boleh negatif")
    if kind not in ("tambah", "hapus", "ubah_nilai"):
        raise SelectionError("Jenis perubahan harus tambah, hapus atau ubah_nilai")
    change = ChangeRequest(cycle_id=cycle.id, kind=kind, household=household, entitlement=entitlement,
                           new_amount=new_amount, reason=reason.strip(), requested_by=actor)
    session.add(change)
    session.flush()
    record(session, actor, "request_change", "change_request", change.id, cycle_id=cycle.id, kind=kind,
           household_id=household.id if household else None,
           entitlement_id=entitlement.id if entitlement else None, new_amount=new_amount)
    return change


def _apply(session: Session, change: ChangeRequest) -> dict:
    cycle, plan = change.cycle, plan_of(session, change.cycle)
    if plan.funding_source_id is not None:  # same lock as approval: one spender of a source at a time
        session.execute(select(FundingSource.id).where(FundingSource.id == plan.funding_source_id).with_for_update())
    if change.kind == "tambah":
        household = change.household
        clash = conflicts(session, cycle.programme_id, [household.id])
        if clash:
            raise SelectionError(f"KK {household.no_kk}: {clash[household.id]}")
        if session.query(Entitlement).filter_by(cycle_id=cycle.id, household_id=household.id).first():
            raise SelectionError(f"KK {household.no_kk} sudah punya hak bantuan di siklus ini")
        amount = Decimal(plan.benefit_amount or 0)
        require_available(session, plan.funding_source, amount)
        snapshot = snapshots(session, [household.id]).get(household.id, {})
        snapshot.update(plain({"amount": amount, "package": plan.package, "change_request_id": change.id}))
        entitlement = Entitlement(cycle_id=cycle.id, programme_id=cycle.programme_id, household_id=household.id,
                                  recipient_id=snapshot.get("recipient_id"), amount=amount, package=plan.package,
                                  snapshot=snapshot)
        session.add(entitlement)
        session.flush()
        change.entitlement = entitlement
        plan.approved_total += amount
        plan.approved_count += 1
        plan.generated_count += 1
        return {"before": None, "after": {"entitlement_id": entitlement.id, "amount": amount}}
    entitlement = change.entitlement
    if entitlement.status != "menunggu":
        raise SelectionError(f"Hak bantuan berstatus '{entitlement.status}' tidak bisa diubah lagi")
    old = Decimal(entitlement.amount or 0)
    if change.kind == "hapus":
        entitlement.status = "dibatalkan"
        plan.approved_total -= old
        plan.approved_count -= 1
        return {"before": {"status": "menunggu", "amount": old}, "after": {"status": "dibatalkan"}}
    new = Decimal(change.new_amount)
    require_available(session, plan.funding_source, new - old)
    entitlement.amount = new
    plan.approved_total += new - old
    return {"before": {"amount": old}, "after": {"amount": new}}


def decide(session: Session, change: ChangeRequest, approve: bool, actor: str,
           note: str | None = None) -> ChangeRequest:
    if change.status != "diajukan":
        raise SelectionError("Permintaan ini sudah diputuskan")
    if actor == change.requested_by:
        raise SelectionError("Permintaan perubahan harus disetujui orang lain, bukan pengajunya")
    result = _apply(session, change) if approve else None
    change.status = "disetujui" if approve else "ditolak"
    change.decided_by, change.decided_at, change.decision_note = actor, utcnow(), note
    change.result = plain(result)
    record(session, actor, "approve_change" if approve else "reject_change", "change_request", change.id,
           cycle_id=change.cycle_id, kind=change.kind, **(plain(result) or {}))
    return change
