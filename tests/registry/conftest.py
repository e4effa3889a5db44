"""Registry fixtures: a migrated registry database on SQLite (embedded) or real PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from services.common.db import make_engine
from services.registry import schema
from services.registry.cli.demo.roster import roster_rows, write_roster


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def registry_url(request, tmp_var):
    """A fresh, migrated registry database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_var / 'registry.db'}"
    else:
        url = request.getfixturevalue("pg").create("registry")
    schema.upgrade(url)
    return url


@pytest.fixture
def engine(registry_url):
    engine = make_engine(registry_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def write_csv(tmp_path):
    """Write rows (lists of cells, header first) as a CSV file and return its path."""

    def write(rows: list[list[str]], name: str = "roster.csv", delimiter: str = ",", bom: bool = False):
        path = tmp_path / name
        text = "\n".join(delimiter.join(cells) for cells in rows) + "\n"
        path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def demo_roster(tmp_path):
    """A generated roster file: ``demo_roster(households, invalid, name)`` -> (path, rows)."""

    def make(households: int = 30, invalid: int = 11, name: str = "demo.csv", seed: int = 7):
        rows = roster_rows(households, invalid, seed)
        return write_roster(tmp_path / name, rows), rows

    return make
