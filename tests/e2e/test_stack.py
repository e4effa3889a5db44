"""The demo as a user sees it: scripts/run, then operator and partner flows in a real Chromium."""
from __future__ import annotations

import io
import re
import subprocess

import openpyxl
import pytest
from pypdf import PdfReader
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.e2e.stack import REPO, Stack
from tests.helpers import wait_for
from tests.helpers.browser import Screenshots, fetch, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(600)]
shot = Screenshots("e2e")


@pytest.fixture
def stack(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    running = Stack(var)
    try:
        running.wait_healthy()
        yield running
    except AssertionError:
        print(running.tail())
        raise
    finally:
        running.stop()


def text(driver, selector) -> str:
    found = driver.find_elements(By.CSS_SELECTOR, selector)
    return found[0].text.strip() if found else ""


def test_operator_and_partner_flows(stack, browser, tmp_path):
    blt_id, blt_name = stack.registry_rows("SELECT id, name FROM programme WHERE code = 'BLT-DD-2026'")[0]
    blt_count = stack.registry_rows("SELECT count(*) FROM enrolment WHERE programme_id = ?", blt_id)[0][0]
    assert blt_count > 0

    log_in(browser, stack.url(path=""), "operator")
    shot(browser, "01-operator-home.png")

    # Roster upload with 5 invalid rows.
    roster = tmp_path / "roster.csv"
    subprocess.run([str(REPO / ".venv/bin/bansos"), "demo-roster", str(roster), "--households", "30",
                    "--invalid", "5"], check=True, env={"BANSOS_VAR": str(stack.var), "BANSOS_DEMO": "1"})
    browser.get(stack.url(path="/imports/upload"))
    browser.find_element(By.NAME, "roster").send_keys(str(roster))
    shot(browser, "02-upload-form.png")
    browser.find_element(By.CSS_SELECTOR, "form [type=submit]").submit()
    summary = wait_for(lambda: re.search(r"diimpor (\d+), diperbarui (\d+), ditolak (\d+)",
                                         text(browser, "#import-summary")), timeout=90, message="#import-summary")
    shot(browser, "03-import-done.png")
    assert int(summary.group(3)) == 5
    assert int(summary.group(1)) + int(summary.group(2)) > 0
    rejections = fetch(browser, browser.find_element(By.ID, "rejections-download").get_attribute("href"))
    assert len(rejections.decode("utf-8-sig").strip().splitlines()) == 6  # header + 5 rejected rows

    # Campaign to every BLT recipient, delivered through the file channel.
    browser.get(stack.url(path="/campaigns/new"))
    Select(browser.find_element(By.NAME, "programme_id")).select_by_value(str(blt_id))
    browser.find_element(By.NAME, "template").send_keys("Yth. {nama}, bantuan {program} siap diambil.")
    shot(browser, "04-campaign-form.png")
    browser.find_element(By.ID, "send-campaign").click()
    wait_for(lambda: text(browser, "#count-sent") == str(blt_count), timeout=120, message="#count-sent")
    shot(browser, "05-campaign-sent.png")
    assert text(browser, "#count-failed") == "0"
    outbox = stack.var / "outbox" / "sms.jsonl"
    assert len(outbox.read_text().splitlines()) == blt_count

    # Report in PDF and XLSX.
    browser.get(stack.url(path="/reports/"))
    Select(browser.find_element(By.NAME, "programme_id")).select_by_value(str(blt_id))
    browser.find_element(By.ID, "request-report").click()

    def report_links():
        browser.refresh()
        pdf = browser.find_elements(By.CSS_SELECTOR, "a.download-pdf")
        xlsx = browser.find_elements(By.CSS_SELECTOR, "a.download-xlsx")
        return (pdf[0].get_attribute("href"), xlsx[0].get_attribute("href")) if pdf and xlsx else None

    pdf_url, xlsx_url = wait_for(report_links, timeout=120, interval=2, message="report links")
    shot(browser, "06-report-ready.png")
    assert re.search(r"\b[0-9a-f]{64}\b", browser.page_source), "checksum SHA-256 tidak tampil"
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(fetch(browser, pdf_url))).pages)
    assert blt_name in pdf_text
    sheet = openpyxl.load_workbook(io.BytesIO(fetch(browser, xlsx_url)), read_only=True).active
    # read_only sheets may lack a dimension record, so count the rows themselves.
    filled_rows = [row for row in sheet.iter_rows(values_only=True) if any(cell is not None for cell in row)]
    assert len(filled_rows) >= blt_count

    # Partner view: Yayasan only sees BLT and never a full NIK.
    log_in(browser, stack.url(path=""), "mitra_lsm")
    browser.get(stack.url(path="/recipients/list/"))
    shot(browser, "07-partner-recipients.png")
    page = browser.page_source
    for (nik,) in stack.registry_rows("SELECT nik FROM person"):
        assert nik not in page
    sembako_kk = stack.registry_rows(
        "SELECT h.no_kk FROM enrolment e JOIN programme p ON p.id = e.programme_id "
        "JOIN household h ON h.id = e.household_id WHERE p.code = 'SEMBAKO-CSR-2026' LIMIT 1")[0][0]
    assert sembako_kk not in page
    # KK numbers are masked on this screen, so also check the programme itself never appears.
    assert "Paket Sembako CSR 2026" not in page and "Paket Sembako CSR 2026" != blt_name
    browser.get(stack.url(path="/programmes/list/"))
    shot(browser, "08-partner-programmes.png")
    assert "BLT-DD-2026" in browser.page_source
    assert "SEMBAKO-CSR-2026" not in browser.page_source
