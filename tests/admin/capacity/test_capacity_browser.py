"""Capacity journeys (trainings, capital, partners) in real headless Chromium, screenshots in test-artifacts/capacity/:
organise a training, invite, take attendance on a phone-sized screen, certify and verify on the public
page; grant capital and record a follow-up visit; a partner logs in and sees only its own."""
from __future__ import annotations

from datetime import date

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.app import create_app as create_registry_app
from services.registry.models import CapitalGrant, Household, Programme, Training, TrainingEnrolment, TrainingSession
from tests.helpers.browser import Screenshots, log_in, needs_chromium, waiting
from tests.helpers.servers import ServedApp

pytestmark = needs_chromium
shot = Screenshots("capacity")


def wait_for(driver, css):
    return waiting(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, css))[0]


@pytest.fixture
def served_registry(served_admin):
    app, _ = served_admin
    registry = create_registry_app({"TESTING": True, "DATABASE_URL": str(app.extensions["database"].engine.url)})
    with ServedApp(registry) as served:
        yield served.url
    registry.extensions["database"].engine.dispose()


def test_training_journey_to_a_verified_certificate(served_admin, served_registry, browser):
    app, base = served_admin
    engine = app.extensions["database"].engine
    log_in(browser, base, "operator")
    browser.get(f"{base}/trainings/add")
    browser.find_element(By.NAME, "topic").send_keys("Menjahit busana muslim")
    browser.find_element(By.NAME, "capacity").clear()
    browser.find_element(By.NAME, "capacity").send_keys("4")
    browser.find_element(By.NAME, "rule_text").send_keys('{"sex": "P", "programme_code": "BLT-DD-2026"}')
    browser.execute_script("document.querySelector('form').submit()")
    waiting(browser, 30).until(lambda d: "/trainings/add" not in d.current_url)
    with Session(engine, expire_on_commit=False) as session:
        training = session.scalars(select(Training).where(Training.topic == "Menjahit busana muslim")).one()
        assert training.target_rule == {"sex": "P", "programme_code": "BLT-DD-2026"}
        session.add(TrainingSession(training_id=training.id, held_on=date(2026, 12, 1), place="Balai Desa Kamal"))
        session.commit()

    browser.get(f"{base}/training-work/{training.id}/invite")
    wait_for(browser, "#send-invitations")
    shot(browser, "training-invite-operator.png")
    browser.find_element(By.ID, "send-invitations").click()
    wait_for(browser, "#participants")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#participants .status")) == 4  # capacity 4

    browser.set_window_size(412, 915)  # a phone in the field
    browser.find_element(By.CSS_SELECTOR, ".attendance-link").click()
    boxes = browser.find_elements(By.CSS_SELECTOR, "input[name=present]")
    assert len(boxes) == 4 and boxes[0].size["height"] >= 30  # big touch targets
    for box in boxes[:3]:
        box.click()
    shot(browser, "training-attendance-phone.png")
    browser.find_element(By.ID, "save-attendance").click()
    assert "3 hadir" in wait_for(browser, ".alert").text
    browser.set_window_size(1366, 900)

    browser.get(f"{base}/training-work/{training.id}/")
    browser.find_elements(By.CSS_SELECTOR, ".complete-button")[0].click()
    wait_for(browser, ".certificate-link")
    shot(browser, "training-certified-operator.png")
    with Session(engine) as session:
        done = session.scalars(select(TrainingEnrolment).where(TrainingEnrolment.training_id == training.id,
                                                               TrainingEnrolment.status == "selesai")).one()
        code, full_name, nik = done.certificate_code, done.person.name, done.person.nik

    browser.get(f"{served_registry}/public/certificates/{code}")
    assert "SERTIFIKAT SAH" in wait_for(browser, "#hasil").text
    assert browser.find_element(By.ID, "pelatihan").text == "Menjahit busana muslim"
    source = browser.page_source
    assert nik not in source and (full_name not in source or len(full_name.split()) == 1)
    shot(browser, "certificate-verified-public.png")
    browser.get(f"{served_registry}/public/certificates/{code[:-2]}00")
    assert "TIDAK DITEMUKAN" in wait_for(browser, "#hasil").text


