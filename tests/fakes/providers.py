"""A local HTTP stand-in for Zenziva, Infobip, the WhatsApp Cloud API and Graph Page/Instagram publishing.

``ProviderStandIn().start()`` or ``with ProviderStandIn() as fake`` (tests/fakes/http.py); ``.requests`` holds
``{"path", "headers", "body"}``; ``.fail_next(kind)`` queues a scripted answer: "rate" (429 in the provider's
own error shape), "down" (503), "reject"."""
from __future__ import annotations

import json
import threading
import uuid
from urllib.parse import parse_qs

from tests.fakes.http import JsonStandIn

ZENZIVA_PATH = "/reguler/api/sendsms/"
INFOBIP_PATH = "/sms/2/text/advanced"
WHATSAPP_VERSION = "v21.0"


class ProviderStandIn(JsonStandIn):
    def __init__(self, zenziva=("uk", "pk"), infobip_key="ib-key", whatsapp=("1234567890", "wa-token")) -> None:
        self.zenziva, self.infobip_key, self.whatsapp = zenziva, infobip_key, whatsapp
        self.requests: list[dict] = []
        self.failures: list[str] = []
        self.lock = threading.Lock()
        self.containers: set[str] = set()  # Instagram media containers created, awaiting media_publish
        self.url = ""

    def get(self, path: str, query: dict) -> tuple[int, dict]:
        return self.graph_read(path, query)

    def fail_next(self, kind: str, count: int = 1) -> None:
        with self.lock:
            self.failures.extend([kind] * count)

    def _failure(self) -> str | None:
        with self.lock:
            return self.failures.pop(0) if self.failures else None

    def post(self, path: str, headers, raw: bytes) -> tuple[int, dict]:
        failure = self._failure()
        if path == ZENZIVA_PATH:
            form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            entry = {"path": path, "body": form}
            self.requests.append(entry)
            if (form.get("userkey"), form.get("passkey")) != self.zenziva:
                return 200, {"status": "0", "text": "Userkey / Passkey Salah"}
            if failure == "down":
                return 503, {}
            if failure == "reject" or not form.get("to", "").startswith("08"):
                return 200, {"status": "0", "to": form.get("to"), "text": "Nomor tujuan tidak valid"}
            message_id = str(uuid.uuid4().int % 10**9)
            entry["messageId"] = message_id
            return 200, {"messageId": message_id, "to": form["to"], "status": "1", "text": "Success"}
        if headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return self.graph_form(path, {k: v[0] for k, v in parse_qs(raw.decode()).items()}, failure)
        body = json.loads(raw or b"{}")
        self.requests.append({"path": path, "headers": dict(headers), "body": body})
        if path == INFOBIP_PATH:
            if headers.get("Authorization") != f"App {self.infobip_key}":
                return 401, {"requestError": {"serviceException": {"messageId": "UNAUTHORIZED",
                                                                   "text": "Invalid login details"}}}
            if failure == "rate":
                return 429, {"requestError": {"serviceException": {"messageId": "TOO_MANY_REQUESTS",
                                                                   "text": "Too many requests"}}}
            if failure == "down":
                return 503, {}
            message = body["messages"][0]
            status = ({"groupId": 5, "groupName": "REJECTED", "description": "Destination not registered"}
                      if failure == "reject" else {"groupId": 1, "groupName": "PENDING",
                                                   "description": "Message sent to next instance"})
            return 200, {"bulkId": uuid.uuid4().hex, "messages": [{
                "to": message["destinations"][0]["to"], "messageId": message["destinations"][0]["messageId"],
                "status": status}]}
        phone_id, token = self.whatsapp
        if path == f"/{WHATSAPP_VERSION}/{phone_id}/messages":
            if headers.get("Authorization") != f"Bearer {token}":
                return 401, _graph_error(190, "Error validating access token", "OAuthException")
            if failure == "rate":
                return 429, _graph_error(130429, "Rate limit hit")
            if failure == "reject":
                return 400, _graph_error(131026, "Message undeliverable")
            if body.get("messaging_product") != "whatsapp" or body.get("type") not in ("text", "template"):
                return 400, _graph_error(100, "Invalid parameter")
            return 200, {"messaging_product": "whatsapp", "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                         "messages": [{"id": f"wamid.{uuid.uuid4().hex}"}]}
        return 404, {"error": "unknown path"}

    def zenziva_sent(self) -> list[dict]:
        """Every message Zenziva accepted: ``{"to", "message", "messageId"}``."""
        return [r["body"] | {"messageId": r["messageId"]} for r in self.requests if r.get("messageId")]

    def zenziva_report(self, message_id: str, status: str = "DELIVERED") -> dict:
        """The delivery report Zenziva POSTs (form-encoded) to the callback URL set in its console."""
        sent = next(r for r in self.zenziva_sent() if r["messageId"] == message_id)
        return {"messageId": message_id, "to": sent["to"], "status": status,
                "text": {"DELIVERED": "Terkirim ke penerima"}.get(status, "Gagal terkirim")}

    def graph_form(self, path: str, form: dict, failure: str | None) -> tuple[int, dict]:
        """Facebook Page and Instagram publishing (form-encoded Graph calls with access_token)."""
        entry = {"path": path, "body": form}
        self.requests.append(entry)
        if form.get("access_token") != "page-token":
            return 400, _graph_error(190, "Invalid OAuth access token", "OAuthException")
        if failure == "rate":
            return 400, _graph_error(32, "Page request limit reached")
        parts = path.strip("/").split("/")  # version, object id, edge
        edge = parts[-1]
        if edge == "feed" and form.get("message"):
            entry["published"] = "facebook"
            return 200, {"id": f"{parts[1]}_{uuid.uuid4().int % 10**9}"}
        if edge == "photos" and form.get("url"):
            entry["published"] = "facebook"
            return 200, {"id": str(uuid.uuid4().int % 10**9), "post_id": f"{parts[1]}_1"}
        if edge == "media" and form.get("image_url"):
            container = str(uuid.uuid4().int % 10**9)
            self.containers.add(container)
            return 200, {"id": container}
        if edge == "media_publish":
            if form.get("creation_id") not in self.containers:
                return 400, _graph_error(9007, "Media ID is not available")
            self.containers.discard(form["creation_id"])  # a container is published once
            entry["published"] = "instagram"
            return 200, {"id": str(uuid.uuid4().int % 10**9)}
        return 400, _graph_error(100, "Invalid parameter")

    def graph_read(self, path: str, query: dict) -> tuple[int, dict]:
        """GET /<version>/<page or ig user id>?fields=...: the account, as the token sees it."""
        self.requests.append({"path": path, "body": query, "method": "GET"})
        if query.get("access_token") != "page-token":
            return 400, _graph_error(190, "Invalid OAuth access token", "OAuthException")
        object_id = path.strip("/").split("/")[-1]
        name = {"username": "desakamal"} if "username" in query.get("fields", "") else {"name": "Desa Kamal"}
        return 200, {"id": object_id, **name}

    def posts(self) -> list[dict]:
        """Every successful publication: Facebook feed/photos and Instagram media_publish calls."""
        return [r for r in self.requests if r.get("published")]


def _graph_error(code: int, message: str, kind: str = "OAuthException") -> dict:
    return {"error": {"message": message, "type": kind, "code": code, "error_subcode": 2494010,
                      "fbtrace_id": uuid.uuid4().hex[:12]}}
