"""Presets for real providers behind the one ``Channel.send`` interface, chosen by configuration.

Request and answer shapes follow each provider's public API documentation:
- Zenziva (reguler console API): form POST userkey/passkey/to/message; JSON
  ``{"messageId", "to", "status": "1"|"0", "text"}`` (status "0" = refused, the text says why).
- Infobip SMS API v2: POST /sms/2/text/advanced, ``Authorization: App <key>``, answer
  ``{"bulkId", "messages": [{"messageId", "status": {"groupName", ...}}]}``; errors as
  ``{"requestError": {"serviceException": {"messageId", "text"}}}``; delivery reports POSTed as
  ``{"results": [{"messageId", "status": {"groupName": "DELIVERED"|...}}]}``.
- WhatsApp Business Cloud API: POST graph.facebook.com/<version>/<phone_id>/messages with a bearer token,
  text or template messages; answer ``{"messages": [{"id": "wamid..."}]}``; errors as
  ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``.
- gammu-smsd files backend: one file per message in the outbox spool, named
  ``OUT<phone>.txt`` with a priority/date/serial prefix, read back from the inbox spool.
- E-mail over SMTP (stdlib smtplib).
"""
from __future__ import annotations

import os
import smtplib
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import requests

from services.notifications.channels import Channel, OutgoingMessage, PermanentChannelError, TemporaryChannelError


def _post(session: requests.Session, url: str, name: str, timeout: float, **kwargs) -> requests.Response:
    try:
        response = session.post(url, timeout=timeout, **kwargs)
    except requests.RequestException as exc:
        raise TemporaryChannelError(f"{name} tidak dapat dihubungi: {type(exc).__name__}") from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise TemporaryChannelError(f"{name} sibuk atau gangguan (HTTP {response.status_code})")
    return response


def _json(response: requests.Response, name: str) -> dict:
    try:
        data = response.json()
    except ValueError as exc:
        raise TemporaryChannelError(f"Jawaban {name} tidak dapat dibaca") from exc
    return data if isinstance(data, dict) else {}


class ZenzivaSms(Channel):
    name = "zenziva"

    def __init__(self, url: str, userkey: str, passkey: str, timeout: float = 10) -> None:
        self.url, self.userkey, self.passkey, self.timeout = url, userkey, passkey, timeout
        self.session = requests.Session()

    def send(self, message: OutgoingMessage) -> str:
        # Zenziva expects the local form 08..; our numbers are +628..
        to = "0" + message.to[3:] if message.to.startswith("+62") else message.to.lstrip("+")
        response = _post(self.session, self.url, "Zenziva", self.timeout, data={
            "userkey": self.userkey, "passkey": self.passkey, "to": to, "message": message.body})
        data = _json(response, "Zenziva")
        if response.status_code == 200 and str(data.get("status")) == "1":
            return str(data.get("messageId"))
        raise PermanentChannelError(f"Zenziva menolak pesan: {data.get('text') or response.status_code}")


