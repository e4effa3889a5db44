"""A local stand-in (tests/fakes/http.py) speaking the SMS gateway's shape, recording every request.

Like the documented gateway contract it drops a repeated ``reference``: the answer repeats the first
message id and nothing is delivered twice (the request is recorded with ``_duplicate``)."""
from __future__ import annotations

import json
import threading
import time
import uuid

from tests.fakes.http import JsonStandIn


class FakeSmsGateway(JsonStandIn):
    """``FakeSmsGateway(token).start()`` -> url; ``.requests`` holds the JSON bodies; ``.fail_next(n, status)``."""

    url_path = "/v1/sms"

    def __init__(self, token: str = "gateway-token") -> None:
        self.token = token
        self._lock = threading.Lock()
        self._requests: list[dict] = []
        self._failures: list[int] = []
        self._by_reference: dict[str, str] = {}
        self.delay = 0.0  # seconds each request takes (to catch a worker mid-batch)

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

    def post(self, path: str, headers, raw: bytes) -> tuple[int, dict]:
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return 400, {"error": "invalid JSON"}
        if headers.get("Authorization") != f"Bearer {self.token}":
            self._record(body, False)
            return 401, {"error": "invalid token"}
        status = self._next_status()
        if status is not None:
            self._record(body, False)
            return status, {"error": f"simulated {status}"}
        if not body.get("to") or not body.get("message"):
            self._record(body, False)
            return 400, {"error": "to and message are required"}
        if self.delay:
            time.sleep(self.delay)
        message_id, duplicate = self._accept(body)
        answer = {"message_id": message_id, "status": "duplicate" if duplicate else "accepted"}
        return (200 if duplicate else 201), answer

    def accepted(self) -> list[dict]:
        return [r for r in self.requests if r["_accepted"]]

    def duplicates(self) -> list[dict]:
        return [r for r in self.requests if r.get("_duplicate")]
