"""Real headless Chromium against a served admin: log in, look at the lists, keep screenshots."""
from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.privacy import mask_nik
from services.registry.cli.demo.roster import roster_rows, write_roster
from services.registry.models import Enrolment, Person, Programme
from tests.admin.stack import queued_tasks
from tests.helpers.browser import Screenshots, log_in, needs_chromium, waiting

pytestmark = needs_chromium
shot = Screenshots("admin")


def test_screens_in_chromium(served_admin, browser):
    app, base = served_admin
    with Session(app.extensions["database"].engine) as session:
        blt_recipient = session.scalars(
            select(Person).join(Enrolment, Enrolment.recipient_id == Person.id).join(Programme)
            .where(Programme.code == "BLT-DD-2026")).first()
        sembako_name = session.scalars(select(Programme.name).where(Programme.code == "SEMBAKO-CSR-2026")).one()

    log_in(browser, base, "operator")
    browser.get(f"{base}/households/list/")
    waiting(browser, 30).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "table")))
    assert "Daftar Keluarga" in browser.page_source
    assert len(browser.find_elements(By.CSS_SELECTOR, "table tbody tr")) >= 20
    shot(browser, "households-operator.png")

    log_in(browser, base, "mitra_lsm")
    browser.get(f"{base}/recipients/list/")
    waiting(browser, 30).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "table")))
    source = browser.page_source
    assert mask_nik(blt_recipient.nik) in source and blt_recipient.nik not in source
    assert sembako_name not in source
    shot(browser, "recipients-mitra_lsm.png")
    browser.get(f"{base}/households/list/")
    assert "Daftar Keluarga" not in browser.page_source and "Akses ditolak" in browser.page_source
    shot(browser, "households-mitra_lsm-refused.png")
    assert (shot.folder / "recipients-mitra_lsm.png").stat().st_size > 10_000


def test_operator_forms_work_with_csrf_in_chromium(served_admin, browser, tmp_var, tmp_path):
    app, base = served_admin
    roster = write_roster(tmp_path / "roster.csv", roster_rows(3, 1, seed=21))
    log_in(browser, base, "operator")
    browser.get(f"{base}/imports/upload")
    browser.find_element(By.NAME, "roster").send_keys(str(roster))
    browser.find_element(By.ID, "upload-roster").click()
    waiting(browser, 30).until(lambda d: "/imports/" in d.current_url and d.current_url[-1].isdigit())
    assert browser.find_element(By.ID, "import-progress").is_displayed()
    shot(browser, "import-waiting-operator.png")
    browser.get(f"{base}/campaigns/new")
    browser.find_element(By.ID, "send-campaign").click()
    waiting(browser, 30).until(lambda d: d.find_elements(By.ID, "count-queued"))
    assert browser.find_element(By.ID, "count-sent").text == "0"
    shot(browser, "campaign-operator.png")
    names = [name for name, _ in queued_tasks("filesystem://", tmp_var, "registry")]
    names += [name for name, _ in queued_tasks("filesystem://", tmp_var, "notifications")]
    assert names == ["registry.import_roster", "notifications.send_batch"]


def test_the_admin_pages_satisfy_their_own_content_security_policy(served_admin, browser):
    """Chromium reports every CSP violation in its console: none on the screens staff use."""
    _app, base = served_admin
    log_in(browser, base, "admin")
    browser.get_log("browser")  # drop what the login page logged
    pages = ["/", "/households/list/", "/persons/list/", "/programmes/list/", "/recipients/list/",
             "/imports/", "/users/list/", "/audit/list/"]
    violations = []
    for page in pages:
        browser.get(f"{base}{page}")
        waiting(browser, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
        violations += [(page, entry["message"]) for entry in browser.get_log("browser")
                       if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]]
    assert violations == []
