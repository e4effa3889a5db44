"""Survey entry in real headless Chromium: keyboard only (type y/t, Tab, Enter), then the household's welfare."""
from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.models import Household, HouseholdWelfare, SurveyResponse
from tests.helpers.browser import Screenshots, log_in, needs_chromium, waiting

pytestmark = needs_chromium
shot = Screenshots("admin")


def test_keyboard_survey_entry_in_chromium(served_admin, browser):
    app, base = served_admin
    engine = app.extensions["database"].engine
    with Session(engine) as session:
        household = session.scalars(select(Household).where(Household.id.not_in(select(SurveyResponse.household_id)))
                                    .order_by(Household.id)).first()
    log_in(browser, base, "operator")
    browser.get(f"{base}/surveys/")
    browser.find_element(By.ID, "kk").send_keys(household.no_kk)
    Select(browser.find_element(By.ID, "find-instrument")).select_by_value("BPS14")
    browser.find_element(By.ID, "find-household").click()
    waiting(browser, 30).until(lambda d: d.find_elements(By.ID, "survey-form"))
    assert household.no_kk in browser.page_source
    # The first question has the focus: 10 criteria met, 4 not, with the keyboard only.
    keys = []
    for answer in ["y"] * 10 + ["t"] * 4:
        keys += [answer, Keys.TAB]
    browser.switch_to.active_element.send_keys(*keys[:-1])
    shot(browser, "survey-entry-operator.png")
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    waiting(browser, 30).until(lambda d: f"/surveys/entry/{household.id}" not in d.current_url)
    assert "tersimpan (skor 10)" in browser.page_source  # and the next household's form is open
    with Session(engine) as session:
        response = session.scalars(select(SurveyResponse).where(SurveyResponse.household_id == household.id)).one()
        welfare = session.get(HouseholdWelfare, household.id)
        assert (float(response.score), response.source, welfare.band) == (10, "admin", "miskin")
    browser.get(f"{base}/surveys/household/{household.id}")
    assert browser.find_element(By.ID, "welfare-band").text == "Miskin"
    assert browser.find_element(By.ID, "welfare-rank").text == str(welfare.rank)
    criteria = browser.find_elements(By.CSS_SELECTOR, "#welfare-criteria li")
    assert len(criteria) == 10 and "Luas lantai" in criteria[0].text
    shot(browser, "survey-household-welfare.png")
    assert (shot.folder / "survey-household-welfare.png").stat().st_size > 10_000
