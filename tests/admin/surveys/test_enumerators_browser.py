"""Real Chromium over Registri > Pencacah (ODK Collect): an operator adds an enumerator through the form
(CSRF on), the list shows it, and no password hash or HA1 reaches the page."""
from __future__ import annotations

from selenium.webdriver.common.by import By
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from services.registry.models import Enumerator
from tests.helpers.browser import Screenshots, log_in, needs_chromium, waiting

pytestmark = needs_chromium
shot = Screenshots("admin")


def test_operator_adds_an_enumerator_in_chromium(served_admin, browser, tmp_var):
    _, base = served_admin
    log_in(browser, base, "operator")
    browser.get(f"{base}/enumerators/add")
    browser.find_element(By.NAME, "username").send_keys("pencacah-rt3")
    browser.find_element(By.NAME, "full_name").send_keys("Siti Aminah")
    # The browser itself refuses a short password (minlength); the server's own check is in test_enumerators.py.
    assert browser.find_element(By.NAME, "password").get_attribute("minlength") == "8"
    browser.find_element(By.NAME, "password").send_keys("sandi-lapangan-3")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit], form input[type=submit]").click()
    waiting(browser, 30).until(lambda d: "/enumerators/add" not in d.current_url)
    browser.get(f"{base}/enumerators/list/")
    page = browser.page_source
    row = next(r.text for r in browser.find_elements(By.CSS_SELECTOR, "table tbody tr") if "pencacah-rt3" in r.text)
    assert "Siti Aminah" in row and row.rstrip().endswith("ya")  # Digest login ready: HA1 stored with the hash
    engine = create_engine(f"sqlite:///{tmp_var / 'registry.db'}")
    with Session(engine) as session:
        made = session.scalars(select(Enumerator).where(Enumerator.username == "pencacah-rt3")).one()
        assert made.digest_ha1 and made.digest_ha1 not in page and made.password_hash not in page
    engine.dispose()
    shot(browser, "enumerators-operator.png")
