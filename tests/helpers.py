"""Helpers for tests: ``from tests.helpers import waiting, wait_for, free_port``."""
from tests.conftest import PgDatabases, Processes, free_port, wait_for  # noqa: F401


def waiting(driver, seconds: float = 30):
    """A WebDriverWait that looks again when a page reload left it holding a stale element."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds, ignored_exceptions=(StaleElementReferenceException,))
