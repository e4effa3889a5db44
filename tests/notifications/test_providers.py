"""Provider presets against local stand-ins speaking their documented shapes: Zenziva, Infobip, WhatsApp
Cloud API, gammu-smsd spool files and SMTP (aiosmtpd)."""
from __future__ import annotations

import pytest

from services.notifications.channel_config import channel_for
from services.notifications.channels import OutgoingMessage, PermanentChannelError, TemporaryChannelError
from services.notifications.providers import GammuSpool, InfobipSms, SmtpEmail, WhatsAppCloud, ZenzivaSms
from tests.fakes.providers import INFOBIP_PATH, WHATSAPP_VERSION, ZENZIVA_PATH
from tests.helpers import free_port

MSG = OutgoingMessage(7, "+6281234567890", "Halo Bu Siti, bantuan siap diambil.", "kamp-1", "enrolment-7")


def test_zenziva_form_and_answers(stand_in):
    channel = ZenzivaSms(stand_in.url + ZENZIVA_PATH, "uk", "pk")
    assert channel.send(MSG).isdigit()
    form = stand_in.requests[-1]["body"]
    assert form == {"userkey": "uk", "passkey": "pk", "to": "081234567890", "message": MSG.body}
    stand_in.fail_next("reject")
    with pytest.raises(PermanentChannelError, match="Nomor tujuan tidak valid"):
        channel.send(MSG)
    stand_in.fail_next("down")
    with pytest.raises(TemporaryChannelError, match="503"):
        channel.send(MSG)
    with pytest.raises(PermanentChannelError, match="Passkey Salah"):
        ZenzivaSms(stand_in.url + ZENZIVA_PATH, "uk", "salah").send(MSG)


def test_infobip_request_shape_errors_and_rate_limit(stand_in):
    channel = InfobipSms(stand_in.url, "ib-key", "DESAKAMAL")
    assert channel.send(MSG) == "kamp-1-7"
    request = stand_in.requests[-1]
    assert request["path"] == INFOBIP_PATH and request["headers"]["Authorization"] == "App ib-key"
    assert request["body"]["messages"][0]["destinations"][0]["to"] == "6281234567890"
    assert request["body"]["messages"][0]["from"] == "DESAKAMAL"
    stand_in.fail_next("rate")
    with pytest.raises(TemporaryChannelError, match="429"):
        channel.send(MSG)
    stand_in.fail_next("reject")
    with pytest.raises(PermanentChannelError, match="Destination not registered"):
        channel.send(MSG)
    with pytest.raises(PermanentChannelError, match="Invalid login details"):
        InfobipSms(stand_in.url, "salah", "X").send(MSG)


def test_whatsapp_text_template_and_graph_errors(stand_in):
    text = WhatsAppCloud(stand_in.url, WHATSAPP_VERSION, "1234567890", "wa-token")
    assert text.send(MSG).startswith("wamid.")
    body = stand_in.requests[-1]["body"]
    assert body["type"] == "text" and body["text"]["body"] == MSG.body and body["to"] == "6281234567890"
    template = WhatsAppCloud(stand_in.url, WHATSAPP_VERSION, "1234567890", "wa-token", template="info_bansos")
    template.send(MSG)
    body = stand_in.requests[-1]["body"]
    assert body["type"] == "template" and body["template"]["name"] == "info_bansos"
    assert body["template"]["components"][0]["parameters"][0]["text"] == MSG.body
    stand_in.fail_next("rate")
    with pytest.raises(TemporaryChannelError):
        text.send(MSG)
    stand_in.fail_next("reject")
    with pytest.raises(PermanentChannelError, match="131026"):
        text.send(MSG)
    with pytest.raises(PermanentChannelError, match="190"):
        WhatsAppCloud(stand_in.url, WHATSAPP_VERSION, "1234567890", "kedaluwarsa").send(MSG)


def test_gammu_spool_names_and_inbox(tmp_path):
    channel = GammuSpool(str(tmp_path / "outbox"), str(tmp_path / "inbox"))
    name = channel.send(MSG)
    [written] = (tmp_path / "outbox").iterdir()
    assert written.name == name and name.startswith("OUTB") and "_00_+6281234567890_" in name
    assert written.read_text() == MSG.body
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "IN20261129_101500_00_+6281234567890_00.txt").write_text("BERHENTI\n")
    assert channel.read_inbox() == [{"from": "+6281234567890", "text": "BERHENTI",
                                     "file": "IN20261129_101500_00_+6281234567890_00.txt"}]


def test_smtp_email_to_a_local_server(tmp_path):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    controller = Controller(Collect(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        channel = SmtpEmail("127.0.0.1", controller.port, "pemdes@desakamal.id")
        message_id = channel.send(OutgoingMessage(1, "siti@example.org", "Info bantuan\nBantuan siap diambil.",
                                                  "kamp-1", "enrolment-1"))
    finally:
        controller.stop()
    [email] = received
    assert email["To"] == "siti@example.org" and email["Subject"] == "Info bantuan"
    assert email["Message-ID"] == message_id and "Bantuan siap diambil." in email.get_payload()
    with pytest.raises(TemporaryChannelError):
        SmtpEmail("127.0.0.1", free_port(), "x@y.id", timeout=1).send(MSG)


def test_channel_choice_by_configuration(tmp_path):
    assert isinstance(channel_for("sms", {"SMS_PROVIDER": "zenziva"}), ZenzivaSms)
    assert isinstance(channel_for("sms", {"SMS_PROVIDER": "gammu", "GAMMU_OUTBOX": str(tmp_path)}), GammuSpool)
    assert isinstance(channel_for("sms", {"SMS_PROVIDER": "infobip", "SMS_GATEWAY_URL": "http://x"}), InfobipSms)
    assert isinstance(channel_for("whatsapp", {"WHATSAPP_PHONE_ID": "1", "WHATSAPP_TOKEN": "t"}), WhatsAppCloud)
    with pytest.raises(PermanentChannelError, match="belum dikonfigurasi"):
        channel_for("email", {})
    with pytest.raises(PermanentChannelError, match="tidak dikenal"):
        channel_for("sms", {"SMS_PROVIDER": "merpati"})


def test_facebook_page_and_instagram_two_step(stand_in):
    from services.notifications.social import FacebookPage, GraphClient, InstagramAccount

    client = GraphClient(stand_in.url, WHATSAPP_VERSION, "page-token")
    post_id = FacebookPage(client, "kamal").post("Pengumuman: pencairan BLT Senin di balai desa.")
    assert post_id.startswith("kamal_") and stand_in.requests[-1]["path"] == f"/{WHATSAPP_VERSION}/kamal/feed"
    FacebookPage(client, "kamal").post("Poster", image_url="https://desa.example/poster.png")
    assert stand_in.requests[-1]["body"]["url"] == "https://desa.example/poster.png"
    media_id = InstagramAccount(client, "ig1").publish_image("https://desa.example/poster.png", "Info bansos")
    paths = [r["path"] for r in stand_in.requests[-2:]]
    assert media_id and paths == [f"/{WHATSAPP_VERSION}/ig1/media", f"/{WHATSAPP_VERSION}/ig1/media_publish"]
    stand_in.fail_next("rate")
    with pytest.raises(TemporaryChannelError, match="kode 32"):
        FacebookPage(client, "kamal").post("x")
    with pytest.raises(PermanentChannelError, match="kode 190"):
        FacebookPage(GraphClient(stand_in.url, WHATSAPP_VERSION, "salah"), "kamal").post("x")
