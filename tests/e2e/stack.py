"""Helpers for the e2e test: start scripts/run on free ports, wait for health, read its registry."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import urllib.request
from pathlib import Path

from tests.helpers import free_port, wait_for
from tests.helpers.paths import REPO

SERVICES = ("ADMIN", "REGISTRY", "NOTIFICATIONS", "REPORTS")


class Stack:
    """scripts/run in its own process group, on free ports, with a private BANSOS_VAR."""

    def __init__(self, var: Path):
        self.var = var
        self.ports = {name: free_port() for name in SERVICES}
        self.log = (var.parent / "stack.log").open("w")
        env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
        env.update({f"{name}_PORT": str(port) for name, port in self.ports.items()})
        env.update(BANSOS_VAR=str(var))
        env.pop("CELERY_BROKER_URL", None)
        env.pop("REDIS_URL", None)
        self.proc = subprocess.Popen(
            [str(REPO / "scripts/run")], cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def url(self, service: str = "ADMIN", path: str = "/") -> str:
        return f"http://127.0.0.1:{self.ports[service]}{path}"

    def healthy(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"scripts/run berhenti (kode {self.proc.returncode}):\n{self.tail()}")
        for name in SERVICES:
            try:
                with urllib.request.urlopen(self.url(name, "/health"), timeout=2) as resp:
                    if json.load(resp).get("status") != "ok":
                        return False
            except (OSError, ValueError):
                return False
        return True

    def wait_healthy(self, timeout: float = 180) -> None:
        wait_for(self.healthy, timeout=timeout)

    def tail(self, lines: int = 60) -> str:
        self.log.flush()
        return "\n".join((self.var.parent / "stack.log").read_text().splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()

    def registry_rows(self, sql: str, *args) -> list[tuple]:
        with sqlite3.connect(self.var / "registry.db") as conn:
            return conn.execute(sql, args).fetchall()

