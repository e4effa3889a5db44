"""Trainings: who is eligible, invitations, attendance, completion and the 3/6-month follow-ups."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.db import utcnow
from services.registry.capacity.certificates import certificate_code
from services.registry.capacity.common import CapacityError, add_months, age_on
from services.registry.capacity.models.trainings import WORK_STATUSES
from services.registry.core.audit import record_row
from services.registry.models import (
    Enrolment,
    Household,
    Person,
    PersonSkill,
    Programme,
    Training,
    TrainingAttendance,
    TrainingEnrolment,
    TrainingFollowUp,
    TrainingSession,
)

FOLLOW_UP_MONTHS = (3, 6)
INVITATION_TEMPLATE = ("Yth. {{ nama }}, Anda diundang mengikuti pelatihan {{ pelatihan }} "
                       "mulai {{ tanggal }} di {{ tempat }}. Info: kantor {{ desa }}.")


def eligible_persons(session: Session, training: Training, today: date | None = None, limit: int = 500) -> list[Person]:
    """Persons matching the training's target rule who are not yet enrolled in it.

    Rule keys (all optional): sex L/P, age_min, age_max, dusun, occupation (a word of the occupation, e.g.
    "petani"), programme_code (member of a household actively enrolled in that programme)."""
    rule = training.target_rule or {}
    today = today or date.today()
    query = select(Person).join(Household, Person.household_id == Household.id)
    if rule.get("sex"):
        query = query.where(Person.sex == rule["sex"])
    if rule.get("dusun"):
        query = query.where(Household.dusun == rule["dusun"])
    if rule.get("occupation"):
        query = query.where(Person.occupation.ilike(f"%{rule['occupation']}%"))
    if rule.get("programme_code"):
        enrolled = (select(Enrolment.household_id).join(Programme, Enrolment.programme_id == Programme.id)
                    .where(Programme.code == rule["programme_code"], Enrolment.status == "aktif"))
        query = query.where(Person.household_id.in_(enrolled))
    if rule.get("age_max") is not None:  # younger than age_max + 1 years: born after this date
        query = query.where(Person.birth_date > add_months(today, -12 * (int(rule["age_max"]) + 1)))
    if rule.get("age_min") is not None:
        query = query.where(Person.birth_date <= add_months(today, -12 * int(rule["age_min"])))
    already = select(TrainingEnrolment.person_id).where(TrainingEnrolment.training_id == training.id)
    query = query.where(Person.id.not_in(already)).order_by(Person.id).limit(limit)
    return [p for p in session.scalars(query) if _age_ok(p, rule, today)]


def _age_ok(person: Person, rule: dict, today: date) -> bool:
    age = age_on(person.birth_date, today)
    return int(rule.get("age_min", 0)) <= age <= int(rule.get("age_max", 200))


def invite(session: Session, training: Training, persons: list[Person], actor: str) -> list[TrainingEnrolment]:
    """Enrol ``persons`` as invited, up to the training's capacity; already-enrolled persons are skipped."""
    taken = {e.person_id for e in training.enrolments}
    active = sum(1 for e in training.enrolments if e.status != "keluar")
    room = max(0, training.capacity - active)
    new = []
    for person in persons:
        if person.id in taken:
            continue
        if len(new) >= room:
            break
        enrolment = TrainingEnrolment(training=training, person=person, status="diundang", invited_at=utcnow())
        session.add(enrolment)
        new.append(enrolment)
        taken.add(person.id)
    if new:
        record_row(session, actor, "invite", training, persons=[e.person_id for e in new], capacity=training.capacity)
    return new


