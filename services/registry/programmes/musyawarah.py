"""Recording a musyawarah: attendance, quorum and each household's decision; the list it decided."""
from __future__ import annotations

from datetime import date
from fractions import Fraction

from sqlalchemy import func, insert, literal, select
from sqlalchemy.orm import Session

from services.common.settings import env_str
from services.registry.core.audit import record
from services.registry.models import Candidate, Cycle, Household, Musyawarah, MusyawarahAttendee, MusyawarahDecision
from services.registry.programmes import candidates as cand
from services.registry.programmes.candidates import SelectionError, require_open

DECIDING_KINDS = ("musdes", "musdesus")  # a musdus only prepares; the desa-level meeting decides
RECEIVING = ("disetujui", "ditambahkan")


def quorum_fraction() -> Fraction:
    """Share of invitees that must be present. DOMAIN.md names who attends but not the share;
    village guidance for musyawarah desa uses two thirds of those invited. Configurable."""
    return Fraction(env_str("MUSYAWARAH_QUORUM", "2/3"))


def quorum(meeting: Musyawarah) -> dict:
    invited = len(meeting.attendees)
    present = sum(1 for a in meeting.attendees if a.present)
    share = quorum_fraction()
    required = -(-invited * share.numerator // share.denominator)  # ceiling
    return {"invited": invited, "present": present, "required": required,
            "ok": invited > 0 and present >= required}


def record_meeting(session: Session, cycle: Cycle, kind: str, held_on: date, place: str, chair: str,
                   attendees: list[tuple[str, str | None, bool]], actor: str, notes: str | None = None) -> Musyawarah:
    require_open(cycle)
    if kind not in ("musdus", "musdes", "musdesus"):
        raise SelectionError("Jenis musyawarah harus musdus, musdes atau musdesus")
    if not (place or "").strip() or not (chair or "").strip():
        raise SelectionError("Tempat dan pimpinan musyawarah wajib diisi")
    meeting = Musyawarah(cycle_id=cycle.id, kind=kind, held_on=held_on, place=place.strip(), chair=chair.strip(),
                         notes=notes, recorded_by=actor)
    meeting.attendees = [MusyawarahAttendee(name=name, position=position, present=bool(present))
                         for name, position, present in attendees]
    session.add(meeting)
    session.flush()
    record(session, actor, "record_musyawarah", "musyawarah", meeting.id, cycle_id=cycle.id, kind=kind,
           held_on=held_on, **quorum(meeting))
    return meeting


def decide(session: Session, meeting: Musyawarah, household: Household, decision: str, reason: str | None,
           actor: str) -> MusyawarahDecision:
    """Record (or change, before approval) the meeting's decision on one household."""
    require_open(meeting.cycle)
    if decision not in ("disetujui", "ditolak", "ditambahkan"):
        raise SelectionError("Keputusan harus disetujui, ditolak atau ditambahkan")
    if decision != "disetujui" and not (reason or "").strip():
        raise SelectionError(f"Alasan wajib diisi untuk keputusan '{decision}'")
    candidate = session.scalars(select(Candidate).where(Candidate.cycle_id == meeting.cycle_id,
                                                        Candidate.household_id == household.id)).first()
    if decision == "ditambahkan" and (candidate is None or candidate.status != "aktif"):
        candidate = cand.add(session, meeting.cycle, household, reason, actor, source="musyawarah")
    elif candidate is None:
        raise SelectionError(f"KK {household.no_kk} bukan calon: pakai keputusan 'ditambahkan'")
    row = session.scalars(select(MusyawarahDecision).where(MusyawarahDecision.musyawarah_id == meeting.id,
                                                           MusyawarahDecision.household_id == household.id)).first()
    before = row.decision if row else None
    if row is None:
        row = MusyawarahDecision(musyawarah_id=meeting.id, household_id=household.id)
        session.add(row)
    row.decision, row.reason = decision, (reason or "").strip() or None
    session.flush()
    record(session, actor, "musyawarah_decision", "musyawarah_decision", row.id, musyawarah_id=meeting.id,
           household_id=household.id, before=before, after=decision, reason=row.reason)
    return row


def deciding_meeting(session: Session, cycle_id: int) -> Musyawarah | None:
    """The latest musdes/musdesus of the cycle: its decisions are the final list."""
    return session.scalars(select(Musyawarah).where(Musyawarah.cycle_id == cycle_id,
                                                    Musyawarah.kind.in_(DECIDING_KINDS))
                           .order_by(Musyawarah.held_on.desc(), Musyawarah.id.desc())).first()


def decided_rows(session: Session, meeting: Musyawarah):
    """(decision, candidate) pairs of a meeting, in the candidate list's need order."""
    return session.execute(select(MusyawarahDecision, Candidate)
                           .join(Candidate, (Candidate.household_id == MusyawarahDecision.household_id)
                                 & (Candidate.cycle_id == meeting.cycle_id))
                           .where(MusyawarahDecision.musyawarah_id == meeting.id)
                           .order_by(Candidate.need_rank.is_(None), Candidate.need_rank, Candidate.id)).all()


def final_household_ids(session: Session, meeting: Musyawarah) -> list[int]:
    return list(session.scalars(select(MusyawarahDecision.household_id)
                                .where(MusyawarahDecision.musyawarah_id == meeting.id,
                                       MusyawarahDecision.decision.in_(RECEIVING))
                                .order_by(MusyawarahDecision.household_id)))


def approve_remaining(session: Session, meeting: Musyawarah, actor: str) -> int:
    """Mark every active candidate the meeting has not decided on yet as ``disetujui``, in one
    INSERT ... SELECT (a list of thousands is agreed as a whole; the exceptions are decided one by one)."""
    require_open(meeting.cycle)
    undecided = (select(literal(meeting.id), Candidate.household_id, literal("disetujui"))
                 .where(Candidate.cycle_id == meeting.cycle_id, Candidate.status == "aktif",
                        ~Candidate.household_id.in_(select(MusyawarahDecision.household_id)
                                                    .where(MusyawarahDecision.musyawarah_id == meeting.id))))
    # Counted first: the driver's rowcount for INSERT ... SELECT is -1 on some (psycopg) setups.
    count = session.execute(select(func.count()).select_from(undecided.subquery())).scalar_one()
    session.execute(insert(MusyawarahDecision).from_select(["musyawarah_id", "household_id", "decision"], undecided))
    record(session, actor, "musyawarah_approve_remaining", "musyawarah", meeting.id, count=count)
    return count
