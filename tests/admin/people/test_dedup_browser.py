"""Kasus data ganda and Siapa Dapat Apa in real headless Chromium (CSRF on), with screenshots."""
from __future__ import annotations

from selenium.webdriver.common.by import By
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.privacy import mask_nik
from services.registry.models import AuditEntry, DedupCluster, Enrolment, Person, Programme
from tests.admin.people.dedup_cases import add_cases
from tests.helpers.browser import Screenshots, log_in, needs_chromium

pytestmark = needs_chromium
shot = Screenshots("dedup")


def test_operator_reviews_and_dismisses_a_case(served_admin, browser):
    app, base = served_admin
    engine = app.extensions["database"].engine
    cases = add_cases(engine, 0)
    log_in(browser, base, "operator")
    browser.get(f"{base}/dedup/")
    assert browser.find_element(By.ID, "dedup-total").text == "2"
    shot(browser, "cases-operator.png")
    browser.get(f"{base}/dedup/{cases['nik']}")
    niks = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#case-members td.member-nik")]
    assert len(niks) == 2 and niks[0] == niks[1]
    shot(browser, "case-side-by-side-operator.png")
    browser.get(f"{base}/dedup/{cases['name']}")
    browser.find_element(By.ID, "dismiss-reason").send_keys("Dua orang berbeda, dicek ke rumah")
    browser.find_element(By.ID, "do-dismiss").click()
    assert "Bukan orang yang sama" in browser.find_element(By.ID, "case-status").text
    shot(browser, "case-dismissed-operator.png")
    with Session(engine) as session:
        assert session.get(DedupCluster, cases["name"]).status == "bukan_duplikat"
        assert session.scalars(select(AuditEntry.actor).where(AuditEntry.action == "dedup_dismiss")).all() == [
            "operator"]


def test_who_gets_what_operator_versus_partner(served_admin, browser):
    app, base = served_admin
    with Session(app.extensions["database"].engine) as session:
        person = session.scalars(select(Person).join(Enrolment, Enrolment.recipient_id == Person.id)
                                 .join(Programme).where(Programme.code == "BLT-DD-2026").order_by(Person.id)).first()
    log_in(browser, base, "operator")
    browser.get(f"{base}/who-gets-what/")
    browser.find_element(By.ID, "who-q").send_keys(person.nik)
    browser.find_element(By.ID, "who-search").click()
    result = browser.find_element(By.ID, "who-result").text
    assert person.nik in result and "BLT-DD-2026" in result
    shot(browser, "who-gets-what-operator.png")
    log_in(browser, base, "mitra_lsm")
    browser.get(f"{base}/who-gets-what/?q={person.nik}")
    result = browser.find_element(By.ID, "who-result").text
    assert mask_nik(person.nik) in result and person.nik not in result and "BLT-DD-2026" in result
    shot(browser, "who-gets-what-mitra_lsm.png")
    assert (shot.folder / "who-gets-what-mitra_lsm.png").stat().st_size > 10_000
