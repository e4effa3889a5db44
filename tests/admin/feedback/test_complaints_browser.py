"""Complaint screens in real headless Chromium with CSRF on: staff entry, the step form, the overdue view."""
from __future__ import annotations

from selenium.webdriver.common.by import By
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.models import Complaint
from tests.helpers.browser import Screenshots, log_in, needs_chromium, waiting

pytestmark = needs_chromium
shot = Screenshots("admin")


def test_complaint_screens_in_chromium(served_admin, browser):
    app, base = served_admin
    log_in(browser, base, "operator")
    browser.get(f"{base}/complaints/add")
    browser.find_element(By.NAME, "category").send_keys("Bantuan dipotong")
    browser.find_element(By.NAME, "body").send_keys("Disampaikan di musyawarah: BLT dipotong Rp50.000")
    browser.find_element(By.NAME, "location").send_keys("Dusun Krajan RT 001")
    shot(browser, "complaint-add-operator.png")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit], form input[type=submit]").click()
    waiting(browser, 30).until(lambda d: "/complaints/add" not in d.current_url)
    with Session(app.extensions["database"].engine) as session:
        complaint = session.scalars(select(Complaint)).one()
    assert complaint.category == "dipotong" and complaint.recorded_by == "operator"

    browser.get(f"{base}/complaints/list/")
    assert complaint.tracking_code in browser.page_source and "Diteruskan paling lambat" in browser.page_source
    shot(browser, "complaints-list-operator.png")
    browser.get(f"{base}/complaints/show/{complaint.id}")
    browser.find_element(By.ID, "note").send_keys("Kasi Kesejahteraan Sosial")
    browser.find_element(By.CSS_SELECTOR, "#complaint-step button").click()
    waiting(browser, 30).until(lambda d: "diteruskan" in d.page_source)
    shot(browser, "complaint-show-operator.png")
    with Session(app.extensions["database"].engine) as session:
        assert session.get(Complaint, complaint.id).forwarded_to == "Kasi Kesejahteraan Sosial"
    browser.get(f"{base}/complaints/overdue")
    assert "Tidak ada pengaduan yang terlambat" in browser.page_source
