"""What follows a dedup merge: every row that pointed at a merged-away person moves to the kept person,
and when that leaves the person's household empty, the household's own rows move to the kept person's
household (a household merge). All in the caller's transaction; nothing here commits.

Every foreign key to ``person.id`` or ``household.id`` has exactly one entry in PERSON_LINKS or
HOUSEHOLD_LINKS (tests/registry/people/test_dedup_follow.py fails on a new one without a decision). Where a
unique constraint would break, the clash is resolved the same way every time and written into the
report (Indonesian, for the reviewer and the audit entry), never raised:

- bank account already held by the kept person: the copy is removed, its payment items point at the
  kept account;
- skill held by both: one row, the higher level;
- same training twice: the further enrolment (selesai > terdaftar > diundang > keluar, then the one
  with a certificate, then the kept person's) stays, taking over the other's attendance, follow-ups
  and certificate code where it has none;
- same business group twice: one membership, the more senior role;
- household-level rows that the kept household already has for the same programme / cycle /
  musyawarah (enrolment, entitlement, candidate, decision) stay on the old household, which is then
  kept (empty) instead of removed: those are possible double receipts for a person to look at, not
  something to delete.

Survey responses are household-level here (one response per visit, answers inside it), so they follow
with the household; each visit stays its own response, so follow-up history stays measurable."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import and_, delete, select, update
from sqlalchemy.orm import Session

from services.registry.models import (
    BankAccount,
    BusinessGroupMember,
    Candidate,
    CandidateFeedback,
    CapitalDisbursement,
    CapitalGrant,
    ChangeRequest,
    Complaint,
    DuplicateCandidate,
    Enrolment,
    Entitlement,
    Household,
    HouseholdWelfare,
    InboxMessage,
    MeetingAttendee,
    MusyawarahDecision,
    PaymentItem,
    Person,
    PersonSkill,
    Pickup,
    SatisfactionCode,
    SurveyResponse,
    TrainingAttendance,
    TrainingEnrolment,
    TrainingFollowUp,
    VillageResource,
)
from services.registry.people.models.resources import SKILL_LEVELS

TRAINING_RANK = {"keluar": 0, "diundang": 1, "terdaftar": 2, "selesai": 3}
GROUP_ROLE_RANK = {"anggota": 0, "sekretaris": 1, "bendahara": 2, "ketua": 3}


@dataclass
class FollowReport:
    repointed: dict[str, int] = field(default_factory=dict)  # "table.column": rows moved
    conflicts: list[str] = field(default_factory=list)
    households: list[dict] = field(default_factory=list)  # one per household merge
    responses_moved: int = 0

    def count(self, key: str, rows: int) -> None:
        if rows:
            self.repointed[key] = self.repointed.get(key, 0) + rows

    def as_dict(self) -> dict:
        return {"repointed": self.repointed, "conflicts": self.conflicts, "households": self.households}


def _plain(model, column: str):
    """A link without a unique constraint: one UPDATE."""
    col = getattr(model, column)

    def follow(session: Session, old, new: int, report: FollowReport) -> int:
        olds = old if isinstance(old, list) else [old]
        moved = session.execute(update(model).where(col.in_(olds)).values({column: new})).rowcount
        report.count(f"{model.__tablename__}.{column}", moved)
        return 0

    return follow


def _bank_accounts(session: Session, old_ids: list[int], new_id: int, report: FollowReport) -> int:
    held = {(a.bank_code, a.account_number): a for a in session.execute(
        select(BankAccount).where(BankAccount.person_id == new_id)).scalars()}
    for account in session.execute(select(BankAccount).where(BankAccount.person_id.in_(old_ids))
                                   .order_by(BankAccount.id)).scalars().all():
        kept = held.get((account.bank_code, account.account_number))
        if kept is None:
            account.person_id = new_id
            held[(account.bank_code, account.account_number)] = account
        else:
            payments = session.execute(update(PaymentItem).where(PaymentItem.bank_account_id == account.id)
                                       .values(bank_account_id=kept.id)).rowcount
            kept.active = kept.active or account.active
            session.flush()
            session.delete(account)
            report.conflicts.append(
                f"Rekening {account.bank_code} ...{account.account_number[-4:]} sudah ada pada orang yang "
                f"dipertahankan: salinan #{account.id} dihapus, {payments} pembayaran kini menunjuk "
                f"rekening #{kept.id}")
        report.count("bank_account.person_id", 1)
    session.flush()
    return 0


def _skills(session: Session, old_ids: list[int], new_id: int, report: FollowReport) -> int:
    held = {s.skill: s for s in session.execute(select(PersonSkill).where(PersonSkill.person_id == new_id)).scalars()}
    for skill in session.execute(select(PersonSkill).where(PersonSkill.person_id.in_(old_ids))
                                 .order_by(PersonSkill.id)).scalars().all():
        kept = held.get(skill.skill)
        if kept is None:
            skill.person_id, held[skill.skill] = new_id, skill
        else:
            if SKILL_LEVELS.index(skill.level) > SKILL_LEVELS.index(kept.level):
                kept.level, kept.source, kept.recorded_on = skill.level, skill.source, skill.recorded_on
            session.delete(skill)
            report.conflicts.append(f"Keterampilan '{skill.skill}' tercatat dua kali: disimpan satu, tingkat "
                                    f"'{kept.level}'")
        report.count("person_skill.person_id", 1)
    session.flush()
    return 0


def _absorb_enrolment(session: Session, better: TrainingEnrolment, worse: TrainingEnrolment) -> None:
    """``better`` takes over what only ``worse`` has: attendance per session, follow-ups, certificate."""
    present = {a.session_id: a for a in session.execute(
        select(TrainingAttendance).where(TrainingAttendance.enrolment_id == better.id)).scalars()}
    for row in session.execute(select(TrainingAttendance).where(TrainingAttendance.enrolment_id == worse.id)).scalars():
        if row.session_id in present:
            present[row.session_id].present = present[row.session_id].present or row.present
        else:
            row.enrolment_id = better.id
    surveys = {f.months: f for f in session.execute(
        select(TrainingFollowUp).where(TrainingFollowUp.enrolment_id == better.id)).scalars()}
    for row in session.execute(select(TrainingFollowUp).where(TrainingFollowUp.enrolment_id == worse.id)).scalars():
        mine = surveys.get(row.months)
        if mine is None:
            row.enrolment_id = better.id
        elif mine.answered_at is None and row.answered_at is not None:
            mine.answered_at, mine.monthly_income = row.answered_at, row.monthly_income
            mine.work_status = row.work_status
    session.flush()
    if better.certificate_code is None and worse.certificate_code is not None:
        code, worse.certificate_code = worse.certificate_code, None
        session.flush()  # the code is unique: free it before handing it over
        better.certificate_code, better.completed_on = code, better.completed_on or worse.completed_on
    better.skill_recorded = better.skill_recorded or worse.skill_recorded


def _trainings(session: Session, old_ids: list[int], new_id: int, report: FollowReport) -> int:
    held = {e.training_id: e for e in session.execute(
        select(TrainingEnrolment).where(TrainingEnrolment.person_id == new_id)).scalars()}
    for enrolment in session.execute(select(TrainingEnrolment).where(TrainingEnrolment.person_id.in_(old_ids))
                                     .order_by(TrainingEnrolment.id)).scalars().all():
        kept = held.get(enrolment.training_id)
        if kept is None:
            enrolment.person_id, held[enrolment.training_id] = new_id, enrolment
        else:
            def rank(e: TrainingEnrolment, own: bool) -> tuple:
                return TRAINING_RANK.get(e.status, 0), e.certificate_code is not None, own

            better, worse = (kept, enrolment) if rank(kept, True) >= rank(enrolment, False) else (enrolment, kept)
            _absorb_enrolment(session, better, worse)
            session.execute(delete(TrainingAttendance).where(TrainingAttendance.enrolment_id == worse.id))
            session.execute(delete(TrainingFollowUp).where(TrainingFollowUp.enrolment_id == worse.id))
            session.expire(worse, ["attendance", "follow_ups"])
            session.delete(worse)
            session.flush()
            better.person_id, held[enrolment.training_id] = new_id, better
            report.conflicts.append(f"Pelatihan #{enrolment.training_id} diikuti kedua data: dipertahankan "
                                    f"pendaftaran #{better.id} ({better.status}), #{worse.id} digabung ke dalamnya")
        report.count("training_enrolment.person_id", 1)
    session.flush()
    return 0


def _groups(session: Session, old_ids: list[int], new_id: int, report: FollowReport) -> int:
    held = {m.group_id: m for m in session.execute(
        select(BusinessGroupMember).where(BusinessGroupMember.person_id == new_id)).scalars()}
    for member in session.execute(select(BusinessGroupMember).where(BusinessGroupMember.person_id.in_(old_ids))
                                  .order_by(BusinessGroupMember.id)).scalars().all():
        kept = held.get(member.group_id)
        if kept is None:
            member.person_id, held[member.group_id] = new_id, member
        else:
            if GROUP_ROLE_RANK.get(member.role, 0) > GROUP_ROLE_RANK.get(kept.role, 0):
                kept.role = member.role
            session.delete(member)
            report.conflicts.append(f"Keanggotaan kelompok usaha #{member.group_id} ganda: disimpan satu, "
                                    f"peran '{kept.role}'")
        report.count("business_group_member.person_id", 1)
    session.flush()
    return 0


def _pairs(session: Session, old_ids: list[int], new_id: int, report: FollowReport) -> int:
    """Import pair flags of the removed records are settled by the case decision: removed with them."""
    gone = session.execute(delete(DuplicateCandidate).where(
        DuplicateCandidate.person_id.in_(old_ids) | DuplicateCandidate.other_person_id.in_(old_ids))).rowcount
    report.count("duplicate_candidate (dihapus)", gone)
    return 0


def _satisfaction_codes(session: Session, old_ids: list[int], new_id: int, report: FollowReport) -> int:
    """One code per (training, person): the kept person's code wins; the other stays, unlinked, so a used
    code keeps its answer and an unused one can no longer be sent to a removed person."""
    taken = select(SatisfactionCode.training_id).where(SatisfactionCode.person_id == new_id,
                                                       SatisfactionCode.training_id.is_not(None))
    clash = (SatisfactionCode.training_id.is_not(None)) & SatisfactionCode.training_id.in_(taken)
    moved = session.execute(update(SatisfactionCode).where(SatisfactionCode.person_id.in_(old_ids), ~clash)
                            .values(person_id=new_id)).rowcount
    report.count("satisfaction_code.person_id", moved)
    for code_id, training_id in session.execute(select(SatisfactionCode.id, SatisfactionCode.training_id)
                                                .where(SatisfactionCode.person_id.in_(old_ids))).all():
        report.conflicts.append(f"Kode kepuasan #{code_id} (pelatihan {training_id}): orang yang dipertahankan "
                                "sudah punya kode untuk pelatihan ini; kode ini dilepas dari orang yang dihapus")
    session.execute(update(SatisfactionCode).where(SatisfactionCode.person_id.in_(old_ids)).values(person_id=None))
    return 0


PERSON_LINKS: dict[tuple[str, str], Callable] = {
    ("enrolment", "recipient_id"): _plain(Enrolment, "recipient_id"),
    ("entitlement", "recipient_id"): _plain(Entitlement, "recipient_id"),
    ("complaint", "person_id"): _plain(Complaint, "person_id"),
    ("inbox_message", "person_id"): _plain(InboxMessage, "person_id"),
    ("meeting_attendee", "person_id"): _plain(MeetingAttendee, "person_id"),
    ("pickup", "collector_id"): _plain(Pickup, "collector_id"),
    ("capital_disbursement", "collector_id"): _plain(CapitalDisbursement, "collector_id"),
    ("satisfaction_code", "person_id"): _satisfaction_codes,
    ("bank_account", "person_id"): _bank_accounts,
    ("person_skill", "person_id"): _skills,
    ("training_enrolment", "person_id"): _trainings,
    ("business_group_member", "person_id"): _groups,
    ("duplicate_candidate", "person_id"): _pairs,
    ("duplicate_candidate", "other_person_id"): lambda *args: 0,  # handled with person_id above
}


def _unique_per(model, key: str, label: str):
    """A household link unique per ``key`` (programme, cycle, musyawarah): a clash stays behind."""
    key_col = getattr(model, key)

    def follow(session: Session, old: int, new: int, report: FollowReport) -> int:
        taken = select(key_col).where(model.household_id == new).scalar_subquery()
        moved = session.execute(update(model).where(and_(model.household_id == old, key_col.not_in(taken)))
                                .values(household_id=new)).rowcount
        report.count(f"{model.__tablename__}.household_id", moved)
        left = session.execute(select(model.id, key_col).where(model.household_id == old)).all()
        for row_id, value in left:
            report.conflicts.append(f"{label} #{row_id} ({key} {value}) tetap pada KK lama: KK yang dipertahankan "
                                    "sudah punya baris yang sama; periksa kemungkinan penerimaan ganda")
        return len(left)

    return follow


def _welfare(session: Session, old: int, new: int, report: FollowReport) -> int:
    """The old household's score came from responses that now belong to the kept household: recomputed."""
    report.count("household_welfare (dihitung ulang)", session.execute(
        delete(HouseholdWelfare).where(HouseholdWelfare.household_id == old)).rowcount)
    return 0


