"""The indicator dashboard and the evaluation page in real headless Chromium, screenshots in
test-artifacts/indicators/: staff see every trend against its target, a partner only its own programme."""
from __future__ import annotations

from selenium.webdriver.common.by import By
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.models import Cycle, Programme, SatisfactionCode
from tests.admin.indicators import indicator_data
from tests.helpers.browser import Screenshots, log_in, needs_chromium, waiting
from tests.helpers.builders import entitle_enrolled

pytestmark = needs_chromium
shot = Screenshots("indicators")


def cards(driver) -> dict[str, str]:
    waiting(driver, 30).until(lambda d: d.find_elements(By.ID, "indicator-cards"))
    return {el.get_attribute("data-code"): el.text for el in driver.find_elements(By.CSS_SELECTOR, ".indicator-card")}


def test_dashboard_and_evaluation_in_chromium(served_admin, browser):
    app, base = served_admin
    engine = app.extensions["database"].engine
    with Session(engine) as session:
        indicator_data.fill(session)
        blt = session.scalar(select(Programme.id).where(Programme.code == "BLT-DD-2026"))
        sembako = session.scalar(select(Programme.id).where(Programme.code == "SEMBAKO-CSR-2026"))
    browser.set_window_size(1366, 1600)
    log_in(browser, base, "operator")
    browser.get(f"{base}/indicator-dashboard/")
    shown = cards(browser)
    assert len(shown) == 13
    assert "96%" in shown["PARTISIPASI"] and "tercapai" in shown["PARTISIPASI"]
    assert "belum tercapai" in shown["PARTISIPASI-BLT-DD-2026"]
    # The chart is drawn: three points and a target line for the village participation rate.
    chart = browser.find_element(By.CSS_SELECTOR, '.indicator-card[data-code="PARTISIPASI"] svg')
    assert len(chart.find_elements(By.CSS_SELECTOR, "circle.point")) == 3
    assert chart.find_elements(By.CSS_SELECTOR, "line.ref-target") and chart.size["width"] > 200
    shot(browser, "dashboard-operator.png")

    browser.get(f"{base}/indicator-dashboard/evaluation/{blt}")
    waiting(browser, 30).until(lambda d: d.find_elements(By.ID, "evaluation-summary"))
    summary = browser.find_element(By.ID, "evaluation-summary").text
    assert "Rp500.000" in summary  # every surveyed BLT household: +500.000 in the follow-up
    nik_cells = browser.find_elements(By.CSS_SELECTOR, "#evaluation-rows td.nik")
    assert nik_cells and all("•" not in cell.text for cell in nik_cells)  # staff: full NIK
    shot(browser, "evaluation-operator.png")

    log_in(browser, base, "mitra_csr")
    browser.get(f"{base}/indicator-dashboard/")
    assert set(cards(browser)) == {"PARTISIPASI-SEMBAKO-CSR-2026", "KEPUASAN-SEMBAKO-CSR-2026",
                                   "SERAPAN-ANGGARAN-SEMBAKO-CSR-2026"}
    assert "BLT-DD-2026" not in browser.page_source
    shot(browser, "dashboard-mitra-csr.png")
    browser.get(f"{base}/indicator-dashboard/evaluation/{sembako}")
    waiting(browser, 30).until(lambda d: d.find_elements(By.ID, "evaluation-summary"))
    shot(browser, "evaluation-mitra-csr.png")
    browser.get(f"{base}/indicator-dashboard/evaluation/{blt}")
    assert "Evaluasi Program" not in browser.page_source  # another partner's programme: not found

    log_in(browser, base, "mitra_lsm")
    browser.get(f"{base}/indicator-dashboard/evaluation/{blt}")
    waiting(browser, 30).until(lambda d: d.find_elements(By.ID, "evaluation-rows"))
    masked = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#evaluation-rows td.nik")]
    assert masked and all("••••••••" in text for text in masked)
    shot(browser, "evaluation-mitra-lsm.png")


def test_satisfaction_codes_screen_in_chromium(served_admin, browser):
    app, base = served_admin
    engine = app.extensions["database"].engine
    with Session(engine) as session:
        sembako = session.scalar(select(Programme).where(Programme.code == "SEMBAKO-CSR-2026"))
        cycle = Cycle(programme_id=sembako.id, name="Sembako Maret 2026", status="disetujui")
        session.add(cycle)
        session.flush()
        entitle_enrolled(session, sembako, cycle, ("disalurkan", "disalurkan", "menunggu"), package="beras 10 kg")
        session.commit()
        cycle_id = cycle.id
    log_in(browser, base, "operator")
    browser.get(f"{base}/satisfaction-codes/")
    row = waiting(browser, 30).until(lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#cycle-codes tbody tr")
                                                if "Sembako Maret 2026" in r.text])[0]
    row.find_element(By.XPATH, ".//button[contains(., 'Terbitkan kode')]").click()
    waiting(browser, 30).until(lambda d: "2 kode survei baru diterbitkan" in d.page_source)
    cells = [r for r in browser.find_elements(By.CSS_SELECTOR, "#cycle-codes tbody tr")
             if "Sembako Maret 2026" in r.text][0].find_elements(By.TAG_NAME, "td")
    assert [c.text for c in cells[2:5]] == ["2", "2", "0"]  # received, issued, used
    shot(browser, "satisfaction-codes.png")
    [r for r in browser.find_elements(By.CSS_SELECTOR, "#cycle-codes tbody tr")
     if "Sembako Maret 2026" in r.text][0].find_element(By.XPATH, ".//button[contains(., 'SMS')]").click()
    waiting(browser, 30).until(lambda d: "2 kode dikirim lewat SMS" in d.page_source)
    with Session(engine) as session:
        assert len(session.scalars(select(SatisfactionCode).where(SatisfactionCode.cycle_id == cycle_id)).all()) == 2
    shot(browser, "satisfaction-codes-sent.png")
