"""A dedup merge carries everything along (SQLite and PostgreSQL): person-level rows follow the kept person,
a household left empty merges into the kept household with its survey history, and unique-constraint
clashes are resolved by rule and reported, never raised."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from services.registry.models import (
    AuditEntry,
    BankAccount,
    Base,
    BusinessGroup,
    BusinessGroupMember,
    CapitalGrant,
    Complaint,
    Cycle,
    DedupCluster,
    DedupMember,
    Enrolment,
    Entitlement,
    Household,
    HouseholdWelfare,
    InboxMessage,
    PaymentBatch,
    PaymentItem,
    Person,
    PersonSkill,
    Programme,
    SurveyResponse,
    Training,
    TrainingAttendance,
    TrainingEnrolment,
    TrainingFollowUp,
    TrainingSession,
    VillageResource,
)
from services.registry.people.dedup.follow import HOUSEHOLD_LINKS, PERSON_LINKS
from services.registry.people.dedup.review import merge
from services.registry.surveys.responses import record_response
from services.registry.surveys.scoring import rescore
from tests.registry.surveys.survey_helpers import bps_answers, kk, setup_registry

BIRTH = date(1985, 4, 2)


def test_every_link_to_a_person_or_household_has_a_decision():
    """A new table with a foreign key to person/household must say here what a merge does with it."""
    links = {(t.name, fk.parent.name, fk.column.table.name)
             for t in Base.metadata.tables.values() for fk in t.foreign_keys
             if fk.column.table.name in ("person", "household")}
    assert {(t, c) for t, c, target in links if target == "person"} == set(PERSON_LINKS)
    assert {(t, c) for t, c, target in links if target == "household"} == set(HOUSEHOLD_LINKS)


def _person(session, household: Household, name: str, nik: str) -> Person:
    person = Person(household=household, name=name, sex="P", birth_date=BIRTH, nik=nik,
                    relationship_to_head="KEPALA KELUARGA")
    session.add(person)
    session.flush()
    return person


def _case(session, people: list[Person]) -> DedupCluster:
    case = DedupCluster(signature=f"uji-{people[0].id}", score=1.0, layers=["nik_sama"], size=len(people), members=[
        DedupMember(person_ref=p.id, household_id=p.household_id, nik=p.nik, no_kk=p.household.no_kk, name=p.name,
                    birth_date=p.birth_date) for p in people])
    session.add(case)
    session.commit()
    return case


def _at(month: int) -> datetime:
    return datetime(2026, month, 1, 3, 0, tzinfo=UTC)


def _village(session):
    """Kept person in household 1, her duplicate alone in household 2, with history on both."""
    (home, copy_home, _), bps, _ = setup_registry(session, 3)
    keep = _person(session, home, "Siti Aminah", "3526014404850001")
    copy = _person(session, copy_home, "Sitti Aminah", "3526014404850001")
    for household, month, yes in ((home, 1, 4), (copy_home, 2, 10), (copy_home, 6, 11)):  # copy_home: a follow-up
        record_response(session, instrument=bps, household=household, answers=bps_answers(yes), source="admin",
                        actor="uji", collected_at=_at(month))
    session.commit()
    rescore(session, "BPS14", actor="uji")
    return home, copy_home, keep, copy


def test_merge_moves_person_rows_and_the_emptied_household_with_its_survey_history(session):
    home, copy_home, keep, copy = _village(session)
    programme = Programme(code="BLT-DD", name="BLT Dana Desa", kind="tunai", benefit_amount=Decimal(300000))
    session.add(programme)
    session.flush()
    cycle = Cycle(programme_id=programme.id, name="Januari 2027", status="disetujui")
    sewing, farming = Training(topic="Menjahit"), Training(topic="Bertani modern")
    group = BusinessGroup(name="KUB Garam Kamal")
    session.add_all([cycle, sewing, farming, group])
    session.flush()
    lesson = TrainingSession(training_id=sewing.id, held_on=date(2026, 5, 1), place="Balai desa")
    session.add(lesson)
    session.flush()
    invited = TrainingEnrolment(training_id=sewing.id, person_id=keep.id, status="diundang")
    finished = TrainingEnrolment(training_id=sewing.id, person_id=copy.id, status="selesai",
                                 completed_on=date(2026, 5, 2), certificate_code="77-abc")
    session.add_all([
        invited, finished, TrainingEnrolment(training_id=farming.id, person_id=copy.id, status="terdaftar"),
        PersonSkill(person_id=keep.id, skill="menjahit", level="dasar"),
        PersonSkill(person_id=copy.id, skill="menjahit", level="mahir", source="pelatihan"),
        PersonSkill(person_id=copy.id, skill="memasak", level="menengah"),
        own_account := BankAccount(person_id=keep.id, bank_code="002", account_number="1234567890",
                                   holder_name="Siti Aminah"),
        copied_account := BankAccount(person_id=copy.id, bank_code="002", account_number="1234567890",
                                      holder_name="Sitti Aminah"),
        BankAccount(person_id=copy.id, bank_code="009", account_number="555000111", holder_name="Sitti Aminah"),
        BusinessGroupMember(group_id=group.id, person_id=keep.id, role="anggota"),
        BusinessGroupMember(group_id=group.id, person_id=copy.id, role="ketua"),
        Complaint(tracking_code="ADU-1", channel="sms", category="tidak_menerima", title="Belum terima",
                  body="...", person_id=copy.id, recorded_by="sms"),
        InboxMessage(source_key="sms-1", channel="sms", text="terima kasih", person_id=copy.id),
        Enrolment(programme_id=programme.id, household_id=copy_home.id, recipient_id=copy.id),
        entitlement := Entitlement(cycle_id=cycle.id, programme_id=programme.id, household_id=copy_home.id,
                                   recipient_id=copy.id, amount=Decimal(300000)),
        batch := PaymentBatch(cycle=cycle, reference="BATCH-1", created_by="uji"),
        CapitalGrant(kind="hibah", household_id=copy_home.id, business="Warung", amount_requested=Decimal(1000000)),
        VillageResource(kind="usaha_kecil", name="Warung Bu Siti", owner_household_id=copy_home.id),
    ])
    session.flush()
    session.add_all([TrainingAttendance(session_id=lesson.id, enrolment_id=finished.id, present=True),
                     TrainingFollowUp(enrolment_id=finished.id, months=3, due_on=date(2026, 8, 2)),
                     PaymentItem(batch_id=batch.id, entitlement_id=entitlement.id, bank_account_id=copied_account.id,
                                 end_to_end_id="E2E-1", amount=Decimal(300000))])
    session.commit()
    case = _case(session, [keep, copy])
    copy_home_id, copy_id = copy_home.id, copy.id

    merged = merge(session, case.id, keep.id, "operator", "orang yang sama")
    session.expire_all()

    assert session.get(Person, copy_id) is None and session.get(Household, copy_home_id) is None
    # every visit of both households is a response of the kept household, none overwritten
    visits = session.execute(select(SurveyResponse.collected_at, SurveyResponse.score)
                             .where(SurveyResponse.household_id == home.id).order_by(SurveyResponse.collected_at)).all()
    assert [(v.collected_at.month, float(v.score)) for v in visits] == [(1, 4), (2, 10), (6, 11)]
    welfare = session.get(HouseholdWelfare, home.id)
    assert float(welfare.score) == 11 and welfare.band == "miskin"  # from the latest visit, the follow-up
    assert session.get(HouseholdWelfare, copy_home_id) is None
    for model, column in ((Enrolment, "recipient_id"), (Entitlement, "recipient_id"), (Complaint, "person_id"),
                          (InboxMessage, "person_id")):
        assert session.execute(select(getattr(model, column))).scalars().all() == [keep.id]
    assert session.execute(select(Enrolment.household_id)).scalar_one() == home.id
    assert session.execute(select(Entitlement.household_id)).scalar_one() == home.id
    assert session.execute(select(CapitalGrant.household_id)).scalar_one() == home.id
    assert session.execute(select(VillageResource.owner_household_id)).scalar_one() == home.id
    # clashes resolved by rule: one skill at the higher level, one group membership with the senior role,
    # one account (the copy's removed), the finished training enrolment kept with its certificate
    assert {(s.skill, s.level) for s in session.scalars(select(PersonSkill))} == {("menjahit", "mahir"),
                                                                                  ("memasak", "menengah")}
    assert [(m.person_id, m.role) for m in session.scalars(select(BusinessGroupMember))] == [(keep.id, "ketua")]
    assert sorted((a.bank_code, a.person_id) for a in session.scalars(select(BankAccount))) == [
        ("002", keep.id), ("009", keep.id)]
    assert session.execute(select(PaymentItem.bank_account_id)).scalar_one() == own_account.id  # payment kept
    enrolments = session.scalars(select(TrainingEnrolment).order_by(TrainingEnrolment.training_id)).all()
    assert [(e.training_id, e.person_id, e.status) for e in enrolments] == [
        (sewing.id, keep.id, "selesai"), (farming.id, keep.id, "terdaftar")]
    assert enrolments[0].certificate_code == "77-abc" and [a.present for a in enrolments[0].attendance] == [True]
    assert [f.months for f in enrolments[0].follow_ups] == [3]

    entry = session.execute(select(AuditEntry).where(AuditEntry.action == "dedup_merge")).scalar_one()
    assert entry.details["repointed"]["survey_response.household_id"] == 2
    assert entry.details["households"] == [{"from_household_id": copy_home_id, "no_kk": kk(2),
                                            "into_household_id": home.id, "removed": True, "left_behind": 0}]
    conflicts = " | ".join(entry.details["conflicts"])
    assert "Keterampilan 'menjahit'" in conflicts and "Pelatihan" in conflicts and "Rekening 002 ...7890" in conflicts
    assert entry.details["conflicts"] == merged.merge_report.conflicts


def test_household_rows_that_would_clash_stay_on_the_kept_old_household_and_are_reported(session):
    home, copy_home, keep, copy = _village(session)
    programme = Programme(code="BLT-DD", name="BLT Dana Desa", kind="tunai", benefit_amount=Decimal(300000))
    session.add(programme)
    session.flush()
    cycle = Cycle(programme_id=programme.id, name="Januari 2027", status="disetujui")
    session.add(cycle)
    session.flush()
    for household, person in ((home, keep), (copy_home, copy)):  # both KKs received in the same cycle
        session.add(Enrolment(programme_id=programme.id, household_id=household.id, recipient_id=person.id))
        session.add(Entitlement(cycle_id=cycle.id, programme_id=programme.id, household_id=household.id,
                                recipient_id=person.id, amount=Decimal(300000)))
    session.commit()
    case = _case(session, [keep, copy])
    copy_home_id = copy_home.id

    merged = merge(session, case.id, keep.id, "operator")
    session.expire_all()

    kept_old = session.get(Household, copy_home_id)
    assert kept_old is not None and kept_old.members == []
    rows = session.execute(select(Entitlement.household_id, Entitlement.recipient_id).order_by(Entitlement.id)).all()
    assert [tuple(r) for r in rows] == [(home.id, keep.id), (copy_home_id, keep.id)]  # both visible as double receipt
    # the survey history moved anyway: no clash possible there
    assert session.execute(select(SurveyResponse.id).where(SurveyResponse.household_id == copy_home_id)).first() is None
    report = merged.merge_report
    assert report.households[0]["removed"] is False and report.households[0]["left_behind"] == 2
    assert any("Hak bantuan" in c and "penerimaan ganda" in c for c in report.conflicts)
    assert any(f"KK {kk(2)} dipertahankan" in c for c in report.conflicts)
    assert session.get(DedupCluster, case.id).status == "digabung"


def test_merge_within_one_household_moves_no_household_rows(session):
    (home, _, _), bps, _ = setup_registry(session, 3)
    keep = _person(session, home, "Moh. Rofi'i", "3526010404850002")
    copy = _person(session, home, "Mohammad Rofii", "3526010404850003")
    record_response(session, instrument=bps, household=home, answers=bps_answers(9), source="admin", actor="uji")
    session.add(PersonSkill(person_id=copy.id, skill="nelayan", level="mahir"))
    session.commit()
    merged = merge(session, _case(session, [keep, copy]).id, keep.id, "operator")
    session.expire_all()
    assert merged.merge_report.households == [] and merged.merge_report.conflicts == []
    assert session.execute(select(PersonSkill.person_id)).scalar_one() == keep.id
    assert session.execute(select(SurveyResponse.household_id)).scalar_one() == home.id
