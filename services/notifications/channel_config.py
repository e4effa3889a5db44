"""Which channel sends a message: the SMS preset, WhatsApp and e-mail built from the app config.

Kept apart from ``channels`` (the channel types and the built-in file and HTTP channels) and ``providers``
(the vendors' APIs) so that neither of those needs the other's module to load."""
from __future__ import annotations

from services.notifications import providers
from services.notifications.channels import Channel, FileChannel, HttpSmsGateway, PermanentChannelError


def _sms_channel(config: dict) -> Channel:
    """SMS_PROVIDER picks the preset: http (generic gateway), zenziva, infobip, gammu, file."""
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
    if not config.get("WHATSAPP_PHONE_ID"):
        raise PermanentChannelError("WhatsApp belum dikonfigurasi (WHATSAPP_PHONE_ID, WHATSAPP_TOKEN)")
    return providers.WhatsAppCloud(config.get("WHATSAPP_GRAPH_URL") or "https://graph.facebook.com",
                         config.get("WHATSAPP_API_VERSION") or "v21.0", config["WHATSAPP_PHONE_ID"],
                         config.get("WHATSAPP_TOKEN") or "", config.get("WHATSAPP_TEMPLATE"),
                         config.get("WHATSAPP_TEMPLATE_LANGUAGE") or "id")


def _email_channel(config: dict) -> Channel:
    if not config.get("SMTP_HOST"):
        raise PermanentChannelError("E-mail belum dikonfigurasi (SMTP_HOST)")
    return providers.SmtpEmail(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25),
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
