"""Dedup against a real registry (SQLite and PostgreSQL): cases stored once, decisions kept, audited."""
from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from services.registry.models import (
    AuditEntry,
    BankAccount,
    Cycle,
    DedupCluster,
    DedupRun,
    DuplicateCandidate,
    Enrolment,
    Entitlement,
    Household,
    Person,
    Programme,
)
from services.registry.people.dedup.review import DedupError, dismiss, merge, move
from services.registry.people.dedup.store import EXPORT_COLUMNS, export_open_clusters, run_dedup
from tests.registry.people.dedup_data import add_household, tricky_registry


def _cases(session):
    return {tuple(sorted(m.name for m in c.members)): c
            for c in session.execute(select(DedupCluster)).scalars()}


def test_run_finds_each_layer_and_none_of_the_traps(session):
    tricky_registry(session)
    counts = run_dedup(session, "operator")
    cases = _cases(session)
    assert {names: sorted(c.layers) for names, c in cases.items()} == {
        ("Moh. Rofi'i", "Mohammad Rofii"): ["nama_mirip", "nik_sama"],
        ("SITTI AMINAH", "Siti Aminah"): ["nama_mirip", "nik_selip"],
        ("Achmad Djunaedi", "H. Ahmad Junaidi"): ["nama_mirip"],
        ("Nur Hayati", "Nurhayati"): ["rekening", "telepon"],
    }
    assert counts["new"] == 4 and counts["clusters"] == 4
    assert session.execute(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "dedup_run")).scalar_one() == 1


def test_second_run_changes_nothing_and_a_dismissed_case_stays_dismissed(session):
    ids = tricky_registry(session)
    run_dedup(session)
    case = _cases(session)[("Achmad Djunaedi", "H. Ahmad Junaidi")]
    dismiss(session, case.id, "operator", "Dua orang berbeda, sudah dicek ke rumah")
    again = run_dedup(session)
    assert again["new"] == 0 and again["already_decided"] == 1 and again["withdrawn"] == 0
    assert session.get(DedupCluster, case.id).status == "bukan_duplikat"
    # a member changes (birth date corrected, but still alike): the pair is a new case to review
    person = session.get(Person, ids["H. Ahmad Junaidi"])
    person.phone = "+6281299999999"
    session.commit()
    third = run_dedup(session)
    assert third["new"] == 1
    assert len([c for c in session.execute(select(DedupCluster)).scalars() if c.status == "terbuka"]) == 4


def test_a_run_key_runs_once_and_a_failed_run_says_why(session, monkeypatch):
    tricky_registry(session)
    first = run_dedup(session, "operator", run_key="k-1")
    assert run_dedup(session, "operator", run_key="k-1") == first
    assert session.execute(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "dedup_run")).scalar_one() == 1
    from services.registry.people.dedup import store

    def broken(*_args):
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(store, "find_clusters", broken)
    with pytest.raises(RuntimeError):
        run_dedup(session, "operator", run_key="k-2")
    failed = session.execute(select(DedupRun).where(DedupRun.run_key == "k-2")).scalar_one()
    assert failed.status == "gagal" and "disk penuh" in failed.error


def test_a_run_another_worker_holds_is_skipped_until_it_is_stale(session):
    from datetime import timedelta

    from services.common.db import utcnow
    from services.registry.people.dedup.store import request_run

    tricky_registry(session)
    run = request_run(session, "k-3", "operator")
    run.status, run.started_at = "berjalan", utcnow()
    session.commit()
    assert run_dedup(session, "operator", run_key="k-3") == {"skipped": "berjalan"}
    run.started_at = utcnow() - timedelta(hours=2)  # its worker died
    session.commit()
    assert run_dedup(session, "operator", run_key="k-3")["new"] == 4
    session.refresh(run)
    assert run.status == "selesai"


def test_dismiss_needs_a_reason_and_is_audited(session):
    tricky_registry(session)
    run_dedup(session)
    case = _cases(session)[("Nur Hayati", "Nurhayati")]
    with pytest.raises(DedupError, match="Alasan wajib"):
        dismiss(session, case.id, "operator", "  ")
    dismiss(session, case.id, "operator", "Ibu dan anak memakai rekening yang sama")
    entry = session.execute(select(AuditEntry).where(AuditEntry.action == "dedup_dismiss")).scalar_one()
    assert entry.details["before"] == {"status": "terbuka"} and entry.details["after"] == {"status": "bukan_duplikat"}
    with pytest.raises(DedupError, match="sudah diputuskan"):
        dismiss(session, case.id, "operator", "lagi")


