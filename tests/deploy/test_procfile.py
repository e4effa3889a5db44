"""The Procfile runs every process and each command points at real code."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.deploy.commands import problems, split

REPO = Path(__file__).resolve().parents[2]
PROCESSES = {
    "admin", "registry_api", "registry_worker", "notifications_api", "notifications_worker",
    "reports_api", "reports_worker", "reports_beat", "registry_beat",
    "notifications_beat",
}


def _procfile() -> dict[str, list[str]]:
    entries = {}
    for line in (REPO / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            entries[name] = split(command.replace("$VENV/bin/", ""))
    return entries


def test_procfile_has_every_process():
    assert set(_procfile()) == PROCESSES


@pytest.mark.parametrize("name", sorted(PROCESSES))
def test_procfile_command_refers_to_existing_code(name):
    command = _procfile()[name]
    service = name.split("_")[0]
    assert problems(command) == []
    if "gunicorn" in command[0]:
        assert f"127.0.0.1:${service.upper()}_PORT" in " ".join(command)


def test_scripts_are_executable():
    for script in ("scripts/run", "scripts/test", ".ci/run"):
        assert (REPO / script).stat().st_mode & 0o111, script
