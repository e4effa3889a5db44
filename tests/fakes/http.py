"""What every local HTTP stand-in shares: a threaded server on a free port that answers in JSON.

A stand-in subclasses ``JsonStandIn`` and answers ``post(path, headers, raw)`` (and ``get(path, query)``
if its provider has reads) with ``(status, body)``; the shapes it answers in stay its provider's own.
``start()`` returns the url; ``with Stand-in() as fake:`` starts and stops it."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from tests.helpers.servers import free_port


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # many keep-alive clients at once in the benchmarks


class JsonStandIn:
    url_path = ""  # appended to http://127.0.0.1:<port> in ``url``
    url: str | None = None
    _server: ThreadingHTTPServer | None = None

    def post(self, path: str, headers, raw: bytes) -> tuple[int, dict]:
        return 404, {"error": "unknown path"}

    def get(self, path: str, query: dict) -> tuple[int, dict] | None:
        """``None``: the stand-in has no reads (the server answers 501, as http.server does)."""
        return None

    def start(self) -> str:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real providers do
            # Headers and body in one packet, no Nagle: otherwise every keep-alive request waits for a
            # delayed ACK (~40 ms) and the stand-in, not the client, would be what a benchmark measures.
            disable_nagle_algorithm = True
            wbufsize = 65536

            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                path, _, query = self.path.partition("?")
                answer = stand_in.get(path, {k: v[0] for k, v in parse_qs(query).items()})
                if answer is None:
                    return self.send_error(501, f"Unsupported method ({self.command!r})")
                return self._send(*answer)

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._send(*stand_in.post(self.path, self.headers, raw))

            def _send(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = _Server(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}{self.url_path}"
        return self.url

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
