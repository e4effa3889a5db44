"""A local threaded HTTP server speaking the SMS gateway's shape, recording every request.

Like the documented gateway contract it drops a repeated ``reference``: the answer repeats the first
message id and nothing is delivered twice (the request is recorded with ``_duplicate``)."""
from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.conftest import free_port


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # many keep-alive clients at once in the benchmark


class FakeSmsGateway:
    """``FakeSmsGateway(token).start()`` -> url; ``.requests`` holds the JSON bodies; ``.fail_next(n, status)``."""

    def __init__(self, token: str = "gateway-token") -> None:
        self.token = token
        self._lock = threading.Lock()
        self._requests: list[dict] = []
        self._failures: list[int] = []
        self._server: ThreadingHTTPServer | None = None
        self._by_reference: dict[str, str] = {}
        self.delay = 0.0  # seconds each request takes (to catch a worker mid-batch)
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

    def _record(self, body: dict, accepted: bool, duplicate: bool = False) -> None:
        with self._lock:
            self._requests.append({**body, "_accepted": accepted, "_duplicate": duplicate, "_at": time.time()})

    def _accept(self, body: dict) -> tuple[str, bool]:
        """(message id, was a duplicate) for an accepted request."""
        with self._lock:
            reference = body.get("reference")
            if reference and reference in self._by_reference:
                self._requests.append({**body, "_accepted": False, "_duplicate": True, "_at": time.time()})
                return self._by_reference[reference], True
            message_id = uuid.uuid4().hex
            if reference:
                self._by_reference[reference] = message_id
            self._requests.append({**body, "_accepted": True, "_duplicate": False, "_at": time.time()})
            return message_id, False

    def start(self) -> str:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real gateways do
            # Headers and body in one packet, no Nagle: otherwise every keep-alive request waits for a
            # delayed ACK (~40 ms) and the stand-in, not the client, would be what a benchmark measures.
            disable_nagle_algorithm = True
            wbufsize = 65536
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
                if gateway.delay:
                    time.sleep(gateway.delay)
                message_id, duplicate = gateway._accept(body)
                return self._answer(200 if duplicate else 201,
                                    {"message_id": message_id, "status": "duplicate" if duplicate else "accepted"})

        self._server = _Server(("127.0.0.1", free_port()), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1/sms"
        return self.url

    def accepted(self) -> list[dict]:
        return [r for r in self.requests if r["_accepted"]]

    def duplicates(self) -> list[dict]:
        return [r for r in self.requests if r.get("_duplicate")]

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
