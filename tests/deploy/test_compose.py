"""docker-compose.yml is valid compose and every service command points at real code."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.deploy.commands import problems, split

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"
EXPECTED = {
    "postgres", "redis", "migrate", "registry-api", "registry-worker", "notifications-api",
    "notifications-worker", "reports-api", "reports-worker", "reports-beat", "registry-beat", "notifications-beat", "admin",
    "flower",
    "nginx",
}


def _services() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def test_compose_matches_the_compose_spec():
    checker = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_has_every_process_and_one_beat():
    services = _services()
    assert set(services) == EXPECTED
    beats = [name for name, svc in services.items() if "beat" in split(svc.get("command", []))]
    # One beat per service schedule, each a single replica: two of either would run its schedule twice.
    assert sorted(beats) == ["notifications-beat", "registry-beat", "reports-beat"]
    assert all(services[name].get("deploy", {}).get("replicas") == 1 for name in beats)
    assert "noeviction" in services["redis"]["command"]


def test_app_services_wait_for_migrate():
    for name, svc in _services().items():
        if svc.get("image") == "bansos:latest" and name != "migrate":
            assert svc["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name


@pytest.mark.parametrize("name", sorted(EXPECTED - {"postgres", "redis", "nginx", "flower"}))
def test_service_command_refers_to_existing_code(name):
    command = split(_services()[name]["command"])
    assert problems(command) == []


def test_dockerfiles_and_mounted_paths_exist():
    for name, svc in _services().items():
        build = svc.get("build")
        if build:
            assert (REPO / build["context"] / build["dockerfile"]).is_file(), name
        for volume in svc.get("volumes", []):
            if volume.startswith("./"):
                assert (REPO / volume.split(":")[0]).exists(), volume


def test_nginx_upstreams_are_compose_services():
    services = _services()
    upstreams = re.findall(r"server\s+([\w-]+):(\d+);", (REPO / "deploy/nginx/bansos.conf").read_text())
    assert upstreams, "nginx tanpa upstream"
    for host, port in upstreams:
        assert host in services
        assert port in " ".join(split(services[host]["command"]))


def test_postgres_init_creates_one_database_per_service():
    sql = (REPO / "deploy/postgres/10-create-databases.sql").read_text()
    for db in ("bansos_registry", "bansos_notifications", "bansos_reports"):
        assert f"CREATE DATABASE {db};" in sql


def test_env_example_lists_every_compose_variable():
    used = set(re.findall(r"\$\{(\w+)", COMPOSE.read_text()))
    listed = {line.split("=", 1)[0] for line in (REPO / ".env.example").read_text().splitlines()
              if "=" in line and not line.startswith("#")}
    assert used <= listed, used - listed


def test_compose_requires_every_secret_the_code_reads():
    # Outside demo mode a secret() without its variable stops the process: compose must pass each one.
    read = set(re.findall(r'secret\("(\w+)"', "\n".join(
        p.read_text() for folder in ("services", "admin") for p in (REPO / folder).rglob("*.py"))))
    assert read, "tidak ada secret() yang terbaca"
    env = yaml.safe_load(COMPOSE.read_text())["x-bansos-env"]
    missing = {name for name in read if f"${{{name}:?" not in str(env.get(name, ""))}
    assert missing == set(), missing


def test_nginx_routes_the_public_site_and_the_registry_public_checks():
    conf = (REPO / "deploy/nginx/bansos.conf").read_text()
    routes = dict(re.findall(r"location\s+(?:~\s+)?(\S+)\s*\{\s*proxy_pass\s+http://(\w+);", conf))
    assert routes["/publik/"] == "reports_public"
    assert routes["^/public/(certificates|cycles)/"] == "registry_public"
    assert routes["/"] == "admin"
