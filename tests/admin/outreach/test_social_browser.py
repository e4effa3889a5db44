"""Real Chromium over the social-media screens, with a real notifications app behind the admin and the
local Graph stand-in behind that: configuration + "uji koneksi", an announcement posted from the form
(the queued task is run by the notifications app), statuses in the list; the auditor only reads."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from services.notifications import schema as notifications_schema
from services.notifications.app import create_app as create_notifications_app
from tests.admin.stack import queued_tasks
from tests.fakes.providers import WHATSAPP_VERSION, ProviderStandIn
from tests.helpers.browser import Screenshots, log_in, needs_chromium, waiting
from tests.helpers.servers import ServedApp

pytestmark = needs_chromium
shot = Screenshots("admin")
IMAGE = "https://desakamal.id/laporan/grafik.png"


@pytest.fixture
def social_stack(served_admin, tmp_var):
    app, _ = served_admin
    graph = ProviderStandIn()
    graph.start()
    url = f"sqlite:///{tmp_var / 'notifications.db'}"
    notifications_schema.upgrade(url)
    notif = create_notifications_app({
        "DATABASE_URL": url, "SERVICE_TOKEN": app.config["SERVICE_TOKEN"], "CELERY_BROKER_URL": "memory://",
        "OUTBOX_DIR": str(tmp_var / "outbox"), "SMS_GATEWAY_URL": None, "FACEBOOK_GRAPH_URL": graph.url,
        "FACEBOOK_API_VERSION": WHATSAPP_VERSION, "FACEBOOK_PAGE_ID": "1122", "FACEBOOK_PAGE_TOKEN": "page-token",
        "INSTAGRAM_USER_ID": "17840"})
    with ServedApp(notif) as served:
        app.config["NOTIFICATIONS_API_URL"] = served.url
        yield notif, graph
    graph.stop()
    notif.extensions["database"].engine.dispose()


def _run_queued(notif, tmp_var) -> list[dict]:
    """What the admin queued, run by the notifications app (as its worker would)."""
    payloads = [kwargs["payload"] for name, kwargs in queued_tasks("filesystem://", tmp_var, "notifications")
                if name == "notifications.post_social"]
    for path in (tmp_var / "broker").glob("*.notifications.msg"):
        path.unlink()
    task = notif.extensions["celery"].tasks["notifications.post_social"]
    for payload in payloads:
        task.apply(kwargs={"payload": payload})
    return payloads


def test_social_screens_in_chromium(served_admin, social_stack, browser, tmp_var):
    _, base = served_admin
    notif, graph = social_stack
    log_in(browser, base, "operator")
    browser.get(f"{base}/social-channels/")
    table = browser.find_element(By.ID, "social-table").text
    assert table.count("siap") == 2 and "1122" in table and "page-token" not in browser.page_source
    browser.find_element(By.ID, "check-social").click()
    waiting(browser, 30).until(lambda d: "Koneksi facebook berhasil" in d.page_source)
    assert "akun Desa Kamal" in browser.page_source
    assert graph.requests[-1]["method"] == "GET" and graph.posts() == []  # a check posts nothing
    shot(browser, "social-channels-operator.png")

    browser.get(f"{base}/social-posts/")
    browser.find_element(By.ID, "text").send_keys("Penyaluran BLT Dana Desa tahap 2 selesai: 120 keluarga menerima.")
    browser.find_element(By.ID, "instagram").click()
    browser.find_element(By.ID, "post-social").click()
    # Instagram without an image is refused in the form, before anything is queued.
    waiting(browser, 30).until(lambda d: "Instagram hanya menerima unggahan dengan gambar" in d.page_source)
    assert not queued_tasks("filesystem://", tmp_var, "notifications")
    browser.find_element(By.ID, "image_url").send_keys(IMAGE)
    browser.find_element(By.ID, "post-social").click()
    waiting(browser, 30).until(lambda d: "Pengumuman diantrekan untuk facebook, instagram" in d.page_source)
    graph.fail_next("rate")  # the first Graph call is throttled; the task comes back and posts
    [payload] = _run_queued(notif, tmp_var)
    assert payload["requested_by"] == "operator" and payload["image_url"] == IMAGE
    browser.get(f"{base}/social-posts/")
    rows = browser.find_element(By.ID, "social-posts-table").text
    assert rows.count("terunggah") == 2, rows
    assert sorted(p["published"] for p in graph.posts()) == ["facebook", "instagram"]
    shot(browser, "social-posts-operator.png")

    log_in(browser, base, "auditor")
    browser.get(f"{base}/social-posts/")
    assert "terunggah" in browser.find_element(By.ID, "social-posts-table").text
    assert not browser.find_elements(By.ID, "post-social")
    browser.get(f"{base}/social-channels/")
    assert "social-table" not in browser.page_source
