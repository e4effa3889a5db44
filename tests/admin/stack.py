"""Builds a migrated, seeded registry database with the admin's roles and demo users, for admin tests."""
from __future__ import annotations

import base64
import contextlib
import json
from pathlib import Path

from sqlalchemy.orm import Session

from admin.bootstrap import DEMO_PASSWORD
from services.common.db import make_engine


def prepare_database(url: str) -> None:
    """Registry history, then the admin's (ab_user points at organisation), then the demo data of both villages.

    Seeding 300 households takes seconds: an empty database gets a copy of the first one the session built."""
    from tests.dbtemplates import snapshot

    snapshot("admin-seeded-demo", url, _migrate_and_seed)


def _migrate_and_seed(url: str) -> None:
    from admin import schema as admin_schema
    from services.registry import schema as registry_schema
    from services.registry.cli.demo.seed import seed_demo
    from services.registry.cli.demo.villages import seed_gili_anyar

    registry_schema.upgrade(url)
    admin_schema.upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            seed_demo(session)
            seed_gili_anyar(session)
    finally:
        engine.dispose()


def prepare_admin_database(url: str) -> None:
    """``prepare_database`` plus the admin's roles, permissions and demo users, as ``make_admin_app`` leaves them.

    Syncing FAB's permissions and hashing eight passwords takes seconds: later calls copy the first result.
    Pair with ``make_admin_app(url, broker, bootstrap=False)``."""
    from tests.dbtemplates import snapshot

    snapshot("admin-bootstrapped-demo", url, _prepare_and_bootstrap)


def _prepare_and_bootstrap(url: str) -> None:
    prepare_database(url)
    app = make_admin_app(url, "memory://")
    app.extensions["database"].engine.dispose()


def make_admin_app(url: str, broker: str, *, bootstrap: bool = True, **extra):
    """An admin app on ``url`` with roles and demo users in place (CSRF off for the test client).

    ``bootstrap=False`` skips creating them: for a database from ``prepare_admin_database``, which has them."""
    from admin.app import create_app
    from admin.bootstrap import create_demo_users, init_security

    # Login rate limiting off by default: the tests log in far more often than a person would
    # (tests/admin/system/test_hardening.py switches it on to check it).
    config = {"SQLALCHEMY_DATABASE_URI": url, "CELERY_BROKER_URL": broker, "WTF_CSRF_ENABLED": False,
              "TESTING": True, "RATELIMIT_ENABLED": False, **extra}
    app = create_app(config)
    if bootstrap:
        with app.app_context():
            init_security(app.appbuilder)
            create_demo_users(app.appbuilder)
    return app


@contextlib.contextmanager
def demo_admin_app(folder: Path):
    """The bootstrapped demo admin on SQLite under ``folder``/var, for module-scoped fixtures."""
    import pytest

    var = folder / "var"
    var.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BANSOS_VAR", str(var))
        mp.setenv("BANSOS_DEMO", "1")
        url = f"sqlite:///{var / 'registry.db'}"
        prepare_admin_database(url)
        app = make_admin_app(url, "filesystem://", bootstrap=False)
        app.config["TEST_VAR"] = var
        try:
            yield app
        finally:
            app.extensions["database"].engine.dispose()


def login(client, username: str, password: str = DEMO_PASSWORD):
    client.get("/logout/")
    return client.post("/login/", data={"username": username, "password": password})


def _decode_kombu(message: dict) -> tuple[str, dict]:
    body = message["body"]
    if message.get("properties", {}).get("body_encoding") == "base64":
        body = base64.b64decode(body)
    args, kwargs, _embed = json.loads(body)
    return message["headers"]["task"], kwargs


def queued_tasks(broker: str, var: Path, queue: str) -> list[tuple[str, dict]]:
    """Tasks waiting on ``queue`` of the filesystem or Redis broker, as (name, kwargs), oldest first."""
    if broker.startswith("filesystem"):
        folder = var / "broker"
        files = sorted(folder.glob(f"*.{queue}.msg"), key=lambda p: int(p.name.split("_", 1)[0]))
        return [_decode_kombu(json.loads(path.read_text())) for path in files]
    import redis

    client = redis.Redis.from_url(broker)
    try:
        # kombu LPUSHes: the oldest message is at the right end.
        raw = list(reversed(client.lrange(queue, 0, -1)))
    finally:
        client.close()
    return [_decode_kombu(json.loads(item)) for item in raw]
