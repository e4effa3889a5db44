"""Partner and capital journeys in real headless Chromium (SQLite): a partner logs in to Ruang Mitra, records
a handover for its own programme's recipient (ledger entry appears, a second one is refused) and gets 404 on
another partner's cycle; the operator pays out capital by bank and by cash and the ledger verifies.
Screenshots go to test-artifacts/partners/."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.distribution import cards, ledger
from services.registry.models import (
    BankAccount,
    LedgerEntry,
)
from tests.helpers.browser import Screenshots, log_in, needs_chromium, wait_text, waiting
from tests.helpers.builders import approved_grants, ents, partner_cycle

pytestmark = [needs_chromium, pytest.mark.slow]
shot = Screenshots("partners")


def test_partner_handover_and_operator_capital_payouts(served_admin, browser):
    app, base = served_admin
    engine = app.extensions["database"].engine
    with Session(engine, expire_on_commit=False) as session:
        own, source = partner_cycle(session, "Yayasan Madura Sejahtera", code="LSM-PANGAN", kk_prefix="352691110000",
                                    budget="20000000", source_name="Hibah LSM-PANGAN", with_accounts=True)
        foreign, _ = partner_cycle(session, "PT Garam Bangkalan Lestari", code="CSR-LAIN", kk_prefix="352692220000",
                                   budget="20000000", source_name="Hibah CSR-LAIN")
        entitlement = ents(own)[0]
        token = cards.make_token(entitlement.id, own.id)
        recipient_nik = entitlement.recipient.nik
        households = [e.household for e in ents(own)]
        grants = approved_grants(session, households, source, "2500000")
        account = session.scalars(select(BankAccount).where(BankAccount.person_id == households[0].members[0].id)
                                  ).one()

    # The partner lands on Ruang Mitra and records a handover for its own recipient.
    log_in(browser, base, "mitra_lsm")
    browser.get(f"{base}/")
    assert "LSM-PANGAN" in waiting(browser, 30).until(lambda d: d.find_element(By.ID, "partner-cycles")).text
    assert "CSR-LAIN" not in browser.page_source
    shot(browser, "partner-workspace-before.png")
    browser.find_element(By.ID, "go-pickup").click()
    waiting(browser, 30).until(lambda d: d.find_element(By.ID, "token")).send_keys(token)
    browser.find_element(By.ID, "lookup").click()
    wait_text(browser, "Boleh mengambil")
    assert recipient_nik not in browser.page_source  # the partner sees a masked NIK
    browser.find_element(By.ID, "handed_over_by").send_keys("Relawan Yayasan")
    shot(browser, "partner-pickup-scan.png")
    browser.find_element(By.ID, "record").click()
    wait_text(browser, "Tercatat")
    browser.find_element(By.ID, "token").send_keys(token)
    browser.find_element(By.ID, "lookup").click()
    wait_text(browser, "SUDAH DIAMBIL")
    assert not browser.find_elements(By.ID, "record")
    shot(browser, "partner-pickup-second-refused.png")
    with Session(engine) as session:
        entries = session.scalars(select(LedgerEntry).where(LedgerEntry.entitlement_id == entitlement.id)).all()
        assert [(e.event, e.actor) for e in entries] == [("collected", "mitra_lsm")]

    browser.get(f"{base}/distribution/cycles/{foreign.id}")
    wait_text(browser, "Tidak ditemukan")  # the admin's 404 page (status checked in test_partner_workspace.py)
    shot(browser, "partner-foreign-cycle-404.png")
    browser.get(f"{base}/mitra/")
    row = waiting(browser, 30).until(lambda d: d.find_element(By.ID, "partner-cycles")).text
    assert "LSM-PANGAN" in row and " 1 " in f" {row} "  # one disbursed, one ledger entry
    assert "diterima" in browser.find_element(By.ID, "partner-recipients").text
    shot(browser, "partner-workspace-after.png")

    # The operator pays one grant by bank transfer and one in cash; both enter the ledger.
    log_in(browser, base, "operator")
    browser.get(f"{base}/capital-work/{grants[0].id}/")
    Select(waiting(browser, 30).until(lambda d: d.find_element(By.ID, "channel"))).select_by_value("bank")
    Select(browser.find_element(By.ID, "bank-account")).select_by_value(str(account.id))
    browser.find_element(By.ID, "bank-reference").send_keys("BRI-2027-0001")
    shot(browser, "capital-bank-form.png")
    browser.find_element(By.ID, "do-disburse").click()
    wait_text(browser, "ref. BRI-2027-0001")
    shot(browser, "capital-bank-paid.png")
    browser.get(f"{base}/capital-work/{grants[1].id}/")
    Select(waiting(browser, 30).until(lambda d: d.find_element(By.ID, "channel"))).select_by_value("tunai")
    browser.find_element(By.ID, "disburse-location").send_keys("Balai Desa Kamal")
    browser.find_element(By.ID, "handed-over-by").send_keys("Bendahara desa")
    browser.find_element(By.ID, "do-disburse").click()
    wait_text(browser, "diserahkan Bendahara desa")
    browser.get(f"{base}/distribution/")
    assert "transfer: 1" in waiting(browser, 30).until(lambda d: d.find_element(By.ID, "capital-ledger")).text
    browser.find_element(By.ID, "verify-ledger").click()
    wait_text(browser, "Buku besar utuh")
    shot(browser, "ledger-verified-with-capital.png")
    browser.get(f"{base}/capital-work/household/{households[0].id}/pathway")
    capital = waiting(browser, 30).until(lambda d: d.find_element(By.ID, "path-capital")).text
    assert "Warung kelontong" in capital and "lewat bank" in capital
    assert "diterima" in browser.find_element(By.ID, "path-received").text
    shot(browser, "household-pathway-cash-to-capital.png")
    with Session(engine) as session:
        assert ledger.verify(session).ok
        events = session.scalars(select(LedgerEntry.event).where(LedgerEntry.capital_grant_id.is_not(None))
                                 .order_by(LedgerEntry.seq)).all()
        assert events == ["paid", "collected"]
