"""The three service apps with their demo data, on SQLite and on PostgreSQL, for the contract tests."""
from __future__ import annotations

import pytest

from tests.conftest import PgDatabases

TOKEN = "token-uji-openapi"


def _registry_app(var, database):
    from services.registry import schema
    from services.registry.app import create_app
    from services.registry.cli.demo.seed import seed_demo

    url = database("registry")
    schema.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SERVICE_TOKEN": TOKEN})
    with app.app_context():
        seed_demo(app.extensions["database"].session)
    return app


def _reports_app(var, database):
    from services.reports import schema
    from services.reports.app import create_app
    from tests.reports.conftest import fill_registry

    registry_url, url = database("registry"), database("reports")
    from services.registry import schema as registry_schema

    registry_schema.upgrade(registry_url)
    fill_registry(registry_url)
    schema.upgrade(url)
    return create_app({"DATABASE_URL": url, "REGISTRY_READ_URL": registry_url, "SERVICE_TOKEN": TOKEN,
                       "REPORTS_STORE": str(var / "reports")})


def _notifications_app(var, database):
    from services.notifications import schema
    from services.notifications.app import create_app

    url = database("notifications")
    schema.upgrade(url)
    return create_app({"DATABASE_URL": url, "SERVICE_TOKEN": TOKEN})


FACTORIES = {"registry": _registry_app, "reports": _reports_app, "notifications": _notifications_app}


@pytest.fixture(scope="module", params=[(service, backend) for service in sorted(FACTORIES)
                                         for backend in ("sqlite", "postgres")], ids="-".join)
def service_app(request, tmp_path_factory):
    """Every service on both databases: PostgreSQL's 32-bit integers overflow where SQLite's do not."""
    service, backend = request.param
    var = tmp_path_factory.mktemp(f"openapi-{service}-{backend}")
    pg = PgDatabases()

    def database(name: str) -> str:
        return pg.create(name) if backend == "postgres" else f"sqlite:///{var / f'{name}.db'}"

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BANSOS_VAR", str(var))
        mp.setenv("BANSOS_DEMO", "1")
        app = FACTORIES[service](var, database)
        try:
            yield app
        finally:
            app.extensions["database"].engine.dispose()
            pg.drop_all()
