"""Campaign audiences on the registry side: cycle unpaid, dusun/RT, welfare band, hand-made list."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from services.registry.core.areas import read_codes, upsert
from services.registry.models import Area, Cycle, Entitlement, Household, HouseholdWelfare, Person, Programme
from services.registry.outreach.audiences import AUDIENCE_VARIABLES, AudienceError, audience_batches, count_audience


def _village(session):
    households = []
    for n, (dusun, rt, band) in enumerate([("Kamal Barat", "001", "miskin"), ("Kamal Barat", "002", "rentan"),
                                           ("Kamal Timur", "001", "miskin")]):
        household = Household(no_kk=f"35260101010100{n:02d}", dusun=dusun, rt=rt)
        head = Person(household=household, nik=f"35260141018000{n:02d}", name=f"Kepala {n}", sex="L",
                      birth_date=date(1980, 1, 1), relationship_to_head="KEPALA KELUARGA", phone=f"+62812000000{n:02d}")
        session.add_all([household, head, HouseholdWelfare(household=household, band=band)])
        households.append(household)
    programme = Programme(code="BLT-UJI", name="BLT Uji", kind="tunai")
    cycle = Cycle(programme=programme, name="Januari 2026", status="disetujui")
    session.add_all([programme, cycle])
    session.flush()
    for household, status in zip(households, ["menunggu", "dibayar", "menunggu"], strict=True):
        session.add(Entitlement(cycle_id=cycle.id, programme_id=programme.id, household_id=household.id,
                                amount=Decimal("300000"), status=status))
    session.commit()
    return households, cycle


def _all(session, audience, params):
    return [r for batch in audience_batches(session, audience, params, batch_size=1) for r in batch]


def test_cycle_unpaid_only_waiting_entitlements(session):
    households, cycle = _village(session)
    params = {"cycle_id": cycle.id}
    recipients = _all(session, "cycle_unpaid", params)
    assert count_audience(session, "cycle_unpaid", params) == len(recipients) == 2
    assert {r["phone"] for r in recipients} == {"+6281200000000", "+6281200000002"}
    assert recipients[0]["vars"]["siklus"] == "Januari 2026" and recipients[0]["vars"]["jumlah"] == "300000.00"
    assert set(recipients[0]["vars"]) == AUDIENCE_VARIABLES["cycle_unpaid"]


def test_area_and_welfare_band(session):
    households, _ = _village(session)
    desa = households[0].area_id
    barat = _all(session, "area", {"area_id": desa, "dusun": "Kamal Barat"})
    assert [r["recipient_key"] for r in barat] == [f"household-{h.id}" for h in households[:2]]
    assert len(_all(session, "area", {"area_id": desa, "dusun": "Kamal Barat", "rt": "002"})) == 1
    miskin = _all(session, "welfare_band", {"band": "miskin"})
    assert count_audience(session, "welfare_band", {"band": "miskin"}) == len(miskin) == 2
    assert miskin[0]["vars"] == {"nama": "Kepala 0", "dusun": "Kamal Barat", "rt": "001"}


def test_a_dusun_audience_names_its_desa_and_never_reaches_the_same_dusun_of_another(session):
    upsert(session, read_codes("kode,nama\n35,JAWA TIMUR\n35.26,KABUPATEN BANGKALAN\n35.26.04,KAMAL\n"
                               "35.26.04.2001,KAMAL\n35.26.04.2005,GILI ANYAR\n"))
    kamal, gili = (session.scalar(select(Area.id).where(Area.code == c)) for c in ("35.26.04.2001", "35.26.04.2005"))
    for n, area in enumerate((kamal, kamal, gili)):
        household = Household(no_kk=f"35260101010200{n:02d}", dusun="Pesisir", rt="001", area_id=area)
        session.add_all([household, Person(household=household, nik=f"35260141018100{n:02d}", name=f"Warga {n}",
                                           sex="P", birth_date=date(1980, 1, 1), phone=f"+62812100000{n:02d}",
                                           relationship_to_head="KEPALA KELUARGA"),
                         HouseholdWelfare(household=household, band="miskin")])
    session.commit()
    assert count_audience(session, "area", {"area_id": kamal, "dusun": "Pesisir"}) == 2
    assert [r["phone"] for r in _all(session, "area", {"area_id": gili, "dusun": "Pesisir"})] == ["+6281210000002"]
    assert count_audience(session, "welfare_band", {"area_id": gili, "band": "miskin"}) == 1
    with pytest.raises(AudienceError, match="Pilih desa"):
        count_audience(session, "area", {"dusun": "Pesisir"})


def test_manual_list_of_phones_and_niks(session):
    _village(session)
    entries = "3526014101800001\n0812 9999 0000; 3526014101800001, 9999999999999999"
    recipients = _all(session, "manual", {"entries": entries})
    assert count_audience(session, "manual", {"entries": entries}) == 3
    assert recipients[0]["phone"] == "+6281200000001" and recipients[0]["recipient_key"].startswith("person-")
    assert recipients[1] == {"recipient_key": "phone-0812 9999 0000", "phone": "0812 9999 0000", "vars": {"nama": ""}}
    assert recipients[2]["phone"] is None  # unknown NIK: reported as skipped by notifications


def test_training_participants_with_schedule(session):
    from services.registry.models import Training, TrainingEnrolment, TrainingSession

    households, _ = _village(session)
    people = session.query(Person).order_by(Person.id).all()
    training = Training(topic="Menjahit", capacity=10, status="berjalan")
    other = Training(topic="Beternak", capacity=10)
    session.add_all([training, other])
    session.flush()
    session.add_all([TrainingSession(training_id=training.id, held_on=date(2026, 12, 3), place="Balai Desa"),
                     TrainingSession(training_id=training.id, held_on=date(2026, 12, 1), place="Posyandu")])
    enrolments = [TrainingEnrolment(training_id=training.id, person_id=people[0].id, status="terdaftar"),
                  TrainingEnrolment(training_id=training.id, person_id=people[1].id, status="keluar"),
                  TrainingEnrolment(training_id=training.id, person_id=people[2].id, status="selesai"),
                  TrainingEnrolment(training_id=other.id, person_id=people[1].id, status="diundang")]
    session.add_all(enrolments)
    session.commit()
    params = {"training_id": training.id}
    recipients = _all(session, "training", params)
    # The one who left ("keluar") and the other training's participant are not in the audience.
    assert count_audience(session, "training", params) == len(recipients) == 2
    assert [r["recipient_key"] for r in recipients] == [f"training-enrolment-{enrolments[0].id}",
                                                       f"training-enrolment-{enrolments[2].id}"]
    assert recipients[0]["phone"] == people[0].phone
    assert recipients[0]["vars"] == {"nama": "Kepala 0", "pelatihan": "Menjahit",
                                     "jadwal": "01-12-2026 Posyandu, 03-12-2026 Balai Desa"}
    assert set(recipients[0]["vars"]) == AUDIENCE_VARIABLES["training"]
    assert count_audience(session, "training", {"training_id": 999999}) == 0 and not _all(
        session, "training", {"training_id": 999999})