def _responses(session: Session, old: int, new: int, report: FollowReport) -> int:
    moved = session.execute(update(SurveyResponse).where(SurveyResponse.household_id == old)
                            .values(household_id=new)).rowcount
    report.count("survey_response.household_id", moved)
    report.responses_moved += moved
    return 0


def _household_codes(session: Session, old: int, new: int, report: FollowReport) -> int:
    """One code per (cycle, household); training codes (no cycle) always move. A clash stays behind."""
    taken = select(SatisfactionCode.cycle_id).where(SatisfactionCode.household_id == new,
                                                    SatisfactionCode.cycle_id.is_not(None))
    movable = SatisfactionCode.cycle_id.is_(None) | SatisfactionCode.cycle_id.not_in(taken)
    moved = session.execute(update(SatisfactionCode).where(SatisfactionCode.household_id == old, movable)
                            .values(household_id=new)).rowcount
    report.count("satisfaction_code.household_id", moved)
    left = session.execute(select(SatisfactionCode.id, SatisfactionCode.cycle_id)
                           .where(SatisfactionCode.household_id == old)).all()
    for code_id, cycle_id in left:
        report.conflicts.append(f"Kode kepuasan #{code_id} (cycle_id {cycle_id}) tetap pada KK lama: KK yang "
                                "dipertahankan sudah punya kode untuk siklus ini")
    return len(left)


