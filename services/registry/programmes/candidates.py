"""Candidate lists: generated from the cycle's rule, ranked by need, edited by hand with a reason;
usul and sanggah recorded against them with a 14-day answer deadline."""
from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.common.db import utcnow
from services.common.settings import env_int, var_dir
from services.registry.core.areas import within
from services.registry.core.audit import plain, record
from services.registry.models import Candidate, CandidateFeedback, Cycle, CyclePlan, Household, HouseholdWelfare, Person
from services.registry.programmes.exclusions import conflicts, not_excluded_clause
from services.registry.programmes.rules import eligible_households

CHUNK = 1000
HEAD = "KEPALA KELUARGA"


class SelectionError(ValueError):
    """A step refused, with the reason for the operator in Indonesian."""


def answer_days() -> int:
    """Days to answer an usul/sanggah (DOMAIN.md: verified within 14 days); configurable."""
    return env_int("SANGGAH_ANSWER_DAYS", 14)


def plan_of(session: Session, cycle: Cycle) -> CyclePlan:
    plan = session.get(CyclePlan, cycle.id)
    if plan is None:
        plan = CyclePlan(cycle_id=cycle.id, benefit_amount=cycle.programme.benefit_amount)
        session.add(plan)
        session.flush()
    return plan


def require_open(cycle: Cycle) -> None:
    if cycle.frozen:
        raise SelectionError(f"Siklus {cycle.name} sudah disetujui dan dibekukan: "
                             "perubahan hanya lewat permintaan perubahan")


def snapshots(session: Session, household_ids: list[int]) -> dict[int, dict]:
    """The attributes a decision is made on, per household: head's name/NIK, KK, address, welfare."""
    out: dict[int, dict] = {}
    for start in range(0, len(household_ids), CHUNK):
        chunk = household_ids[start:start + CHUNK]
        rows = session.execute(select(Household, HouseholdWelfare)
                               .outerjoin(HouseholdWelfare, HouseholdWelfare.household_id == Household.id)
                               .where(Household.id.in_(chunk))).all()
        people = session.execute(select(Person.household_id, Person.id, Person.name, Person.nik,
                                        Person.relationship_to_head)
                                 .where(Person.household_id.in_(chunk)).order_by(Person.id)).all()
        heads: dict[int, tuple] = {}
        for person in people:
            is_head = (person.relationship_to_head or "").upper() == HEAD
            if person.household_id not in heads or is_head and not heads[person.household_id][1]:
                heads[person.household_id] = (person, is_head)
        for household, welfare in rows:
            head = heads.get(household.id, (None, False))[0]
            out[household.id] = plain({
                "recipient_id": head.id if head else None, "name": head.name if head else None,
                "nik": head.nik if head else None, "no_kk": household.no_kk, "address": household.address,
                "rt": household.rt, "rw": household.rw, "dusun": household.dusun, "desa": household.desa,
                "band": welfare.band if welfare else None, "score": welfare.score if welfare else None,
                "rank": welfare.rank if welfare else None, "desil": welfare.dtsen_desil if welfare else None,
            })
    return out


def generate(session: Session, cycle: Cycle, actor: str) -> dict:
    """Add every household matching the cycle's rule (and no excluded programme), most in need first.

    Running it again adds only new matches; hand-removed candidates stay removed."""
    require_open(cycle)
    plan = plan_of(session, cycle)
    if plan.rule is None:
        raise SelectionError("Siklus ini belum punya aturan kelayakan")
    already = set(session.scalars(select(Candidate.household_id).where(Candidate.cycle_id == cycle.id)))
    query = eligible_households(plan.rule.condition).where(not_excluded_clause(session, cycle.programme_id))
    if cycle.area_id is not None:
        # Only the cycle's own area (a desa, or the villages under a kecamatan/kabupaten), even when
        # run by a worker that sees every village.
        query = query.where(Household.area_id.in_(within(session, cycle.area_id)))
    rows = [row for row in session.execute(query) if row.id not in already]
    next_rank = (session.execute(select(func.max(Candidate.need_rank)).where(Candidate.cycle_id == cycle.id))
                 .scalar_one() or 0) + 1
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        snaps = snapshots(session, [row.id for row in chunk])
        session.add_all([Candidate(cycle_id=cycle.id, household_id=row.id, need_rank=next_rank + i + start,
                                   score=row.score, band=row.band, source="aturan", changed_by=actor,
                                   snapshot=snaps.get(row.id, {})) for i, row in enumerate(chunk)])
        session.flush()
    if cycle.status == "draft":
        cycle.status = "musyawarah"
    record(session, actor, "generate_candidates", "cycle", cycle.id, rule=plan.rule.name, added=len(rows))
    return {"added": len(rows), "total": len(already) + len(rows)}


