"""Approval freezes: entitlements snapshot what was decided, later edits change nothing, corrections
go through change requests approved by someone else, exclusions and quota are checked again."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from services.registry.models import AuditEntry, Cycle, CyclePlan, Entitlement, Person
from services.registry.programmes import approval, changes
from services.registry.programmes import candidates as cand
from services.registry.programmes import musyawarah as mus
from services.registry.programmes.budget import BudgetError
from services.registry.programmes.candidates import SelectionError
from services.registry.programmes.entitlements import generate_chunk
from tests.registry.village import TODAY, decided_cycle, enrol, exclude, household, programme


def _entitlements(session, cycle_id):
    return session.scalars(select(Entitlement).where(Entitlement.cycle_id == cycle_id)
                           .order_by(Entitlement.household_id)).all()


def test_approval_freezes_and_chunks_create_nothing_twice(session):
    cycle, meeting, homes, _ = decided_cycle(session, households=5, budget=3000000)
    result = approval.approve(session, cycle, "kepala_desa")
    session.commit()
    assert result["households"] == 5 and result["total_text"] == "Rp1.500.000"
    assert (cycle.status, cycle.approved_by) == ("disetujui", "kepala_desa")
    assert approval.pending_generation(session) == [cycle.id]
    assert generate_chunk(session, cycle.id, chunk_size=2)["created"] == 2
    assert generate_chunk(session, cycle.id, chunk_size=2)["created"] == 2
    last = generate_chunk(session, cycle.id, chunk_size=2)
    session.commit()
    assert (last["created"], last["done"], last["generated"]) == (1, True, 5)
    assert generate_chunk(session, cycle.id, chunk_size=2)["created"] == 0  # a redelivery
    assert approval.pending_generation(session) == []
    ents = _entitlements(session, cycle.id)
    assert [e.household_id for e in ents] == [h.id for h in homes]
    assert ents[0].snapshot["name"] == "Warga 1-0" and ents[0].snapshot["amount"] == "300000.00"
    assert ents[0].snapshot["band"] == "1" and ents[0].amount == Decimal(300000)

    person = session.get(Person, ents[0].recipient_id)
    person.name = "Nama Baru Setelah Disetujui"
    session.commit()
    session.expire_all()
    assert _entitlements(session, cycle.id)[0].snapshot["name"] == "Warga 1-0"

    with pytest.raises(SelectionError, match="dibekukan"):
        mus.decide(session, meeting, homes[0], "ditolak", "berubah pikiran", "bpd")
    with pytest.raises(SelectionError, match="dibekukan"):
        cand.add(session, cycle, household(session, 99, band=1), "terlambat", "operator")
    with pytest.raises(SelectionError, match="dibekukan"):
        approval.approve(session, cycle, "kepala_desa")


def test_exclusion_and_quota_are_checked_again_at_approval(session):
    cycle, _meeting, homes, _ = decided_cycle(session, households=3)
    pkh, _ = programme(session, "PKH")
    exclude(session, pkh, cycle.programme)
    enrol(session, pkh, homes[1])  # became a PKH family after the list was made
    with pytest.raises(SelectionError, match="1 penerima terkena larangan penerimaan ganda.*Program PKH"):
        approval.approve(session, cycle, "kepala_desa")
    session.rollback()
    session.get(CyclePlan, cycle.id).quota = 2
    session.commit()
    with pytest.raises(SelectionError, match="melebihi kuota 2"):
        approval.approve(session, session.get(Cycle, cycle.id), "kepala_desa")


def test_change_requests_add_remove_and_change_amount_with_their_own_approval(session):
    cycle, _meeting, homes, source = decided_cycle(session, households=2, budget=1000000)
    approval.approve(session, cycle, "kepala_desa")
    generate_chunk(session, cycle.id)
    session.commit()
    first, second = _entitlements(session, cycle.id)
    newcomer = household(session, 50, band=1)
    with pytest.raises(SelectionError, match="Alasan"):
        changes.request(session, cycle, "hapus", "", "operator", entitlement=first)
    remove = changes.request(session, cycle, "hapus", "meninggal dunia", "operator", entitlement=first)
    raise_amount = changes.request(session, cycle, "ubah_nilai", "salah ketik nilai", "operator", entitlement=second,
                                   new_amount=Decimal(350000))
    add = changes.request(session, cycle, "tambah", "terlewat saat pendataan", "operator", household=newcomer)
    session.commit()
    with pytest.raises(SelectionError, match="orang lain"):
        changes.decide(session, remove, True, "operator")
    for change in (remove, raise_amount, add):
        changes.decide(session, change, True, "kepala_desa")
    session.commit()
    plan = session.get(CyclePlan, cycle.id)
    assert first.status == "dibatalkan" and second.amount == Decimal(350000)
    assert plan.approved_total == Decimal(650000) and plan.approved_count == 2
    assert add.entitlement.snapshot["name"] == "Warga 50-0"
    assert remove.result == {"before": {"status": "menunggu", "amount": "300000.00"}, "after": {"status": "dibatalkan"}}
    too_much = changes.request(session, cycle, "ubah_nilai", "naik", "operator", entitlement=second,
                               new_amount=Decimal(800000))
    with pytest.raises(BudgetError, match="tidak cukup"):
        changes.decide(session, too_much, True, "kepala_desa")
    session.rollback()
    actions = session.execute(select(AuditEntry.action, func.count()).group_by(AuditEntry.action)).all()
    assert dict(actions)["approve_change"] == 3 and dict(actions)["request_change"] == 3


def test_change_request_needs_a_frozen_cycle(session):
    prog, source = programme(session)
    from tests.registry.village import cycle as make_cycle

    c = make_cycle(session, prog, source, {"field": "band", "op": "eq", "value": 1})
    with pytest.raises(SelectionError, match="belum disetujui"):
        changes.request(session, c, "tambah", "x", "operator", household=household(session, 1))
    assert mus.record_meeting(session, c, "musdus", TODAY, "Balai Dusun", "Kepala Dusun", [], "bpd").kind == "musdus"
