"""Privacy scan: crawl every public page and poster, and check them against the registry itself: no full
NIK or KK, no full name beside its address, nothing from a draft cycle. Plus real Chromium screenshots."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from html import unescape

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.db import make_engine
from services.registry.models import Household, Person
from tests.helpers.browser import Screenshots, chromium, needs_chromium
from tests.helpers.servers import ServedApp
from tests.reports.conftest import migrated_databases
from tests.reports.public_data import DRAFT_NAMES, fill_public_registry

shot = Screenshots("reports")
V = "/publik/35.26.04.2001"  # Desa Kamal, the default desa the fixture's rows belong to


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def site(request, tmp_var):
    from services.reports.app import create_app

    registry_url, reports_url = migrated_databases(request, tmp_var)
    ids = fill_public_registry(registry_url)
    app = create_app({"DATABASE_URL": reports_url, "REGISTRY_READ_URL": registry_url,
                      "REPORTS_STORE": str(tmp_var / "reports"), "CELERY_BROKER_URL": "memory://"})
    yield app, ids, registry_url
    if "registry_read" in app.extensions:
        app.extensions["registry_read"].kw["bind"].dispose()


def crawl(client) -> dict[str, str]:
    """Every page and PDF of the village's site, and the kabupaten and kecamatan pages above it, as text
    (the other 280 villages' empty sites are left out)."""
    seen: dict[str, str] = {}
    queue = ["/publik/", "/publik/35.26.04/", f"{V}/"]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        response = client.get(path)
        assert response.status_code in (200, 404), path
        if response.mimetype == "application/pdf":
            reader = PdfReader(io.BytesIO(response.data))
            seen[path] = "\n".join(page.extract_text() for page in reader.pages)
            continue
        html = response.get_data(as_text=True)
        seen[path] = unescape(re.sub(r"<[^>]+>", " ", html))
        queue += [unescape(href) for href in re.findall(rf'href="({V}/[^"#]*)"', html)
                  if not href.endswith(".css")]
    return seen


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).upper()


def test_every_public_page_and_poster_passes_the_privacy_scan(site):
    app, ids, registry_url = site
    app.config["PUBLIC_PAGE_SIZE"] = 4  # so the crawl also walks the list's later pages
    pages = crawl(app.test_client())
    assert f"{V}/siklus/{ids.approved_cycle_id}?hal=2" in pages
    assert f"{V}/siklus/{ids.approved_cycle_id}/poster-a3.pdf" in pages
    assert f"{V}/siklus/{ids.approved_cycle_id}/poster-a4.pdf" in pages
    engine = make_engine(registry_url)
    with Session(engine) as session:
        people = session.execute(select(Person, Household).join(Household)).all()
    engine.dispose()
    assert len(people) == 9
    for path, text in pages.items():
        flat, digits = _normal(text), re.sub(r"\D", "", text)
        for person, household in people:
            assert person.nik not in digits, f"NIK lengkap di {path}"
            assert household.no_kk not in digits, f"No. KK lengkap di {path}"
            full_name = person.name.upper() in flat
            address = household.address.upper() in flat
            assert not (full_name and address), f"nama + alamat di {path}"
            assert not full_name, f"nama lengkap di {path}"
            assert not address, f"alamat jalan di {path}"
        for name in DRAFT_NAMES:  # draft households' shortened names must not appear either
            assert name.split()[0] not in flat, f"daftar draft bocor di {path}"


@needs_chromium
def test_public_pages_in_chromium(site):
    from selenium.webdriver.common.by import By

    app, ids, _ = site
    server = ServedApp(app)
    driver = chromium(window="412,900")  # a cheap phone
    base = server.url
    try:
        driver.get(f"{base}/publik/")
        shot(driver, "public-kabupaten.png")
        driver.find_element(By.LINK_TEXT, "Desa Kamal").click()
        shot(driver, "public-programmes.png")
        driver.find_element(By.LINK_TEXT, "Januari 2027").click()
        assert "MOH. H*** B***" in driver.find_element(By.TAG_NAME, "table").text + driver.page_source
        # The stylesheet loaded (own origin, allowed by the CSP): the header is painted green.
        header = driver.find_element(By.TAG_NAME, "header").value_of_css_property("background-color")
        assert header in ("rgba(31, 111, 67, 1)", "rgb(31, 111, 67)")
        shot(driver, "public-cycle.png")
        driver.get(f"{base}{V}/pengaduan")
        shot(driver, "public-complaint-form.png")
        assert driver.find_element(By.NAME, "csrf_token").get_attribute("value")
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == [], errors  # no CSP violation, no missing asset
    finally:
        driver.quit()
        server.close()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm tidak terpasang")
def test_poster_rendered_for_a_look(site, tmp_path):
    """Headless Chromium shows no PDFs: rasterise the A4 and A3 posters with poppler to look at them."""
    app, ids, _ = site
    shot.folder.mkdir(parents=True, exist_ok=True)
    for size in ("a4", "a3"):
        pdf = tmp_path / f"poster-{size}.pdf"
        pdf.write_bytes(app.test_client().get(f"{V}/siklus/{ids.approved_cycle_id}/poster-{size}.pdf").data)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(shot.folder / f"poster-{size}")],
                       check=True)
        assert (shot.folder / f"poster-{size}.png").stat().st_size > 5000
