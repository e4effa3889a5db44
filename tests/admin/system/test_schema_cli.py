"""The admin's migration history, its CLI commands and the app factory."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, text

from admin import schema as admin_schema
from admin.cli import create_demo_users_command, init_admin
from services.common.db import make_engine
from services.registry import schema as registry_schema
from tests.admin.stack import prepare_database


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_url(request, tmp_var, pg):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_var / 'registry.db'}"
    return pg.create("admin_schema")


def tables(url) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_admin_history_adds_only_ab_tables_and_is_repeatable(fresh_url):
    registry_schema.upgrade(fresh_url)
    before = tables(fresh_url)
    admin_schema.upgrade(fresh_url)
    admin_schema.upgrade(fresh_url)
    added = tables(fresh_url) - before
    assert "ab_user" in added and "ab_role" in added and "alembic_version_admin" in added
    assert all(name.startswith("ab_") for name in added - {"alembic_version_admin"})
    engine = make_engine(fresh_url)
    try:
        with engine.connect() as conn:
            registry_version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            admin_version = conn.execute(text("SELECT version_num FROM alembic_version_admin")).scalar()
        columns = {c["name"] for c in inspect(engine).get_columns("ab_user")}
        foreign = inspect(engine).get_foreign_keys("ab_user")
    finally:
        engine.dispose()
    assert registry_version and admin_version == "a0003" and registry_version != admin_version
    assert {"organisation_id", "locked_until", "area_id"} <= columns
    assert any(fk["referred_table"] == "organisation" for fk in foreign)


def test_cli_init_admin_is_idempotent_and_demo_users_need_demo_mode(fresh_url, monkeypatch):
    prepare_database(fresh_url)
    monkeypatch.setenv("REGISTRY_DATABASE_URL", fresh_url)
    runner = CliRunner()
    first = runner.invoke(init_admin)
    second = runner.invoke(init_admin)
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    for role in ("Admin", "Operator Desa", "Mitra LSM", "Mitra CSR", "Auditor"):
        assert role in second.output
    monkeypatch.delenv("BANSOS_DEMO")
    monkeypatch.setenv("ADMIN_SECRET_KEY", "uji-rahasia")
    monkeypatch.setenv("SERVICE_TOKEN", "uji-token")
    refused = runner.invoke(create_demo_users_command)
    assert refused.exit_code != 0 and "BANSOS_DEMO=1" in refused.output
    forced = runner.invoke(create_demo_users_command, ["--force"])
    again = runner.invoke(create_demo_users_command, ["--force"])
    assert forced.exit_code == 0 and again.exit_code == 0, forced.output + again.output
    engine = make_engine(fresh_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT u.username, o.name FROM ab_user u LEFT JOIN organisation o ON o.id = u.organisation_id"
            )).all()
    finally:
        engine.dispose()
    assert dict(rows) == {"admin": None, "operator": "Pemerintah Desa Kamal", "mitra_lsm": "Yayasan Madura Sejahtera",
                          "mitra_csr": "PT Garam Bangkalan Lestari", "auditor": None,
                          "kepala_desa": "Pemerintah Desa Kamal", "bpd": "Pemerintah Desa Kamal", "pengawas": None,
                          "operator_gilianyar": "Pemerintah Desa Gili Anyar",
                          "kepala_desa_gilianyar": "Pemerintah Desa Gili Anyar", "camat_kamal": None, "dinsos": None}


def test_create_demo_users_explains_missing_roles(tmp_var, monkeypatch):
    url = f"sqlite:///{tmp_var / 'registry.db'}"
    prepare_database(url)
    monkeypatch.setenv("REGISTRY_DATABASE_URL", url)
    result = CliRunner().invoke(create_demo_users_command)
    assert result.exit_code != 0 and "bansos init-admin" in result.output


def test_two_apps_in_one_process_both_serve(tmp_var):
    from admin.app import create_app

    url = f"sqlite:///{tmp_var / 'registry.db'}"
    prepare_database(url)
    first, second = create_app({"SQLALCHEMY_DATABASE_URI": url}), create_app({"SQLALCHEMY_DATABASE_URI": url})
    for app in (first, second):
        page = app.test_client().get("/login/")
        assert page.status_code == 200 and b'name="username"' in page.data
        assert app.config["APP_NAME"] == "Bansos" and app.config["BABEL_DEFAULT_LOCALE"] == "id"
        assert app.config["FAB_UPDATE_PERMS"] is False


def test_production_mode_requires_secrets(tmp_var, monkeypatch):
    from admin.config import load_config
    from services.common.settings import SettingsError

    monkeypatch.delenv("BANSOS_DEMO")
    monkeypatch.delenv("ADMIN_SECRET_KEY", raising=False)
    with pytest.raises(SettingsError, match="ADMIN_SECRET_KEY"):
        load_config()
