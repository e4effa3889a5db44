"""Free ports and redis-servers of a test's own, for tests that stop or restart the broker."""
from __future__ import annotations

import socket
import subprocess
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_pings(port: int) -> bool:
    """A raw PING, so the conftest can ask before the redis client library is imported."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_server(port: int, *, folder: Path | None = None, appendonly: bool = False,
                 own_session: bool = False) -> subprocess.Popen:
    """A redis-server on ``port``, not yet waited for (a restart test waits with its own message).

    ``appendonly`` with a ``folder`` keeps the queue across a clean restart, like a production broker;
    ``own_session`` keeps a test's signal to its process group away from the server."""
    args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "yes" if appendonly else "no", "--daemonize", "no"]
    if folder is not None:
        args += ["--dir", str(folder)]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=own_session)