def test_capital_grant_and_follow_up_then_partner_sees_only_its_own(served_admin, browser):
    app, base = served_admin
    engine = app.extensions["database"].engine
    with Session(engine, expire_on_commit=False) as session:
        household = session.scalars(select(Household).order_by(Household.id)).first()
        sembako = session.scalars(select(Programme).where(Programme.code == "SEMBAKO-CSR-2026")).one()
        blt = session.scalars(select(Programme).where(Programme.code == "BLT-DD-2026")).one()
        grant = CapitalGrant(kind="hibah", household_id=household.id, business="Ternak kambing",
                             amount_requested=3000000, status="usulan")
        session.add_all([grant, Training(topic="Budidaya lele CSR", programme_id=sembako.id, capacity=10),
                         Training(topic="Pembukuan warung LSM", programme_id=blt.id, capacity=10)])
        session.commit()

    log_in(browser, base, "operator")
    browser.get(f"{base}/capital-work/{grant.id}/")
    browser.find_element(By.ID, "assessment").send_keys("Kandang siap, pengalaman 5 tahun")
    browser.find_element(By.ID, "do-assess").click()
    assert wait_for(browser, "#grant-status").text == "dinilai"
    log_in(browser, base, "admin")
    browser.get(f"{base}/capital-work/{grant.id}/")
    browser.find_element(By.ID, "do-approve").click()
    Select(wait_for(browser, "#channel")).select_by_value("tunai")
    browser.find_element(By.ID, "disburse-location").send_keys("Balai Desa Kamal")
    browser.find_element(By.ID, "handed-over-by").send_keys("Bu Rina")
    browser.find_element(By.ID, "do-disburse").click()
    Select(wait_for(browser, "#business_status")).select_by_value("berkembang")
    browser.find_element(By.ID, "visit-income").send_keys("1750000")
    browser.find_element(By.ID, "do-visit").click()
    # The visit form reloads the page: wait for the new page's text, not for the old element.
    settled = waiting(browser, 30)
    settled.until(lambda d: "berkembang" in d.find_element(By.ID, "visits").text)
    assert settled.until(lambda d: d.find_element(By.ID, "grant-status").text) == "dicairkan"
    shot(browser, "capital-follow-up-admin.png")
    browser.get(f"{base}/capital-work/household/{household.id}/pathway")
    assert "Ternak kambing" in wait_for(browser, "#path-capital").text
    assert "Rp1.750.000" in browser.find_element(By.ID, "path-income").text
    shot(browser, "household-pathway.png")

    log_in(browser, base, "mitra_lsm")
    browser.get(f"{base}/")
    text = wait_for(browser, "#partner-trainings").text
    assert "Pembukuan warung LSM" in text and "Budidaya lele CSR" not in text
    assert "Sembako" not in browser.find_element(By.ID, "partner-programmes").text
    shot(browser, "partner-dashboard-mitra_lsm.png")


def test_capacity_pages_satisfy_the_content_security_policy(served_admin, browser):
    _app, base = served_admin
    log_in(browser, base, "admin")
    browser.get_log("browser")
    pages = ["/trainings/list/", "/trainings/add", "/mitra/", "/capital/list/", "/capital/add", "/meetings/list/",
             "/meeting-work/overdue", "/training-follow-ups/list/", "/organisations/list/",
             "/funding-applications/list/", "/business-groups/list/", "/programme-proposals/list/"]
    violations = []
    for page in pages:
        browser.get(f"{base}{page}")
        waiting(browser, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
        assert "Akses ditolak" not in browser.page_source, page
        violations += [(page, entry["message"]) for entry in browser.get_log("browser")
                       if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]
                       or "SEVERE" == entry.get("level")]
    assert violations == []
