"""The Laporan journey in real Chromium: an operator orders October's realisation report, the reports
worker code builds it, the screen lists it with its checksums, the PDF downloads through the admin
(looked at as an image), the report goes to the social pages; a partner does not see it."""
from __future__ import annotations

import hashlib
import subprocess
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.db import make_engine
from services.registry.models import Cycle, CyclePlan, Enrolment, Entitlement, FundingSource, Programme
from services.reports import schema as reports_schema
from services.reports.runner import generate_run
from tests.admin.stack import make_admin_app, prepare_database, queued_tasks
from tests.helpers.browser import Screenshots, log_in, needs_chromium, waiting
from tests.helpers.servers import ServedApp
from tests.reports.periodic_fixtures import append_at

pytestmark = needs_chromium
shot = Screenshots("reports")


def add_october(url: str) -> int:
    """A Dana Desa source, an approved BLT cycle and 20 October payments of Rp300.000 on the demo data."""
    engine = make_engine(url)
    with Session(engine) as session:
        programme = session.scalars(select(Programme).where(Programme.code == "BLT-DD-2026")).one()
        source = FundingSource(programme=programme, name="Dana Desa 2026 (uji)", kind="dana_desa",
                               budget=Decimal("36000000"), created_at=datetime(2026, 1, 2, tzinfo=UTC))
        cycle = Cycle(programme=programme, name="BLT Oktober (uji laporan)", status="disetujui",
                      approved_by="kepala_desa", approved_at=datetime(2026, 10, 1, 2, tzinfo=UTC))
        session.add_all([source, cycle, CyclePlan(cycle=cycle, funding_source=source, benefit_amount=300000)])
        enrolments = session.scalars(select(Enrolment).where(Enrolment.programme_id == programme.id)
                                     .order_by(Enrolment.id).limit(20)).all()
        for i, enrolment in enumerate(enrolments):
            entitlement = Entitlement(cycle=cycle, programme=programme, household=enrolment.household,
                                      amount=300000, status="disalurkan", created_at=cycle.approved_at,
                                      snapshot={"dusun": enrolment.household.dusun})
            session.add(entitlement)
            session.flush()
            append_at(session, datetime(2026, 10, 5 + i % 20, 3, tzinfo=UTC), cycle_id=cycle.id,
                      entitlement_id=entitlement.id, event="paid", amount=300000)
        session.commit()
        count = len(enrolments)
    engine.dispose()
    return count


@pytest.fixture
def served(tmp_var):
    from services.reports.app import create_app

    url, reports_url = f"sqlite:///{tmp_var / 'registry.db'}", f"sqlite:///{tmp_var / 'reports.db'}"
    prepare_database(url)
    paid = add_october(url)
    reports_schema.upgrade(reports_url)
    reports = create_app({"DATABASE_URL": reports_url, "REGISTRY_READ_URL": url, "SERVICE_TOKEN": "rahasia-uji",
                          "REPORTS_STORE": str(tmp_var / "store"), "CELERY_BROKER_URL": "memory://"})
    reports_server = ServedApp(reports)
    reports_base = reports_server.url
    admin = make_admin_app(url, "filesystem://", WTF_CSRF_ENABLED=True, TESTING=False, SERVICE_TOKEN="rahasia-uji",
                           REPORTS_API_URL=reports_base, REPORTS_PUBLIC_BASE_URL=reports_base)
    admin_server = ServedApp(admin)
    yield {"admin": admin, "base": admin_server.url, "reports": reports, "reports_base": reports_base, "var": tmp_var,
           "paid": paid}
    for server in (admin_server, reports_server):
        server.close()
    admin.extensions["database"].engine.dispose()
    reports.extensions["database"].engine.dispose()


def run_queued_reports(served) -> list:
    """What the reports worker does with the tasks the admin queued (in this process)."""
    app, runs = served["reports"], []
    for name, kwargs in queued_tasks("filesystem://", served["var"], "reports"):
        assert name == "reports.generate"
        with app.app_context():
            runs.append(generate_run(app.extensions["database"], app.config["REGISTRY_READ_URL"],
                                     app.config["REPORTS_STORE"], kwargs["payload"]))
    for path in (served["var"] / "broker").glob("*.reports.msg"):
        path.unlink()
    return runs


