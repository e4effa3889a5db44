"""Free ports, redis-servers of a test's own (for tests that stop or restart the broker) and WSGI apps
served on a real socket."""
from __future__ import annotations

import socket
import subprocess
import threading
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


class ServedApp:
    """A WSGI app on 127.0.0.1:<free port>, served from a thread until ``close`` (or the end of a ``with``)."""

    def __init__(self, app) -> None:
        from werkzeug.serving import make_server

        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def __enter__(self) -> ServedApp:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
