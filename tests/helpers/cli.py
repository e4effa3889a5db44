"""The ``bansos`` command as an operator types it, run from this checkout."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.paths import REPO

BANSOS = Path(sys.executable).with_name("bansos")


def bansos(*args: str, url: str | None = None, var: Path, demo: bool = True, **env: str) -> subprocess.CompletedProcess:
    """``bansos ARGS`` against the registry at ``url`` with a private BANSOS_VAR; ``demo`` allows the demo commands.

    PYTHONPATH: the venv's console script must run this checkout's code, also from a git worktree sharing the venv."""
    full_env = {**os.environ, "BANSOS_VAR": str(var), "PYTHONPATH": str(REPO), **env}
    if url is not None:
        full_env["REGISTRY_DATABASE_URL"] = url
    if demo:
        full_env["BANSOS_DEMO"] = "1"
    return subprocess.run([str(BANSOS), *args], cwd=REPO, env=full_env, capture_output=True, text=True, timeout=120)
