"""Partners see only their own programmes' recipients, and never a full NIK."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from services.common.privacy import mask_nik
from services.registry.models import Enrolment, Household, Person, Programme
from tests.admin.stack import login
from tests.helpers.builders import programme

BLT, SEMBAKO = "BLT-DD-2026", "SEMBAKO-CSR-2026"
PARTNERS = {"mitra_lsm": BLT, "mitra_csr": SEMBAKO}


def shown_ids(page: str, route: str) -> set[int]:
    """Primary keys of the rows a list page links to."""
    return {int(pk) for pk in re.findall(rf"/{route}/show/(\d+)", page)}


def enrolment_ids(db, code: str) -> list[int]:
    return list(db.scalars(select(Enrolment.id).join(Programme).where(Programme.code == code)))


def all_niks(db) -> set[str]:
    return set(db.scalars(select(Person.nik)))


def all_kks(db) -> set[str]:
    return set(db.scalars(select(Household.no_kk)))


def test_mitra_lsm_lists_only_blt_recipients(client, db):
    login(client, "mitra_lsm")
    page = client.get("/recipients/list/?psize_RecipientView=100").data.decode()
    blt_name, sembako_name = programme(db, BLT).name, programme(db, SEMBAKO).name
    assert shown_ids(page, "recipients") == set(enrolment_ids(db, BLT))
    assert blt_name in page and sembako_name not in page


@pytest.mark.parametrize(("partner", "own"), PARTNERS.items())
def test_partner_gets_404_for_other_programme_and_its_enrolments(client, db, partner, own):
    other = SEMBAKO if own == BLT else BLT
    login(client, partner)
    assert client.get(f"/programmes/show/{programme(db, other).id}").status_code == 404
    assert client.get(f"/programmes/show/{programme(db, own).id}").status_code == 200
    foreign = enrolment_ids(db, other)
    assert all(client.get(f"/recipients/show/{pk}").status_code == 404 for pk in foreign[:5])
    assert client.get(f"/recipients/show/{enrolment_ids(db, own)[0]}").status_code == 200
    listing = client.get("/programmes/list/").data.decode()
    assert programme(db, own).name in listing and programme(db, other).name not in listing


def test_partner_cannot_widen_scope_with_a_filter(client, db):
    login(client, "mitra_lsm")
    sembako = programme(db, SEMBAKO)
    page = client.get(f"/recipients/list/?_flt_0_programme={sembako.id}&psize_RecipientView=100").data.decode()
    assert sembako.name not in page
    assert shown_ids(page, "recipients") & set(enrolment_ids(db, SEMBAKO)) == set()


def pages_a_partner_can_open(client, db, code: str) -> list[str]:
    own = programme(db, code)
    paths = ["/", "/recipients/list/?psize_RecipientView=100", "/programmes/list/", f"/programmes/show/{own.id}",
             "/recipients/list/?psize_RecipientView=100&page_RecipientView=1"]
    paths += [f"/recipients/show/{pk}" for pk in enrolment_ids(db, code)[:10]]
    return [client.get(path).data.decode() for path in paths]


@pytest.mark.parametrize(("partner", "own"), PARTNERS.items())
def test_no_full_nik_in_any_partner_page(client, db, partner, own):
    login(client, partner)
    niks = all_niks(db)
    pages = pages_a_partner_can_open(client, db, own)
    leaked = {nik for nik in niks for page in pages if nik in page}
    assert leaked == set()
    # The masked form is what they do see, for their own recipients.
    recipient = db.scalars(select(Person).join(Enrolment, Enrolment.recipient_id == Person.id)
                           .join(Programme).where(Programme.code == own)).first()
    assert mask_nik(recipient.nik) in pages[1]


@pytest.mark.parametrize(("partner", "own"), PARTNERS.items())
def test_no_full_kk_in_any_partner_page(client, db, partner, own):
    login(client, partner)
    pages = pages_a_partner_can_open(client, db, own)
    assert {kk for kk in all_kks(db) for page in pages if kk in page} == set()


def test_operator_and_auditor_see_full_nik(client, db):
    enrolment = db.scalars(select(Enrolment).where(Enrolment.recipient_id.is_not(None)).order_by(Enrolment.id)).first()
    nik = db.get(Person, enrolment.recipient_id).nik
    for username in ("operator", "auditor"):
        login(client, username)
        assert nik in client.get(f"/recipients/show/{enrolment.id}").data.decode()


def test_person_search_by_nik_name_and_kk(client, db):
    person = db.scalars(select(Person).order_by(Person.id)).first()
    login(client, "operator")
    by_nik = client.get(f"/persons/list/?_flt_0_nik={person.nik}").data.decode()
    assert person.name in by_nik and shown_ids(by_nik, "persons") == {person.id}
    by_name = client.get(f"/persons/list/?_flt_0_name={person.name}").data.decode()
    assert person.nik in by_name
    by_kk = client.get(f"/persons/list/?_flt_0_household={person.household_id}").data.decode()
    members = set(db.scalars(select(Person.id).where(Person.household_id == person.household_id)))
    assert shown_ids(by_kk, "persons") == members


def test_page_size_is_capped_at_100(client, db):
    login(client, "operator")
    assert len(all_niks(db)) > 100
    page = client.get("/persons/list/?psize_PersonView=5000").data.decode()
    assert len(shown_ids(page, "persons")) == 100
