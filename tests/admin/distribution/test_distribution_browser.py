"""The distribution journey in real headless Chromium with a real registry worker (SQLite + filesystem
broker): pickup by typed QR text, refused second pickup, bank export, statement import, verification
sample, ledger check. Screenshots go to test-artifacts/distribution/."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.distribution import cards, iso20022
from services.registry.models import PaymentBatch, PaymentItem
from tests.fakes.bank_statement import write_camt053
from tests.helpers.browser import Screenshots, log_in, needs_chromium, wait_text, waiting
from tests.helpers.builders import ents, make_cycle

pytestmark = [needs_chromium, pytest.mark.slow]
shot = Screenshots("distribution")


def test_distribution_journey_in_chromium(served_admin, browser, processes, tmp_var, tmp_path):
    app, base = served_admin
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with Session(app.extensions["database"].engine, expire_on_commit=False) as session:
        cash = make_cycle(session, households=2, code="BLT-UJI", kk_prefix="352698880000")
        bank = make_cycle(session, households=3, channel="bank", with_accounts=True, code="BANK-UJI",
                          kk_prefix="352697770000")
        token = cards.make_token(ents(cash)[0].id, cash.id)
    worker = processes.celery_worker("services.registry.worker", "registry", {
        "REGISTRY_DATABASE_URL": url, "BANSOS_VAR": str(tmp_var), "CELERY_BROKER_URL": "", "REDIS_URL": ""},
        name="distrib-browser", concurrency=1)

    log_in(browser, base, "operator")
    browser.get(f"{base}/distribution/pickup")
    browser.find_element(By.ID, "token").send_keys(token)  # what a USB scanner types
    browser.find_element(By.ID, "lookup").click()
    wait_text(browser, "Boleh mengambil")
    assert "Siti Aminah" in browser.page_source  # the adult proxy
    browser.find_element(By.ID, "handed_over_by").send_keys("Bu Rina")
    shot(browser, "pickup-scan.png")
    browser.find_element(By.ID, "record").click()
    wait_text(browser, "Tercatat")
    browser.find_element(By.ID, "token").send_keys(token)
    browser.find_element(By.ID, "lookup").click()
    wait_text(browser, "SUDAH DIAMBIL")
    assert not browser.find_elements(By.ID, "record")
    shot(browser, "pickup-second-refused.png")

    browser.get(f"{base}/distribution/cycles/{bank.id}")
    browser.find_element(By.ID, "create-batch").click()
    wait_text(browser, "Batch BSK-")
    waiting(browser, 90).until(lambda d: d.find_elements(By.ID, "download-xml"),
                                     message=worker.log_path.read_text()[-3000:])
    shot(browser, "bank-batch-exported.png")
    with Session(app.extensions["database"].engine) as session:
        batch = session.scalars(select(PaymentBatch).where(PaymentBatch.cycle_id == bank.id)).one()
        assert iso20022.validation_errors(Path(batch.xml_path), "pain.001.001.03") == []
        items = session.scalars(select(PaymentItem).where(PaymentItem.batch_id == batch.id)
                                .order_by(PaymentItem.id)).all()
        lines = [(i.end_to_end_id, Decimal("300000"), "paid", None) for i in items[:2]]
        lines.append((items[2].end_to_end_id, Decimal("300000"), "returned", "AC04"))
    statement = write_camt053(tmp_path / "camt053.xml", lines)

    browser.get(f"{base}/distribution/cycles/{bank.id}")
    browser.find_element(By.ID, "statement-file").send_keys(str(statement))
    browser.find_element(By.ID, "upload-statement").click()
    waiting(browser, 90).until(lambda d: "dibayar 2, gagal 1" in d.page_source,
                                     message=worker.log_path.read_text()[-3000:])
    shot(browser, "statement-imported.png")

    browser.get(f"{base}/distribution/cycles/{bank.id}")
    browser.find_element(By.ID, "draw-sample").click()
    wait_text(browser, "Verifikasi pembayaran: sampel")
    assert browser.find_elements(By.CSS_SELECTOR, "#cases tbody tr")
    shot(browser, "verification-sample.png")

    browser.get(f"{base}/distribution/")
    browser.find_element(By.ID, "verify-ledger").click()
    wait_text(browser, "Buku besar utuh: 3 entri diperiksa")
    shot(browser, "ledger-check.png")
