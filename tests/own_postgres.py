"""A private PostgreSQL cluster for chaos tests: restarting the shared server on 5432 would break every
other test running beside us, so the test that restarts PostgreSQL starts its own (initdb into a temporary
folder, trust auth, a free port) and stops and deletes it afterwards.

initdb and postgres refuse to run as root; as root the binaries run as the ``postgres`` system user
(``runuser -u postgres``), with the data folder handed to that user."""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

from tests.conftest import free_port

PG_BIN = Path(os.environ.get("BANSOS_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))


def unavailable_reason() -> str | None:
    """Why a private cluster cannot be started here (the test is skipped with this text), or None."""
    for tool in ("initdb", "pg_ctl", "postgres"):
        if not (PG_BIN / tool).is_file():
            return f"PostgreSQL binaries not found ({PG_BIN / tool}); set BANSOS_TEST_PG_BIN"
    if os.geteuid() == 0:
        if not shutil.which("runuser"):
            return "running as root and runuser is missing: initdb refuses root"
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a postgres system user to run initdb as"
    return None


class OwnPostgres:
    def __init__(self) -> None:
        # Not pytest's tmp_path: as root that lives under a 0700 folder the postgres user cannot enter.
        self.folder = Path(tempfile.mkdtemp(prefix="bansos-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.port = free_port()
        if os.geteuid() == 0:
            os.chown(self.folder, pwd.getpwnam("postgres").pw_uid, -1)

    def _run(self, *args: str, timeout: float = 60) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *args], check=True, timeout=timeout, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)

    def _ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", options, action, *extra)

    def init(self) -> OwnPostgres:
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync",
                  "-E", "UTF8", "--locale", "C")
        self.start()
        return self

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def create_database(self, name: str) -> str:
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def destroy(self) -> None:
        try:
            self._ctl("stop", "-m", "immediate")
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def cluster():
    """A started private cluster (import this fixture into the test module); skipped when impossible here."""
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    server = OwnPostgres().init()
    yield server
    server.destroy()
