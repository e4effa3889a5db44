"""Helpers for tests: ``from tests.helpers import wait_for, free_port``."""
from tests.conftest import Processes, PgDatabases, free_port, wait_for  # noqa: F401
