"""Admin fixtures: one seeded registry database per backend (SQLite + filesystem broker, PostgreSQL + Redis),
and for the Chromium tests an admin of their own served on a real socket."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from tests.admin.stack import make_admin_app, prepare_admin_database
from tests.conftest import REDIS_BASE, REDIS_DB_BY_AREA, PgDatabases
from tests.helpers.servers import ServedApp

ADMIN_REDIS = f"{REDIS_BASE}/{REDIS_DB_BY_AREA['admin']}"


@dataclass
class Stack:
    backend: str
    url: str
    broker: str
    var: Path
    app: object

    def flush_broker(self) -> None:
        if self.broker.startswith("redis"):
            client = redis.Redis.from_url(self.broker)
            client.flushdb()
            client.close()
        else:
            for path in (self.var / "broker").glob("*.msg"):
                path.unlink()


# Package scope: seeding costs seconds, and the env vars set here must not outlive tests/admin.
@pytest.fixture(scope="package", params=["sqlite", "postgres"])
def stack(request, tmp_path_factory):
    """A migrated, seeded database and an admin app bound to it, shared by the admin tests of one backend."""
    var = tmp_path_factory.mktemp(f"admin-{request.param}") / "var"
    var.mkdir()
    pg = PgDatabases()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BANSOS_VAR", str(var))
        mp.setenv("BANSOS_DEMO", "1")
        if request.param == "sqlite":
            url, broker = f"sqlite:///{var / 'registry.db'}", "filesystem://"
        else:
            url, broker = pg.create("admin"), ADMIN_REDIS
        prepare_admin_database(url)
        app = make_admin_app(url, broker, bootstrap=False)
        built = Stack(request.param, url, broker, var, app)
        built.flush_broker()
        try:
            yield built
        finally:
            built.flush_broker()
            app.extensions["database"].engine.dispose()
            pg.drop_all()


@pytest.fixture
def client(stack):
    with stack.app.test_client() as test_client:
        yield test_client


@pytest.fixture
def db(stack):
    """A session on the stack's database for assertions (closed after the test)."""
    from sqlalchemy.orm import Session

    session = Session(stack.app.extensions["database"].engine)
    yield session
    session.close()


@pytest.fixture
def served_admin(tmp_var):
    """(app, base url): the seeded demo on SQLite + filesystem broker, CSRF on as in production, served for Chromium."""
    url = f"sqlite:///{tmp_var / 'registry.db'}"
    prepare_admin_database(url)
    app = make_admin_app(url, "filesystem://", bootstrap=False, WTF_CSRF_ENABLED=True, TESTING=False)
    with ServedApp(app) as served:
        yield app, served.url
    app.extensions["database"].engine.dispose()
