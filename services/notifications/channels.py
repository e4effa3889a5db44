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

    def send(self, message: OutgoingMessage) -> str:
        raise NotImplementedError


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


def _sms_channel(config: dict) -> Channel:
    """SMS_PROVIDER picks the preset: http (generic gateway), zenziva, infobip, gammu, file."""
    from services.notifications import providers

    sender = config.get("SMS_SENDER_ID", "DESAKAMAL")
    timeout = config.get("SMS_GATEWAY_TIMEOUT", 10)
    provider = config.get("SMS_PROVIDER") or ("http" if config.get("SMS_GATEWAY_URL") else "file")
    if provider == "http":
        return HttpSmsGateway(config["SMS_GATEWAY_URL"], config.get("SMS_GATEWAY_TOKEN"), sender, timeout,
                              idempotent=config.get("SMS_GATEWAY_DEDUPES_REFERENCE", True),
                              pool_size=max(4, config.get("SEND_CONCURRENCY", 8) * 2))
    if provider == "zenziva":
        return providers.ZenzivaSms(config.get("SMS_GATEWAY_URL") or "https://console.zenziva.net/reguler/api/sendsms/",
                                    config.get("ZENZIVA_USERKEY") or "", config.get("ZENZIVA_PASSKEY") or "", timeout)
    if provider == "infobip":
        return providers.InfobipSms(config["SMS_GATEWAY_URL"], config.get("SMS_GATEWAY_TOKEN") or "", sender, timeout)
    if provider == "gammu":
        return providers.GammuSpool(config["GAMMU_OUTBOX"], config.get("GAMMU_INBOX"))
    if provider == "file":
        return FileChannel(config["OUTBOX_DIR"], sender)
    raise PermanentChannelError(f"Penyedia SMS tidak dikenal: {provider}")


def _whatsapp_channel(config: dict) -> Channel:
    from services.notifications.providers import WhatsAppCloud

    if not config.get("WHATSAPP_PHONE_ID"):
        raise PermanentChannelError("WhatsApp belum dikonfigurasi (WHATSAPP_PHONE_ID, WHATSAPP_TOKEN)")
    return WhatsAppCloud(config.get("WHATSAPP_GRAPH_URL") or "https://graph.facebook.com",
                         config.get("WHATSAPP_API_VERSION") or "v21.0", config["WHATSAPP_PHONE_ID"],
                         config.get("WHATSAPP_TOKEN") or "", config.get("WHATSAPP_TEMPLATE"),
                         config.get("WHATSAPP_TEMPLATE_LANGUAGE") or "id")


def _email_channel(config: dict) -> Channel:
    from services.notifications.providers import SmtpEmail

    if not config.get("SMTP_HOST"):
        raise PermanentChannelError("E-mail belum dikonfigurasi (SMTP_HOST)")
    return SmtpEmail(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25),
                     config.get("SMTP_SENDER") or "pemdes@desakamal.id", config.get("SMTP_USERNAME"),
                     config.get("SMTP_PASSWORD"), bool(config.get("SMTP_STARTTLS")))


# Channel name (as in task payloads) -> factory from the app config.
CHANNELS = {"sms": _sms_channel, "whatsapp": _whatsapp_channel, "email": _email_channel}


def channel_for(name: str, config: dict) -> Channel:
    try:
        factory = CHANNELS[name]
    except KeyError as exc:
        raise PermanentChannelError(f"Saluran tidak dikenal: {name}") from exc
    return factory(config)
