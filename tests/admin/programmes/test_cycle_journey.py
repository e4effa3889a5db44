"""The whole selection journey in real headless Chromium, with a real registry worker generating the
entitlements: rule + preview -> cycle -> candidates -> musyawarah with decisions -> berita acara PDF ->
approval by the kepala desa -> entitlements frozen (a later name edit does not reach them)."""
from __future__ import annotations

import io
import signal
from decimal import Decimal

import pytest
from pypdf import PdfReader
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.models import Cycle, Entitlement, FundingSource, Household, HouseholdWelfare, Person, Programme
from tests.helpers.browser import Screenshots, fetch, log_in, needs_chromium, wait_text, waiting

pytestmark = needs_chromium
shot = Screenshots("admin/cycles")
RULE = '{"all": [{"field": "band", "op": "le", "value": 2},\n {"head": {"field": "age", "op": "ge", "value": 18}}]}'


def _type(driver, element_id: str, text: str) -> None:
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)


@pytest.mark.slow
def test_selection_journey_in_chromium(served_admin, browser, processes, tmp_var):
    app, base = served_admin
    engine = app.extensions["database"].engine
    with Session(engine) as session:
        programme = session.scalars(select(Programme).where(Programme.code == "BLT-DD-2026")).one()
        households = session.scalars(select(Household).order_by(Household.id).offset(150).limit(6)).all()
        for rank, household in enumerate(households, start=1):  # four poor, two not
            session.merge(HouseholdWelfare(household_id=household.id, band="1" if rank <= 4 else "7", rank=rank,
                                         score=Decimal(rank)))
        session.add(FundingSource(programme_id=programme.id, name="Dana Desa 2027", kind="dana_desa",
                                  budget=Decimal(5_000_000), fiscal_year=2027))
        session.commit()
        kk = [h.no_kk for h in households]
        programme_id = programme.id
    worker = processes.celery_worker("services.registry.worker", "registry", {
        "REGISTRY_DATABASE_URL": str(engine.url), "BANSOS_VAR": str(tmp_var), "CELERY_BROKER_URL": "",
        "REDIS_URL": ""})

    log_in(browser, base, "operator")
    browser.get(f"{base}/rules/new")
    Select(browser.find_element(By.ID, "programme_id")).select_by_value(str(programme_id))
    _type(browser, "name", "Miskin, kepala keluarga dewasa")
    _type(browser, "condition", RULE)
    browser.find_element(By.ID, "preview-rule").click()
    wait_text(browser, "keluarga memenuhi aturan ini")
    assert browser.find_element(By.ID, "preview-count").text == "4"
    shot(browser, "1-rule-preview-operator.png")
    browser.find_element(By.ID, "save-rule").click()
    wait_text(browser, "Aturan disimpan")

    browser.get(f"{base}/cycles/new")
    Select(browser.find_element(By.ID, "programme_id")).select_by_value(str(programme_id))
    _type(browser, "name", "Januari 2027")
    Select(browser.find_element(By.ID, "rule_id")).select_by_index(1)
    Select(browser.find_element(By.ID, "funding_source_id")).select_by_index(1)
    _type(browser, "benefit_amount", "300.000")
    browser.find_element(By.ID, "save-cycle").click()
    wait_text(browser, "Siklus dibuat")
    cycle_url = browser.current_url
    browser.find_element(By.ID, "generate-candidates").click()
    wait_text(browser, "4 keluarga ditambahkan")
    shot(browser, "2-candidates-operator.png")

    log_in(browser, base, "bpd")
    browser.get(cycle_url)
    browser.find_element(By.ID, "new-musyawarah").click()
    _type(browser, "held_on", "15-01-2027")
    _type(browser, "chair", "Ketua BPD Kamal")
    _type(browser, "place", "Balai Desa Kamal")
    _type(browser, "attendees", "H. Moh. Rasyid; Kepala Desa; hadir\nSiti Aminah; Ketua BPD; hadir\n"
                                "Abdul Karim; Tokoh agama; hadir\nAhmad; Kecamatan; tidak")
    browser.find_element(By.ID, "save-musyawarah").click()
    wait_text(browser, "kuorum terpenuhi")
    rows = browser.find_elements(By.CSS_SELECTOR, "#decisions-table tbody tr")
    rows[1].find_element(By.NAME, "decision").send_keys("ditolak")
    rows[1].find_element(By.NAME, "reason").send_keys("punya usaha toko besar")
    rows[1].find_element(By.TAG_NAME, "button").click()
    wait_text(browser, "Keputusan dicatat")
    _type(browser, "added-no-kk", kk[5])
    _type(browser, "added-reason", "lansia tinggal sendiri, usul RT")
    browser.find_element(By.ID, "add-household").click()
    wait_text(browser, "Keputusan dicatat")
    browser.find_element(By.ID, "approve-remaining").click()
    wait_text(browser, "yang belum diputuskan ditetapkan disetujui")
    shot(browser, "3-musyawarah-bpd.png")
    pdf = fetch(browser, browser.find_element(By.ID, "download-berita-acara").get_attribute("href"))
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    for expected in ("BERITA ACARA MUSYAWARAH DESA KHUSUS", "Balai Desa Kamal", "Hadir 3 dari 4",
                     "KUORUM TERPENUHI", "punya usaha toko besar", "DITAMBAHKAN", "Jumlah KPM ditetapkan: 4",
                     "Rp1.200.000"):
        assert expected in text, expected

    log_in(browser, base, "kepala_desa")
    browser.get(cycle_url)
    browser.find_element(By.ID, "approve-cycle").click()
    browser.switch_to.alert.accept()
    wait_text(browser, "disetujui dan dibekukan: 4 KPM, total Rp1.200.000")

    def generated(driver):
        driver.get(cycle_url)
        assert worker.poll() is None, worker.log_path.read_text()
        return "4 dari 4 dibuat (selesai)" in driver.page_source

    waiting(browser, 60).until(generated, message="entitlements generated by the worker")
    shot(browser, "4-approved-kepala_desa.png")

    with Session(engine) as session:
        cycle = session.scalars(select(Cycle).where(Cycle.name == "Januari 2027")).one()
        entitlement = session.scalars(select(Entitlement).where(Entitlement.cycle_id == cycle.id)
                                      .order_by(Entitlement.id)).first()
        person = session.get(Person, entitlement.recipient_id)
        old_name = person.name
    log_in(browser, base, "operator")
    browser.get(f"{base}/persons/edit/{person.id}")
    _type(browser, "name", "Nama Diubah Setelah Disetujui")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit], form input[type=submit]").click()
    waiting(browser, 30).until(lambda d: "/persons/edit" not in d.current_url)
    with Session(engine) as session:
        assert session.get(Person, person.id).name == "Nama Diubah Setelah Disetujui"
        assert session.get(Entitlement, entitlement.id).snapshot["name"] == old_name
    browser.get(cycle_url)
    table = browser.find_element(By.ID, "entitlements-table").text
    assert old_name in table and "Nama Diubah Setelah Disetujui" not in table
    assert not browser.find_elements(By.ID, "generate-candidates")  # a frozen cycle offers no list edits
    shot(browser, "5-frozen-after-edit-operator.png")
    processes.stop(worker, sig=signal.SIGKILL)  # every task acked: nothing to lose, no 15 s warm stop