def add(session: Session, cycle: Cycle, household: Household, reason: str, actor: str,
        source: str = "operator") -> Candidate:
    """Put a household on the list by hand; a reason is required and exclusions still apply."""
    require_open(cycle)
    if not (reason or "").strip():
        raise SelectionError("Alasan wajib diisi saat menambah calon")
    clash = conflicts(session, cycle.programme_id, [household.id])
    if clash:
        raise SelectionError(f"KK {household.no_kk} tidak bisa ditambahkan: {clash[household.id]}")
    candidate = session.scalars(select(Candidate).where(Candidate.cycle_id == cycle.id,
                                                        Candidate.household_id == household.id)).first()
    if candidate is None:
        snap = snapshots(session, [household.id]).get(household.id, {})
        candidate = Candidate(cycle_id=cycle.id, household_id=household.id, snapshot=snap,
                              band=snap.get("band"), score=snap.get("score"), source=source)
        session.add(candidate)
    candidate.status, candidate.reason, candidate.changed_by = "aktif", reason.strip(), actor
    session.flush()
    record(session, actor, "add_candidate", "candidate", candidate.id, cycle_id=cycle.id,
           household_id=household.id, reason=candidate.reason, before=None, after="aktif")
    return candidate


def remove(session: Session, candidate: Candidate, reason: str, actor: str) -> Candidate:
    require_open(candidate.cycle)
    if not (reason or "").strip():
        raise SelectionError("Alasan wajib diisi saat menghapus calon")
    before = candidate.status
    candidate.status, candidate.reason, candidate.changed_by = "dihapus", reason.strip(), actor
    record(session, actor, "remove_candidate", "candidate", candidate.id, cycle_id=candidate.cycle_id,
           household_id=candidate.household_id, reason=candidate.reason, before=before, after="dihapus")
    return candidate


def save_photo(data: bytes, filename: str) -> str:
    """Store an objection's house photo under var/uploads/sanggah and return its path."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in (".jpg", ".jpeg", ".png", ".webp"):
        raise SelectionError("Foto harus berkas JPG, PNG atau WEBP")
    folder = var_dir() / "uploads" / "sanggah"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{suffix}"
    path.write_bytes(data)
    return str(path)


def record_feedback(session: Session, cycle: Cycle, household: Household, kind: str, submitted_by: str,
                    reason: str, actor: str, received_on: date | None = None, photo_path: str | None = None,
                    latitude: float | None = None, longitude: float | None = None) -> CandidateFeedback:
    """Record an usul or sanggah; it must be answered within ``answer_days()``."""
    if kind not in ("usul", "sanggah"):
        raise SelectionError("Jenis harus 'usul' atau 'sanggah'")
    if not (reason or "").strip() or not (submitted_by or "").strip():
        raise SelectionError("Pengaju dan alasan wajib diisi")
    if (latitude is None) != (longitude is None):
        raise SelectionError("Koordinat GPS harus lengkap (lintang dan bujur)")
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise SelectionError("Koordinat GPS tidak sah")
    candidate = session.scalars(select(Candidate).where(Candidate.cycle_id == cycle.id,
                                                        Candidate.household_id == household.id)).first()
    if kind == "sanggah" and candidate is None:
        raise SelectionError(f"KK {household.no_kk} bukan calon di siklus ini: sanggahan tidak bisa dicatat")
    received_on = received_on or date.today()
    feedback = CandidateFeedback(cycle_id=cycle.id, household_id=household.id, candidate=candidate, kind=kind,
                                 submitted_by=submitted_by.strip(), reason=reason.strip(), photo_path=photo_path,
                                 latitude=latitude, longitude=longitude, received_on=received_on,
                                 due_on=received_on + timedelta(days=answer_days()))
    session.add(feedback)
    session.flush()
    record(session, actor, f"record_{kind}", "candidate_feedback", feedback.id, cycle_id=cycle.id,
           household_id=household.id, submitted_by=feedback.submitted_by, due_on=feedback.due_on)
    return feedback


def answer_feedback(session: Session, feedback: CandidateFeedback, answer: str, actor: str) -> CandidateFeedback:
    if not (answer or "").strip():
        raise SelectionError("Jawaban wajib diisi")
    feedback.answer, feedback.answered_by, feedback.answered_at = answer.strip(), actor, utcnow()
    feedback.status = "dijawab"
    record(session, actor, "answer_feedback", "candidate_feedback", feedback.id, answer=feedback.answer)
    return feedback


def overdue(session: Session, today: date | None = None):
    """Open usul/sanggah past their deadline, oldest first."""
    return list(session.scalars(select(CandidateFeedback)
                                .where(CandidateFeedback.status == "terbuka",
                                       CandidateFeedback.due_on < (today or date.today()))
                                .order_by(CandidateFeedback.due_on, CandidateFeedback.id)))