def invitation_recipients(training: Training, enrolments: list[TrainingEnrolment]) -> list[dict]:
    """Recipients for notifications.send_batch, keyed by training enrolment (a resend reaches nobody twice)."""
    from sqlalchemy.orm import object_session

    from services.registry.core.areas import area_or_default

    first = training.sessions[0] if training.sessions else None
    common = {"desa": area_or_default(object_session(training), training.area_id).title, "pelatihan": training.topic, "tanggal": f"{first.held_on:%d-%m-%Y}" if first else "-",
              "tempat": first.place if first else "-"}
    return [{"recipient_key": f"training-enrolment-{e.id}", "phone": e.person.phone,
             "vars": {"nama": e.person.name, **common}} for e in enrolments]


def send_invitations(celery_app, training: Training, enrolments: list[TrainingEnrolment], requested_by: str) -> str:
    """Send the invitations through the notifications service; returns the campaign key (the caller commits
    the outbox rows)."""
    from sqlalchemy.orm import object_session

    from services.registry.outreach.payloads import batches, send_batches

    key = f"training-{training.id}-invite"
    send_batches(celery_app, batches(invitation_recipients(training, enrolments)), campaign_key=key,
                 session=object_session(training),
                 name=f"Undangan pelatihan {training.topic}", channel="sms", template=INVITATION_TEMPLATE,
                 total=len(enrolments), source={"training_id": training.id, "requested_by": requested_by})
    return key


def record_attendance(session: Session, training_session: TrainingSession, present: set[int], actor: str) -> dict:
    """Set who was present at one session (``present`` = enrolment ids); everyone else enrolled is absent.

    Idempotent: saving the same ticks twice changes nothing and writes no second audit entry."""
    enrolments = [e for e in training_session.training.enrolments if e.status != "keluar"]
    unknown = present - {e.id for e in enrolments}
    if unknown:
        raise CapacityError(f"Peserta tidak terdaftar di pelatihan ini: {sorted(unknown)}")
    existing = {a.enrolment_id: a for a in session.scalars(
        select(TrainingAttendance).where(TrainingAttendance.session_id == training_session.id))}
    changes = {}
    for enrolment in enrolments:
        is_present = enrolment.id in present
        row = existing.get(enrolment.id)
        if row is None:
            session.add(TrainingAttendance(session_id=training_session.id, enrolment=enrolment, present=is_present,
                                           recorded_by=actor))
            changes[enrolment.id] = [None, is_present]
        elif row.present != is_present:
            changes[enrolment.id] = [row.present, is_present]
            row.present, row.recorded_by = is_present, actor
        if is_present and enrolment.status == "diundang":
            enrolment.status = "terdaftar"  # showing up is enrolling
    if changes:
        record_row(session, actor, "attendance", training_session, changes={str(k): v for k, v in changes.items()})
    return changes


def sessions_attended(session: Session, enrolment: TrainingEnrolment) -> int:
    return len(session.scalars(select(TrainingAttendance.id).where(
        TrainingAttendance.enrolment_id == enrolment.id, TrainingAttendance.present.is_(True))).all())


def complete(session: Session, enrolment: TrainingEnrolment, actor: str, on: date | None = None,
             min_attendance: float = 0.75) -> TrainingEnrolment:
    """Mark a participant as having completed: certificate code, follow-ups at 3 and 6 months, skills."""
    if enrolment.status == "selesai":
        return enrolment  # idempotent
    if enrolment.status == "keluar":
        raise CapacityError("Peserta sudah keluar dari pelatihan; tidak dapat dinyatakan lulus")
    total = len(enrolment.training.sessions)
    attended = sessions_attended(session, enrolment)
    if total and attended < min_attendance * total:
        raise CapacityError(f"Kehadiran {attended} dari {total} sesi belum memenuhi syarat kelulusan "
                            f"({int(min_attendance * 100)}%)")
    on = on or date.today()
    before = enrolment.status
    enrolment.status, enrolment.completed_on = "selesai", on
    session.flush()
    enrolment.certificate_code = certificate_code(enrolment.id)
    for months in FOLLOW_UP_MONTHS:
        session.add(TrainingFollowUp(enrolment=enrolment, months=months, due_on=add_months(on, months)))
    on_training_completed(session, enrolment)
    record_row(session, actor, "complete", enrolment, status=[before, "selesai"], attended=attended, sessions=total)
    return enrolment