def test_merge_repoints_enrolments_entitlements_accounts_and_removes_the_copy(session):
    ids = tricky_registry(session)
    keep, copy = ids["Nur Hayati"], ids["Nurhayati"]
    copy_household = session.get(Person, copy).household_id
    programme = Programme(code="BLT-DD", name="BLT Dana Desa", kind="tunai", benefit_amount=Decimal(300000))
    session.add(programme)
    session.flush()
    cycle = Cycle(programme_id=programme.id, name="Januari 2027", status="disetujui")
    session.add(cycle)
    session.flush()
    session.add_all([
        Enrolment(programme_id=programme.id, household_id=copy_household, recipient_id=copy),
        Entitlement(cycle_id=cycle.id, programme_id=programme.id, household_id=copy_household, recipient_id=copy,
                    amount=Decimal(300000)),
        DuplicateCandidate(person_id=keep, other_person_id=copy, reason="NIK sama"),
    ])
    session.commit()
    run_dedup(session)
    case = _cases(session)[("Nur Hayati", "Nurhayati")]
    with pytest.raises(DedupError, match="anggota kasus"):
        merge(session, case.id, ids["Fatimah"], "operator")
    merge(session, case.id, keep, "operator", "Orang yang sama, tanggal lahir salah ketik")
    session.expire_all()
    assert session.get(Person, copy) is None
    assert session.execute(select(Enrolment.recipient_id)).scalar_one() == keep
    assert session.execute(select(Entitlement.recipient_id)).scalar_one() == keep
    # both records held the same account: one copy is kept, on the survivor
    assert session.execute(select(BankAccount.person_id)).scalars().all() == [keep]
    # the import's pair flag is settled (removed with the copy, or marked merged)
    assert session.execute(select(DuplicateCandidate).where(DuplicateCandidate.status == "terbuka")).first() is None
    entry = session.execute(select(AuditEntry).where(AuditEntry.action == "dedup_merge")).scalar_one()
    assert entry.details["removed"] == [copy] and len(entry.details["before"]) == 2
    assert entry.details["after"]["id"] == keep
    assert session.get(DedupCluster, case.id).status == "digabung"
    # the case keeps the removed member's data for the record
    assert {m.person_ref for m in session.get(DedupCluster, case.id).members} == {keep, copy}


def test_move_puts_a_person_in_the_right_household(session):
    ids = tricky_registry(session)
    run_dedup(session)
    case = _cases(session)[("Achmad Djunaedi", "H. Ahmad Junaidi")]
    target = add_household(session, 30, [{"name": "Maimunah", "sex": "P", "birth": date(1970, 1, 1)}])
    session.commit()
    with pytest.raises(DedupError, match="tidak ditemukan"):
        move(session, case.id, ids["H. Ahmad Junaidi"], "9999999999999999", "operator")
    move(session, case.id, ids["H. Ahmad Junaidi"], target.no_kk, "operator", "Suami Maimunah")
    session.expire_all()
    assert session.get(Person, ids["H. Ahmad Junaidi"]).household_id == target.id
    entry = session.execute(select(AuditEntry).where(AuditEntry.action == "dedup_move")).scalar_one()
    assert entry.details["after"]["no_kk"] == target.no_kk != entry.details["before"]["no_kk"]
    # the pair still looks alike after the move, but the reviewer has decided on it as it now stands
    again = run_dedup(session)
    assert again["new"] == 0 and again["already_decided"] == 1


def test_export_writes_exactly_the_agreed_columns_one_row_per_member(session, tmp_path):
    tricky_registry(session)
    run_dedup(session)
    out = tmp_path / "dedup.csv"
    assert export_open_clusters(session, out) == 8
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == EXPORT_COLUMNS == ["cluster_id", "NIK", "NO_KK", "NAMA", "TANGGAL_LAHIR", "score"]
    by_name = {r[3]: r for r in rows[1:]}
    slip = by_name["SITTI AMINAH"]
    household = session.execute(select(Household).join(Person).where(Person.name == "SITTI AMINAH")).scalar_one()
    assert slip[2] == household.no_kk and slip[4] == "01-07-1992" and slip[5] == "0.95"
    assert by_name["Siti Aminah"][0] == slip[0]  # same cluster id
    assert "Hasan Basri" not in by_name and "Fatimah" not in by_name
