"""The map in real headless Chromium: Leaflet from the project draws the dusun polygons and one circle
marker per household for staff, filters redraw them, partners get the polygons only. Screenshots kept."""
from __future__ import annotations

from selenium.webdriver.support.ui import Select
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.registry.core.models.areas import default_desa_code
from services.registry.models import Area, Household, HouseholdWelfare
from tests.helpers.browser import Screenshots, log_in, needs_chromium, waiting

pytestmark = needs_chromium
shot = Screenshots("map")


def wait_ready(driver) -> None:
    waiting(driver, 30).until(lambda d: d.execute_script("return !!(window.bansosMap && "
                                                               "(bansosMap.ready || bansosMap.error))"))
    assert driver.execute_script("return bansosMap.error || null") is None


def count(driver, layer: str) -> int | None:
    return driver.execute_script(f"return bansosMap.{layer} ? bansosMap.{layer}.getLayers().length : null")


def drawn(driver, selector: str) -> int:
    return driver.execute_script(f"return document.querySelectorAll('#need-map {selector}').length")


def test_map_draws_boundaries_and_household_markers_for_staff_and_only_areas_for_partners(served_admin, browser):  # noqa: E501
    app, base = served_admin
    with Session(app.extensions["database"].engine) as session:
        # The operator is Desa Kamal's: the map shows its own households only (Gili Anyar's are not drawn).
        kamal = session.scalar(select(Area.id).where(Area.code == default_desa_code()))
        located = session.scalar(select(func.count()).select_from(Household).where(
            Household.latitude.is_not(None), Household.area_id == kamal))
        poor = session.scalar(select(func.count()).select_from(HouseholdWelfare).join(
            Household, Household.id == HouseholdWelfare.household_id).where(
            HouseholdWelfare.band == "miskin", Household.area_id == kamal))

    log_in(browser, base, "operator")
    browser.get(f"{base}/map/")
    wait_ready(browser)
    assert browser.execute_script("return typeof L !== 'undefined' && L.version") == "1.9.4"
    assert count(browser, "areas") == 4 and count(browser, "households") == located == 300
    assert count(browser, "resources") >= 8
    # Rendered, not only loaded: SVG paths for 4 polygons + 300 circles, and the resources' marker images.
    assert drawn(browser, "path.leaflet-interactive") >= 304
    assert drawn(browser, "img.leaflet-marker-icon") >= 8
    assert "Celah cakupan" in browser.find_element("css selector", ".map-legend").text
    assert len(browser.find_elements("css selector", "#coverage-table tr.coverage-row")) == 4
    shot(browser, "map-operator.png")
    browser.execute_script("document.getElementById('coverage-table').scrollIntoView()")
    shot(browser, "coverage-table-operator.png")

    Select(browser.find_element("id", "filter-band")).select_by_value("miskin")
    waiting(browser, 30).until(lambda d: count(d, "households") == poor)
    assert browser.find_element("id", "household-count").text.startswith(f"{poor} keluarga")
    Select(browser.find_element("id", "filter-enrolled")).select_by_value("tidak")
    waiting(browser, 30).until(lambda d: count(d, "households") < poor)
    shot(browser, "map-operator-miskin-belum-menerima.png")

    log_in(browser, base, "mitra_lsm")
    browser.get(f"{base}/map/")
    wait_ready(browser)
    assert count(browser, "areas") == 4 and count(browser, "households") is None and count(browser, "resources") is None
    assert drawn(browser, "path.leaflet-interactive") == 4 and drawn(browser, "img.leaflet-marker-icon") == 0
    assert not browser.find_elements("id", "filter-band")
    shot(browser, "map-mitra_lsm.png")
    browser.get(f"{base}/map/?level=rt")
    wait_ready(browser)
    assert "<5" in browser.find_element("id", "coverage-table").text
    browser.execute_script("document.getElementById('coverage-table').scrollIntoView()")
    shot(browser, "coverage-table-rt-mitra_lsm.png")
    assert (shot.folder / "map-operator.png").stat().st_size > 20_000
