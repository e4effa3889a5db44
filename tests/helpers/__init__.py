"""Shared test helpers, one home each: ``polling`` (wait_for), ``servers`` (free ports, a private
redis-server, a served WSGI app), ``cli`` (the ``bansos`` command), ``browser`` (Chromium, logging in,
waiting on a page, screenshots).

``from tests.helpers import wait_for, free_port`` stays the short way for the two used everywhere."""
from tests.helpers.polling import wait_for  # noqa: F401
from tests.helpers.servers import free_port  # noqa: F401
