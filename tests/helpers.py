"""Helpers for tests: ``from tests.helpers import wait_for, free_port``."""
from tests.conftest import PgDatabases, Processes, free_port, wait_for  # noqa: F401
