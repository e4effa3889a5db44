"""Shared helpers for the admin and reports: programme visibility per organisation, recipient batches."""
from __future__ import annotations

from sqlalchemy import select, update

from services.registry.audiences import programme_recipient_batches
from services.registry.demo.seed import seed_demo
from services.registry.identity import check_nik
from services.registry.models import Enrolment, Organisation, Programme
from services.registry.queries import visible_programme_ids


def _by_name(session, model, **lookup):
    return session.execute(select(model).filter_by(**lookup)).scalar_one()


def test_partners_see_exactly_the_programmes_they_fund_or_run(session):
    seed_demo(session)
    blt = _by_name(session, Programme, code="BLT-DD-2026").id
    sembako = _by_name(session, Programme, code="SEMBAKO-CSR-2026").id
    ids = {name: _by_name(session, Organisation, name=name).id
           for name in ("Pemerintah Desa Kamal", "Yayasan Madura Sejahtera", "PT Garam Bangkalan Lestari")}
    assert visible_programme_ids(session, ids["Yayasan Madura Sejahtera"]) == {blt}
    assert visible_programme_ids(session, ids["PT Garam Bangkalan Lestari"]) == {sembako}
    assert visible_programme_ids(session, ids["Pemerintah Desa Kamal"]) == {blt}
    assert visible_programme_ids(session, None) == set()


def test_recipient_batches_cover_active_enrolments_once_with_name_phone_and_programme(session):
    seed_demo(session)
    blt = _by_name(session, Programme, code="BLT-DD-2026")
    stopped = session.execute(select(Enrolment).where(Enrolment.programme_id == blt.id)).scalars().first()
    session.execute(update(Enrolment).where(Enrolment.id == stopped.id).values(status="berhenti"))
    session.execute(update(Enrolment).where(Enrolment.programme_id == blt.id).values(recipient_id=None)
                    .where(Enrolment.id != stopped.id, Enrolment.id % 2 == 0))  # half fall back to the head
    session.commit()
    batches = list(programme_recipient_batches(session, blt.id, batch_size=25))
    assert [len(b) for b in batches] == [25, 25, 9]
    recipients = [r for batch in batches for r in batch]
    keys = [r["recipient_key"] for r in recipients]
    assert len(set(keys)) == 59 and f"enrolment-{stopped.id}" not in keys
    assert all(r["phone"].startswith("+628") for r in recipients)  # heads always have a phone in the demo
    assert all(r["vars"]["program"] == "BLT Dana Desa 2026" and r["vars"]["nama"] for r in recipients)


def test_seeded_people_pass_their_own_validation(session):
    seed_demo(session)
    programme = _by_name(session, Programme, code="SEMBAKO-CSR-2026")
    for enrolment in programme.enrolments:
        for person in enrolment.household.members:
            assert check_nik(person.nik, person.sex, person.birth_date) == person.birth_date