class InfobipSms(Channel):
    name = "infobip"

    def __init__(self, base_url: str, api_key: str, sender: str, timeout: float = 10) -> None:
        self.url = base_url.rstrip("/") + "/sms/2/text/advanced"
        self.logs_url = base_url.rstrip("/") + "/sms/1/logs"
        self.sender, self.timeout = sender, timeout
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"App {api_key}"

    def send(self, message: OutgoingMessage) -> str:
        body = {"messages": [{"from": self.sender, "text": message.body,
                              "destinations": [{"to": message.to.lstrip("+"),
                                                "messageId": f"{message.campaign_key}-{message.id}"}]}]}
        response = _post(self.session, self.url, "Infobip", self.timeout, json=body)
        data = _json(response, "Infobip")
        if response.status_code == 200 and data.get("messages"):
            sent = data["messages"][0]
            group = (sent.get("status") or {}).get("groupName", "")
            if group in ("REJECTED", "UNDELIVERABLE"):
                raise PermanentChannelError(f"Infobip menolak pesan: {(sent.get('status') or {}).get('description')}")
            return str(sent.get("messageId"))
        error = ((data.get("requestError") or {}).get("serviceException") or {})
        raise PermanentChannelError(f"Infobip menolak pesan (HTTP {response.status_code}): {error.get('text')}")

    # The messageId we send is ours ("<campaign>-<message id>"), so after a crash the SMS logs tell
    # whether Infobip accepted the message before its outcome was lost.
    has_lookup = True

    def lookup(self, message: OutgoingMessage) -> str | None:
        try:
            response = self.session.get(self.logs_url, timeout=self.timeout,
                                        params={"messageId": f"{message.campaign_key}-{message.id}"})
        except requests.RequestException as exc:
            raise TemporaryChannelError(f"Infobip tidak dapat dihubungi: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise TemporaryChannelError(f"Log SMS Infobip tidak dapat dibaca (HTTP {response.status_code})")
        results = _json(response, "Infobip").get("results") or []
        return str(results[0].get("messageId")) if results and isinstance(results[0], dict) else None


# Graph API error codes worth retrying: throttling (4, 80007, 130429, 131056) and temporary outages (1, 2, 131000).
WHATSAPP_TEMPORARY_CODES = {1, 2, 4, 80007, 130429, 131000, 131056}


class WhatsAppCloud(Channel):
    """Text messages, or an approved template when ``template`` is set (body parameters = the text)."""

    name = "whatsapp"

    def __init__(self, graph_url: str, version: str, phone_id: str, token: str, template: str | None = None,
                 language: str = "id", timeout: float = 10) -> None:
        self.url = f"{graph_url.rstrip('/')}/{version}/{phone_id}/messages"
        self.template, self.language, self.timeout = template, language, timeout
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def payload(self, message: OutgoingMessage) -> dict:
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": message.to.lstrip("+")}
        if self.template:
            body.update(type="template", template={
                "name": self.template, "language": {"code": self.language},
                "components": [{"type": "body", "parameters": [{"type": "text", "text": message.body}]}]})
        else:
            body.update(type="text", text={"preview_url": False, "body": message.body})
        return body

    def send(self, message: OutgoingMessage) -> str:
        response = _post(self.session, self.url, "WhatsApp", self.timeout, json=self.payload(message))
        data = _json(response, "WhatsApp")
        if response.status_code == 200 and data.get("messages"):
            return str(data["messages"][0]["id"])
        error = data.get("error") or {}
        text = f"WhatsApp menolak pesan (kode {error.get('code')}): {error.get('message')}"
        if error.get("code") in WHATSAPP_TEMPORARY_CODES:
            raise TemporaryChannelError(text)
        raise PermanentChannelError(text)


class GammuSpool(Channel):
    """gammu-smsd ``files`` service: the daemon sends what lands in its outbox folder through the modem."""

    name = "gammu"

    def __init__(self, outbox: str, inbox: str | None = None) -> None:
        self.outbox = Path(outbox)
        self.inbox = Path(inbox) if inbox else None

    def send(self, message: OutgoingMessage) -> str:
        # gammu's naming: OUT<priority letter><YYYYMMDD>_<HHMMSS>_00_<phone>_<serial>.txt (A = highest).
        now = datetime.now(UTC)
        serial = f"{message.id}{uuid.uuid4().hex[:6]}"
        name = f"OUTB{now:%Y%m%d_%H%M%S}_00_{message.to}_{serial}.txt"
        try:
            self.outbox.mkdir(parents=True, exist_ok=True)
            tmp = self.outbox / f".{name}.tmp"
            tmp.write_text(message.body, encoding="utf-8")
            # Renamed into place whole, so the daemon never picks up a half-written file.
            os.replace(tmp, self.outbox / name)
        except OSError as exc:
            raise TemporaryChannelError(f"Gagal menulis spool gammu: {exc}") from exc
        return name

    def read_inbox(self) -> list[dict]:
        """Inbox files ``IN<YYYYMMDD>_<HHMMSS>_<serial>_<phone>_<part>.txt`` -> ``{"from","text","file"}``."""
        found = []
        for path in sorted((self.inbox or Path("/nonexistent")).glob("IN*.txt")):
            parts = path.stem.split("_")
            if len(parts) < 5:
                continue
            found.append({"from": parts[3], "text": path.read_text(encoding="utf-8", errors="replace").strip(),
                          "file": path.name})
        return found


class SmtpEmail(Channel):
    """One e-mail per message; ``message.to`` is the address; the first body line is the subject."""

    name = "email"

    def __init__(self, host: str, port: int, sender: str, username: str | None = None,
                 password: str | None = None, starttls: bool = False, timeout: float = 10) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.starttls, self.timeout = username, password, starttls, timeout

    def send(self, message: OutgoingMessage) -> str:
        email = EmailMessage()
        subject, _, rest = message.body.partition("\n")
        email["From"], email["To"], email["Subject"] = self.sender, message.to, subject[:150]
        message_id = f"<{message.campaign_key}.{message.recipient_key}@bansos.desa>"
        email["Message-ID"] = message_id
        email.set_content(rest.strip() or subject)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentChannelError(f"Alamat e-mail ditolak: {message.to}") from exc
        except smtplib.SMTPResponseException as exc:
            if 400 <= exc.smtp_code < 500:
                raise TemporaryChannelError(f"Server e-mail menolak sementara ({exc.smtp_code})") from exc
            raise PermanentChannelError(f"Server e-mail menolak ({exc.smtp_code})") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TemporaryChannelError(f"Server e-mail tidak dapat dihubungi: {type(exc).__name__}") from exc
        return message_id
