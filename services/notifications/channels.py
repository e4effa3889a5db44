"""Delivery channels: the file outbox (embedded default), the generic HTTP SMS gateway, and channel choice."""
from __future__ import annotations

import fcntl
import json
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


class TemporaryChannelError(Exception):
    """Worth retrying later (rate limit, gateway down, timeout)."""


class PermanentChannelError(Exception):
    """Retrying will not help (bad number, rejected message); the text is the reason."""


@dataclass(frozen=True)
class OutgoingMessage:
    id: int
    to: str
    body: str
    campaign_key: str
    recipient_key: str


class Channel:
    """Sends one message and returns the provider's message id."""

    name = "base"
    # True when the provider drops a repeated idempotency key, so a message whose outcome was lost in a
    # crash may be resent under the same key (see delivery.py); False: such a message becomes 'unknown'.
    idempotent = False
    # True when the provider has a status API that finds a message by the id we gave it (see ``lookup``).
    has_lookup = False

    def send(self, message: OutgoingMessage) -> str:
        raise NotImplementedError

    def lookup(self, message: OutgoingMessage) -> str | None:
        """The provider's id of ``message`` if the provider accepted it, else None (asked after a crash)."""
        return None


class FileChannel(Channel):
    """Appends one JSON line per message to ``<outbox>/sms.jsonl``."""

    name = "file"

    def __init__(self, outbox_dir: str, sender: str) -> None:
        self.path = Path(outbox_dir) / "sms.jsonl"
        self.sender = sender

    def send(self, message: OutgoingMessage) -> str:
        provider_id = f"file-{uuid.uuid4().hex}"
        line = json.dumps({
            "id": provider_id, "to": message.to, "body": message.body, "sender": self.sender,
            "campaign": message.campaign_key, "recipient_key": message.recipient_key,
            "at": datetime.now(UTC).isoformat(),
        }, ensure_ascii=False) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as fh:
                # Several worker processes append at once: the lock keeps every line whole.
                fcntl.flock(fh, fcntl.LOCK_EX)
                try:
                    fh.write(line)
                    fh.flush()
                    os.fsync(fh.fileno())
                finally:
                    fcntl.flock(fh, fcntl.LOCK_UN)
        except OSError as exc:
            raise TemporaryChannelError(f"Gagal menulis ke kotak keluar: {exc}") from exc
        return provider_id


class HttpSmsGateway(Channel):
    """POSTs ``{"to","message","sender","reference"}`` to the gateway with a bearer token."""

    name = "http"

    def __init__(self, url: str, token: str | None, sender: str, timeout: float = 10, idempotent: bool = True,
                 pool_size: int = 16) -> None:
        from services.notifications.http_pool import HttpPool

        self.url = url
        self.sender = sender
        self.timeout = timeout
        # The documented gateway contract drops a repeated ``reference``; a gateway that does not can say so
        # with SMS_GATEWAY_DEDUPES_REFERENCE=0 and interrupted messages are then marked 'unknown'.
        self.idempotent = idempotent
        # Keep-alive connections, one per sending thread of the worker process (see http_pool.py for why
        # not requests on this path).
        self.pool = HttpPool(url, size=pool_size, timeout=timeout,
                             headers={"Authorization": f"Bearer {token}"} if token else None)

    def send(self, message: OutgoingMessage) -> str:
        from services.notifications.http_pool import HttpPoolError

        body = json.dumps({"to": message.to, "message": message.body, "sender": self.sender,
                           # The reference lets the gateway drop a duplicate if we ever resend after a crash.
                           "reference": f"{message.campaign_key}:{message.recipient_key}"}).encode()
        try:
            status, raw = self.pool.post(body)
        except HttpPoolError as exc:
            raise TemporaryChannelError(f"Gateway SMS tidak dapat dihubungi: {exc}") from exc
        if status in (200, 201):
            try:
                return str(json.loads(raw)["message_id"])
            except (ValueError, KeyError, TypeError) as exc:
                raise TemporaryChannelError("Jawaban gateway SMS tidak dapat dibaca") from exc
        if status == 429 or status >= 500:
            raise TemporaryChannelError(f"Gateway SMS sibuk atau gangguan (HTTP {status})")
        raise PermanentChannelError(f"Gateway SMS menolak pesan (HTTP {status}): {_error_text(raw)}")

    def close(self) -> None:
        self.pool.close()


def _error_text(raw: bytes) -> str:
    try:
        data = json.loads(raw)
        if isinstance(data, dict) and data.get("error"):
            return str(data["error"])[:300]
    except ValueError:
        pass
    return raw.decode("utf-8", "replace")[:300]
