"""Importing worker modules builds an app: give it a private var/ and demo settings."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_var(tmp_var):
    return tmp_var
