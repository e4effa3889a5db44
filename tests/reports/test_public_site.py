"""The public site: frozen lists only, short names, masked NIK, small counts hidden, security headers."""
from __future__ import annotations

import pytest

from services.reports.public.data import count_label, short_name
from tests.reports.conftest import migrated_databases
from tests.reports.public_data import DRAFT_NAMES, NAMES, fill_public_registry

V = "/publik/35.26.04.2001"  # Desa Kamal, the default desa the fixture's rows belong to


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def public_app(request, tmp_var):
    from services.reports.app import create_app

    registry_url, reports_url = migrated_databases(request, tmp_var)
    ids = fill_public_registry(registry_url)
    app = create_app({"DATABASE_URL": reports_url, "REGISTRY_READ_URL": registry_url, "TESTING": True,
                      "REPORTS_STORE": str(tmp_var / "reports"), "SERVICE_TOKEN": "rahasia-uji",
                      "CELERY_BROKER_URL": "memory://", "REPORTS_PUBLIC_BASE_URL": "https://desakamal.example"})
    yield app, ids, registry_url
    if "registry_read" in app.extensions:
        app.extensions["registry_read"].kw["bind"].dispose()


def test_short_name_and_small_counts():
    assert short_name("Moh. Hasan Basri") == "MOH. H*** B***"
    assert short_name("SITI") == "SITI"
    assert short_name(None) == "-"
    assert [count_label(n) for n in (0, 1, 4, 5, 12)] == ["0", "< 5", "< 5", "5", "12"]


def test_programme_list_shows_budget_and_disbursed(public_app):
    app, ids, _ = public_app
    page = app.test_client().get(f"{V}/").get_data(as_text=True)
    assert "BLT Dana Desa 2027" in page
    assert "Rp2.100.000" in page  # 7 frozen entitlements x 300.000
    assert "Rp1.200.000" in page  # 4 disalurkan
    assert "Januari 2027" in page and "Februari 2027" not in page


def test_cycle_page_lists_frozen_recipients_masked(public_app):
    app, ids, _ = public_app
    client = app.test_client()
    response = client.get(f"{V}/siklus/{ids.approved_cycle_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "MOH. H*** B***" in page and "SITI A***" in page
    assert not any(name in page for name in NAMES)
    assert "Jl. Raya" not in page
    assert "Content-Security-Policy" in response.headers and response.headers["X-Frame-Options"] == "DENY"
    assert "<script" not in page


def test_draft_cycle_never_leaks(public_app):
    app, ids, _ = public_app
    client = app.test_client()
    assert client.get(f"{V}/siklus/{ids.draft_cycle_id}").status_code == 404
    assert client.get(f"{V}/siklus/{ids.draft_cycle_id}/poster-a4.pdf").status_code == 404
    programme_page = client.get(f"{V}/program/{ids.programme_id}").get_data(as_text=True)
    assert not any(name.split()[0] in programme_page for name in DRAFT_NAMES)
    assert "Dusun Tlaga" not in programme_page  # only draft households live there


def test_area_counts_under_five_are_hidden(public_app):
    app, ids, _ = public_app
    page = app.test_client().get(f"{V}/program/{ids.programme_id}").get_data(as_text=True)
    # Krajan RT 001/002 has 5 recipients (shown), RT 002/002 has 2 (shown as "< 5", never "2").
    assert '<td>001/002</td><td class="num">5</td>' in page
    assert '<td>002/002</td><td class="num">&lt; 5</td>' in page


def test_poster_is_a_pdf_in_both_sizes_with_the_qr_url(public_app):
    import io

    from pypdf import PdfReader

    app, ids, _ = public_app
    client = app.test_client()
    sizes = {}
    for size in ("a4", "a3"):
        response = client.get(f"{V}/siklus/{ids.approved_cycle_id}/poster-{size}.pdf")
        assert response.mimetype == "application/pdf"
        reader = PdfReader(io.BytesIO(response.data))
        sizes[size] = float(reader.pages[0].mediabox.width)
        text = "".join(page.extract_text() for page in reader.pages)
        # The URL under the QR code wraps in its narrow column.
        assert f"https://desakamal.example{V}/siklus/{ids.approved_cycle_id}" in "".join(text.split())
        assert "MOH. H*** B***" in text and "belum tersedia" in text
    assert round(sizes["a4"]) == 595 and round(sizes["a3"]) == 842
    assert client.get(f"{V}/siklus/{ids.approved_cycle_id}/poster-a5.pdf").status_code == 404


def test_long_lists_come_in_pages(public_app):
    app, ids, _ = public_app
    app.config["PUBLIC_PAGE_SIZE"] = 3
    client = app.test_client()
    first = client.get(f"{V}/siklus/{ids.approved_cycle_id}").get_data(as_text=True)
    last = client.get(f"{V}/siklus/{ids.approved_cycle_id}?hal=3").get_data(as_text=True)
    assert "Halaman 1 dari 3" in first and "MOH. H*** B***" in first and "SLAMET R***" not in first
    assert "Halaman 3 dari 3" in last and "SLAMET R***" in last and "MOH. H*** B***" not in last


def test_public_pages_are_cached_briefly_and_forms_never(public_app):
    """A festival crowd reads the same pages: they are kept PUBLIC_CACHE_SECONDS; a CSRF form is never kept."""
    from sqlalchemy import update

    from services.common.db import make_engine
    from services.registry.models import Entitlement

    app, ids, registry_url = public_app
    client = app.test_client()
    path = f"{V}/siklus/{ids.approved_cycle_id}"
    first = client.get(path)
    assert first.headers["Cache-Control"] == "public, max-age=30"
    engine = make_engine(registry_url)
    with engine.begin() as connection:  # every recipient paid: the page changes
        connection.execute(update(Entitlement).values(status="disalurkan"))
    engine.dispose()
    again = client.get(path)
    assert again.get_data() == first.get_data()  # from the cache, with the page's security headers
    assert again.headers["X-Frame-Options"] == "DENY" and "Set-Cookie" not in again.headers
    app.config["PUBLIC_CACHE_SECONDS"] = 0
    fresh = client.get(path)
    assert fresh.get_data() != first.get_data() and "Cache-Control" not in fresh.headers
    app.config["PUBLIC_CACHE_SECONDS"] = 30
    form = client.get("/publik/pengaduan")
    assert "public" not in form.headers.get("Cache-Control", "")
    assert client.get(f"{V}/siklus/999999").status_code == 404  # errors are not kept either
