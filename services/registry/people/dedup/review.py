"""Reviewer decisions on a case: merge into one person, dismiss, or move a person to the right household.

Every decision writes an AuditEntry with the state before and after; nothing is decided automatically.
"""
from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from services.common.db import utcnow
from services.registry.core.audit import record
from services.registry.models import Area, DedupCluster, DuplicateCandidate, Household, Person
from services.registry.people.dedup.cases import is_own, other_villages
from services.registry.people.dedup.clusters import signature
from services.registry.people.dedup.follow import FollowReport, follow_household, follow_persons
from services.registry.people.dedup.layers import PersonRow
from services.registry.surveys.scoring import rescore_household_desa


class DedupError(ValueError):
    """A decision that cannot be applied; the message is for the reviewer (Indonesian)."""


def _person_state(person: Person) -> dict:
    return {"id": person.id, "nik": person.nik, "name": person.name, "household_id": person.household_id,
            "no_kk": person.household.no_kk, "birth_date": person.birth_date.isoformat() if person.birth_date else None,
            "sex": person.sex, "phone": person.phone}


def _open_case(session: Session, cluster_id: int) -> DedupCluster:
    case = session.get(DedupCluster, cluster_id)
    if case is None:
        raise DedupError("Kasus duplikat tidak ditemukan.")
    if case.status != "terbuka":
        raise DedupError(f"Kasus #{case.id} sudah diputuskan ({case.status}).")
    return case


def _require_own(session: Session, case: DedupCluster, what: str) -> None:
    """Merging or moving changes every member's record: only someone serving all their villages may."""
    others = other_villages(case)
    if others:
        names = ", ".join(session.scalars(select(Area.name).where(Area.id.in_(others)).order_by(Area.name)))
        raise DedupError(f"Kasus ini juga menyangkut Desa {names}: {what} hanya oleh petugas yang melayani semua "
                         "desa anggotanya (kecamatan/kabupaten). Desa Anda dapat menyatakan 'bukan orang yang sama' "
                         "atau meminta kabupaten memutuskan.")


def _members(session: Session, case: DedupCluster) -> list[Person]:
    ids = [m.person_ref for m in case.members if is_own(m.area_id)]
    people = session.execute(select(Person).where(Person.id.in_(ids)).order_by(Person.id)).scalars().all()
    if len(people) != len(ids):
        raise DedupError("Data anggota kasus sudah berubah; jalankan pemeriksaan duplikat lagi.")
    return list(people)


def _close(case: DedupCluster, status: str, actor: str, reason: str | None) -> None:
    case.status, case.decided_by, case.decided_at, case.reason = status, actor, utcnow(), reason


def _settle_pairs(session: Session, ids: list[int], status: str) -> None:
    """The import's pair flags for these persons are superseded by the case decision."""
    session.execute(update(DuplicateCandidate).where(
        DuplicateCandidate.status == "terbuka",
        or_(DuplicateCandidate.person_id.in_(ids), DuplicateCandidate.other_person_id.in_(ids)),
    ).values(status=status))
    session.execute(update(Person).where(Person.id.in_(ids)).values(is_duplicate_candidate=False))


def dismiss(session: Session, cluster_id: int, actor: str, reason: str) -> DedupCluster:
    """"Bukan orang yang sama": the case stays closed until one of its members changes."""
    if not (reason or "").strip():
        raise DedupError("Alasan wajib diisi.")
    case = _open_case(session, cluster_id)
    people = _members(session, case)  # this reviewer's villages' members; another village's stay untouched
    _close(case, "bukan_duplikat", actor, reason.strip())
    _settle_pairs(session, [p.id for p in people], "bukan_duplikat")
    others = [{"person_ref": m.person_ref, "area_id": m.area_id} for m in case.members if not is_own(m.area_id)]
    record(session, actor, "dedup_dismiss", "dedup_cluster", case.id, before={"status": "terbuka"},
           after={"status": case.status}, reason=case.reason, members=[_person_state(p) for p in people],
           **({"other_villages": others} if others else {}))
    session.commit()
    return case


def merge(session: Session, cluster_id: int, survivor_id: int, actor: str, reason: str | None = None) -> DedupCluster:
    """Keep ``survivor_id``; re-point whatever referred to the others (dedup/follow.py), remove them, and
    merge a household they leave empty into the survivor's. One transaction, one audit entry; clashes
    resolved by rule are listed in ``case.merge_report.conflicts`` for the reviewer."""
    case = _open_case(session, cluster_id)
    _require_own(session, case, "penggabungan")
    people = _members(session, case)
    survivor = next((p for p in people if p.id == survivor_id), None)
    if survivor is None:
        raise DedupError("Orang yang dipertahankan harus anggota kasus ini.")
    others = [p for p in people if p.id != survivor_id]
    before = [_person_state(p) for p in people]
    other_ids = [p.id for p in others]
    left_households = {p.household_id: p.household for p in others if p.household_id != survivor.household_id}
    report = FollowReport()
    _settle_pairs(session, [p.id for p in people], "digabung")
    follow_persons(session, other_ids, survivor_id, report)
    for person in others:
        session.delete(person)
    session.flush()
    for household in left_households.values():
        if session.execute(select(Person.id).where(Person.household_id == household.id)).first() is None:
            follow_household(session, household, survivor.household_id, report)
    _close(case, "digabung", actor, reason)
    record(session, actor, "dedup_merge", "person", str(survivor_id),
           **{"cluster_id": case.id, "before": before, "after": _person_state(survivor), "removed": other_ids,
              **report.as_dict(), "reason": reason})
    session.commit()
    if report.responses_moved:
        # The kept household's latest response may now be one that came with the merged household.
        rescore_household_desa(session, survivor.household, actor=actor)
    case.merge_report = report
    return case


def move(session: Session, cluster_id: int, person_id: int, no_kk: str, actor: str,
         reason: str | None = None) -> DedupCluster:
    """Move one member to the household with KK ``no_kk`` (the record was in the wrong family)."""
    case = _open_case(session, cluster_id)
    _require_own(session, case, "pemindahan")
    people = _members(session, case)
    person = next((p for p in people if p.id == person_id), None)
    if person is None:
        raise DedupError("Orang yang dipindah harus anggota kasus ini.")
    target = session.execute(select(Household).where(Household.no_kk == (no_kk or "").strip())).scalar_one_or_none()
    if target is None:
        raise DedupError(f"No. KK {no_kk} tidak ditemukan.")
    if target.id == person.household_id:
        raise DedupError("Orang ini sudah berada di KK tersebut.")
    clash = session.execute(select(Person.id).where(Person.household_id == target.id, Person.nik == person.nik)).first()
    if clash:
        raise DedupError("NIK ini sudah ada di KK tujuan; gunakan 'gabungkan'.")
    before = _person_state(person)
    person.household_id = target.id
    session.flush()
    session.refresh(person)
    _settle_pairs(session, [p.id for p in people], "bukan_duplikat")
    _close(case, "dipindah", actor, reason)
    # The decision covers the members as they are now: the next run finds this signature decided.
    moved_signature = signature(PersonRow(p.id, p.household_id, p.nik, p.name, p.sex, p.birth_date, p.phone)
                                for p in people)
    if session.execute(select(DedupCluster.id).where(DedupCluster.signature == moved_signature)).first() is None:
        case.signature = moved_signature
    record(session, actor, "dedup_move", "person", person.id, cluster_id=case.id, before=before,
           after=_person_state(person), reason=reason)
    session.commit()
    return case