HOUSEHOLD_LINKS: dict[tuple[str, str], Callable] = {
    ("survey_response", "household_id"): _responses,
    ("household_welfare", "household_id"): _welfare,
    ("village_resource", "owner_household_id"): _plain(VillageResource, "owner_household_id"),
    ("capital_grant", "household_id"): _plain(CapitalGrant, "household_id"),
    ("candidate_feedback", "household_id"): _plain(CandidateFeedback, "household_id"),
    ("change_request", "household_id"): _plain(ChangeRequest, "household_id"),
    ("satisfaction_code", "household_id"): _household_codes,
    ("enrolment", "household_id"): _unique_per(Enrolment, "programme_id", "Kepesertaan program"),
    ("entitlement", "household_id"): _unique_per(Entitlement, "cycle_id", "Hak bantuan"),
    ("candidate", "household_id"): _unique_per(Candidate, "cycle_id", "Calon penerima"),
    ("musyawarah_decision", "household_id"): _unique_per(MusyawarahDecision, "musyawarah_id", "Keputusan musyawarah"),
    ("person", "household_id"): lambda *args: 0,  # a household merge happens only once it has no members
}


def follow_persons(session: Session, old_ids: list[int], new_id: int, report: FollowReport) -> None:
    for handler in PERSON_LINKS.values():
        handler(session, old_ids, new_id, report)
    session.flush()


def follow_household(session: Session, old: Household, new_id: int, report: FollowReport) -> None:
    """Merge an emptied household into ``new_id``; remove it unless clashing rows had to stay on it."""
    left = sum(handler(session, old.id, new_id, report) for handler in HOUSEHOLD_LINKS.values())
    session.flush()
    still_members = session.execute(select(Person.id).where(Person.household_id == old.id)).first()
    removed = not left and still_members is None
    old_id, no_kk = old.id, old.no_kk
    if removed:
        session.expunge(old)  # removed below with one DELETE; the ORM must not flush it later
        session.execute(delete(Household).where(Household.id == old_id))
    else:
        report.conflicts.append(f"KK {no_kk} dipertahankan (tanpa anggota) karena {left} baris di atas tetap padanya")
    report.households.append({"from_household_id": old_id, "no_kk": no_kk, "into_household_id": new_id,
                              "removed": removed, "left_behind": left})
