"""Headless Chromium for the browser tests: the driver, logging in through the admin's login form, waiting
on a page, and screenshots kept under test-artifacts/ for a person to look at.

The ``browser`` fixture (tests/conftest.py) and ``served_admin`` (tests/admin/conftest.py) are built on these."""
from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.helpers.paths import ARTIFACTS

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
needs_chromium = pytest.mark.skipif(not Path(CHROMEDRIVER).exists(), reason="chromedriver tidak terpasang")
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync")


def chromium(*, window: str = "1366,900", downloads: Path | None = None) -> webdriver.Chrome:
    """Headless Chromium that keeps the page's console (the CSP checks read it); files it downloads go to
    ``downloads``. ``window`` "412,900" is a cheap phone."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--window-size={window}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if downloads is not None:
        options.add_experimental_option("prefs", {"download.default_directory": str(downloads)})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def waiting(driver, seconds: float = 30) -> WebDriverWait:
    """A WebDriverWait that looks again when a page reload left it holding a stale element."""
    return WebDriverWait(driver, seconds, ignored_exceptions=(StaleElementReferenceException,))


def wait_text(driver, text: str, timeout: float = 60) -> None:
    """Wait until ``text`` is on the page (a flash message, a status the page polls for)."""
    waiting(driver, timeout).until(lambda d: text in d.page_source, message=f"'{text}' on {driver.current_url}")


def log_in(driver, base: str, username: str, password: str | None = None) -> None:
    """Log out, then in through the real form (the demo users' password unless told); retried when a loaded
    machine makes Chromium see a page mid-reload."""
    if password is None:
        from admin.bootstrap import DEMO_PASSWORD as password
    for attempt in range(3):
        try:
            driver.get(f"{base}/logout/")
            driver.get(f"{base}/login/")
            waiting(driver, 30).until(expected_conditions.presence_of_element_located((By.NAME, "username")))
            driver.find_element(By.NAME, "username").send_keys(username)
            driver.find_element(By.NAME, "password").send_keys(password)
            driver.find_element(By.CSS_SELECTOR, "input[type=submit], button[type=submit]").click()
            waiting(driver, 30).until(lambda d: "/login" not in d.current_url)
            return
        except (StaleElementReferenceException, TimeoutException) as exc:
            if attempt == 2:
                raise TimeoutException(f"login as {username} failed: {driver.current_url}") from exc


def fetch(driver, url: str) -> bytes:
    """Download ``url`` with the browser's session cookie (what headless Chromium downloads is hard to observe)."""
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookies}), timeout=30) as response:
        return response.read()


class Screenshots:
    """``shot = Screenshots("capacity")``, then ``shot(driver, "x.png")`` keeps test-artifacts/capacity/x.png."""

    def __init__(self, folder: str) -> None:
        self.folder = ARTIFACTS / folder

    def __call__(self, driver, name: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / name
        driver.save_screenshot(str(path))
        return path