def test_operator_orders_monthly_report_and_posts_it(served, browser):
    shot.folder.mkdir(parents=True, exist_ok=True)
    base = served["base"]
    log_in(browser, base, "operator")
    browser.get(f"{base}/reports/")
    Select(browser.find_element(By.ID, "report")).select_by_value("realisasi_bulanan")
    assert not browser.find_element(By.ID, "programme_id").is_displayed()
    assert "YYYY-MM" in browser.find_element(By.ID, "period-hint").text
    browser.find_element(By.ID, "period").send_keys("2026-10")
    browser.find_element(By.ID, "request-report").click()
    waiting(browser, 30).until(lambda d: "menunggu=" in d.current_url)
    (run,) = run_queued_reports(served)
    assert run.status == "selesai", run.error
    row_css = f"tr.report-run[data-run-id='{run.id}'] a.download-pdf"
    # The page polls the runs and reloads itself once the run is there.
    waiting(browser, 60).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, row_css)))
    page = browser.find_element(By.ID, "runs-table").text
    assert "Realisasi bulanan desa" in page and "2026-10" in page and run.figures_sha256 in page
    shot(browser, "laporan-operator.png")

    href = browser.find_element(By.CSS_SELECTOR, row_css).get_attribute("href")
    cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
    pdf = requests.get(href, cookies=cookies, timeout=30)
    expected = next(a.sha256 for a in run.artifacts if a.format == "pdf")
    assert pdf.status_code == 200 and hashlib.sha256(pdf.content).hexdigest() == expected
    pdf_path = served["var"] / "realisasi.pdf"
    pdf_path.write_bytes(pdf.content)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf_path),
                    str(shot.folder / "realisasi-2026-10-halaman-1")], check=True, timeout=60)
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    paid = served["paid"]
    assert "Rp" + f"{paid * 300000:,}".replace(",", ".") in text and "Oktober 2026" in text

    browser.find_element(By.CSS_SELECTOR, f"tr.report-run[data-run-id='{run.id}'] button.post-social").click()
    waiting(browser, 30).until(lambda d: "dikirim untuk diposting" in d.page_source)
    (task,) = queued_tasks("filesystem://", served["var"], "notifications")
    payload = task[1]["payload"]
    assert task[0] == "notifications.post_social" and payload["targets"] == ["facebook", "instagram"]
    chart = requests.get(payload["image_url"], timeout=30)
    assert payload["image_url"].startswith(served["reports_base"] + "/publik/laporan/")
    assert chart.status_code == 200 and chart.content[:4] == b"\x89PNG"
    assert f"{paid} keluarga" in payload["text"]

    # The quarterly report of the LSM, which its own user will see.
    Select(browser.find_element(By.ID, "report")).select_by_value("mitra_triwulan")
    browser.find_element(By.ID, "period").send_keys("2026-Q4")
    Select(browser.find_element(By.ID, "organisation_id")).select_by_visible_text("Yayasan Madura Sejahtera")
    browser.find_element(By.ID, "request-report").click()
    waiting(browser, 30).until(lambda d: "menunggu=" in d.current_url)
    (quarterly,) = run_queued_reports(served)
    assert quarterly.status == "selesai" and quarterly.organisation_id is not None, quarterly.error

    log_in(browser, base, "mitra_lsm")
    browser.get(f"{base}/reports/")
    table = browser.find_element(By.ID, "runs-table").text
    assert "Realisasi bulanan desa" not in table and "Laporan triwulan mitra" in table and "2026-Q4" in table
    assert not browser.find_elements(By.ID, "request-report")
    shot(browser, "laporan-mitra_lsm.png")
    assert requests.get(href.replace(base, base), cookies={c["name"]: c["value"] for c in browser.get_cookies()},
                        timeout=30).status_code == 404
