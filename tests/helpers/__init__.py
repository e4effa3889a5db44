"""Shared test helpers, one home each: ``polling`` (wait_for), ``servers`` (free ports, a private
redis-server), ``cli`` (the ``bansos`` command), ``browser`` (Chromium, logging in, screenshots).

``from tests.helpers import wait_for, free_port`` stays the short way for the two used everywhere."""
from tests.helpers.polling import wait_for  # noqa: F401
from tests.helpers.servers import free_port  # noqa: F401


def waiting(driver, seconds: float = 30):
    """A WebDriverWait that looks again when a page reload left it holding a stale element."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds, ignored_exceptions=(StaleElementReferenceException,))
