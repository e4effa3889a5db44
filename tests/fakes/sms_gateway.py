"""A local threaded HTTP server speaking the SMS gateway's shape, recording every request."""
from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.conftest import free_port


class FakeSmsGateway:
    """``FakeSmsGateway(token).start()`` -> url; ``.requests`` holds the JSON bodies; ``.fail_next(n, status)``."""

    def __init__(self, token: str = "gateway-token") -> None:
        self.token = token
        self._lock = threading.Lock()
        self._requests: list[dict] = []
        self._failures: list[int] = []
        self._server: ThreadingHTTPServer | None = None
        self.url: str | None = None

    @property
    def requests(self) -> list[dict]:
        with self._lock:
            return list(self._requests)

    def fail_next(self, count: int, status: int) -> None:
        with self._lock:
            self._failures.extend([status] * count)

    def _next_status(self) -> int | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    def _record(self, body: dict, accepted: bool) -> None:
        with self._lock:
            self._requests.append({**body, "_accepted": accepted})

    def start(self) -> str:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    return self._answer(400, {"error": "invalid JSON"})
                if self.headers.get("Authorization") != f"Bearer {gateway.token}":
                    gateway._record(body, False)
                    return self._answer(401, {"error": "invalid token"})
                status = gateway._next_status()
                if status is not None:
                    gateway._record(body, False)
                    return self._answer(status, {"error": f"simulated {status}"})
                if not body.get("to") or not body.get("message"):
                    gateway._record(body, False)
                    return self._answer(400, {"error": "to and message are required"})
                gateway._record(body, True)
                return self._answer(201, {"message_id": uuid.uuid4().hex, "status": "accepted"})

        self._server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1/sms"
        return self.url

    def accepted(self) -> list[dict]:
        return [r for r in self.requests if r["_accepted"]]

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