# Words in a training's topic that name a skill of the skills registry (models/resources.SKILLS).
_TOPIC_SKILLS = (
    ("jahit", "menjahit"), ("tenun", "menenun"), ("batik", "menenun"), ("tani", "bertani_modern"),
    ("pertanian", "bertani_modern"), ("ikan", "nelayan"), ("nelayan", "nelayan"), ("tambak", "nelayan"),
    ("kerajinan", "kerajinan"), ("anyam", "kerajinan"), ("masak", "memasak"), ("olahan", "memasak"),
    ("kue", "memasak"), ("tukang", "pertukangan"), ("bengkel", "perbengkelan"), ("komputer", "komputer"),
    ("ternak", "beternak"), ("dagang", "berdagang"), ("pembukuan", "berdagang"), ("mengajar", "mengajar"),
)


def skill_for_topic(topic: str) -> str | None:
    """The skill code a training of this topic teaches, or None when the topic names none."""
    words = (topic or "").lower()
    return next((skill for stem, skill in _TOPIC_SKILLS if stem in words), None)


def on_training_completed(session: Session, enrolment: TrainingEnrolment) -> None:
    """The one place a completion reaches the rest of the registry: the skills registry learns it."""
    skill = skill_for_topic(enrolment.training.topic)
    if skill is not None:
        existing = session.scalar(select(PersonSkill).where(PersonSkill.person_id == enrolment.person_id,
                                                           PersonSkill.skill == skill))
        if existing is None:  # a skill already known (e.g. from a survey) is kept as it is
            added = PersonSkill(person_id=enrolment.person_id, skill=skill, level="dasar", source="pelatihan",
                                recorded_on=enrolment.completed_on,
                                notes=f"Lulus pelatihan: {enrolment.training.topic}"[:255])
            session.add(added)
            session.flush()
            record_row(session, "sistem", "skill_from_training", added, after=[skill, enrolment.training.topic])
    enrolment.skill_recorded = True


def record_follow_up(session: Session, follow_up: TrainingFollowUp, income, work_status: str, actor: str,
                     ) -> TrainingFollowUp:
    if work_status not in WORK_STATUSES:
        raise CapacityError(f"Status pekerjaan tidak dikenal: {work_status!r} (pilih {', '.join(WORK_STATUSES)})")
    try:
        amount = Decimal(str(income)) if income not in (None, "") else None
    except InvalidOperation:
        raise CapacityError(f"Penghasilan bukan angka: {income!r}") from None
    if amount is not None and amount < 0:
        raise CapacityError("Penghasilan tidak boleh negatif")
    before = [follow_up.monthly_income, follow_up.work_status]
    follow_up.monthly_income, follow_up.work_status, follow_up.answered_at = amount, work_status, utcnow()
    record_row(session, actor, "follow_up", follow_up, before=before, after=[amount, work_status])
    return follow_up


def due_follow_ups(session: Session, today: date | None = None) -> list[TrainingFollowUp]:
    """Unanswered surveys whose due date has come, oldest first."""
    today = today or date.today()
    return list(session.scalars(select(TrainingFollowUp).where(
        TrainingFollowUp.answered_at.is_(None), TrainingFollowUp.due_on <= today).order_by(TrainingFollowUp.due_on)))


def attach_attendance_sheet(session: Session, training_session: TrainingSession, data: bytes, actor: str) -> str:
    """Keep the photo of a signed paper attendance sheet for one session (images only, size-limited)."""
    from services.registry.capacity.uploads import save_image

    path = save_image(data, "trainings", f"sesi-{training_session.id}")
    before = training_session.attendance_sheet
    training_session.attendance_sheet = path
    record_row(session, actor, "attendance_sheet", training_session, attendance_sheet=[before, path])
    return path
