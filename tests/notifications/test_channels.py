"""Channels: the file outbox lines and the HTTP gateway client against the fake gateway."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from services.notifications.channel_config import channel_for
from services.notifications.channels import (
    FileChannel,
    HttpSmsGateway,
    OutgoingMessage,
    PermanentChannelError,
    TemporaryChannelError,
)
from services.notifications.rendering import normalise_phone

MSG = OutgoingMessage(7, "+6281234567890", "Halo Bu Siti", "kamp-1", "enrolment-7")


def test_file_channel_appends_whole_json_lines(tmp_path):
    channel = FileChannel(str(tmp_path / "outbox"), "DESAKAMAL")
    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(lambda i: channel.send(OutgoingMessage(i, "+628111", f"pesan {i}", "k", f"r{i}")),
                            range(200)))
    lines = (tmp_path / "outbox" / "sms.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 200
    assert {r["id"] for r in records} == set(ids)
    assert set(records[0]) == {"id", "to", "body", "sender", "campaign", "recipient_key", "at"}
    assert records[0]["sender"] == "DESAKAMAL"


def test_http_gateway_sends_expected_shape(gateway):
    provider_id = HttpSmsGateway(gateway.url, gateway.token, "DESAKAMAL").send(MSG)
    [request] = gateway.requests
    assert request["_accepted"] and provider_id
    assert request["to"] == "+6281234567890" and request["message"] == "Halo Bu Siti"
    assert request["sender"] == "DESAKAMAL" and request["reference"] == "kamp-1:enrolment-7"


@pytest.mark.parametrize("status", [429, 500, 503])
def test_http_gateway_temporary_errors(gateway, status):
    gateway.fail_next(1, status)
    client = HttpSmsGateway(gateway.url, gateway.token, "DESAKAMAL")
    with pytest.raises(TemporaryChannelError, match=str(status)):
        client.send(MSG)
    assert client.send(MSG)  # the next request goes through


def test_http_gateway_permanent_error_carries_gateway_text(gateway):
    gateway.fail_next(1, 400)
    with pytest.raises(PermanentChannelError, match="simulated 400"):
        HttpSmsGateway(gateway.url, gateway.token, "DESAKAMAL").send(MSG)


def test_http_gateway_wrong_token_is_permanent(gateway):
    with pytest.raises(PermanentChannelError, match="401"):
        HttpSmsGateway(gateway.url, "salah", "DESAKAMAL").send(MSG)


def test_http_gateway_unreachable_or_slow_is_temporary(gateway):
    from tests.helpers import free_port

    with pytest.raises(TemporaryChannelError):
        HttpSmsGateway(f"http://127.0.0.1:{free_port()}/sms", "t", "X", timeout=1).send(MSG)


def test_sms_channel_choice(tmp_path):
    assert isinstance(channel_for("sms", {"SMS_GATEWAY_URL": None, "OUTBOX_DIR": str(tmp_path)}), FileChannel)
    assert isinstance(channel_for("sms", {"SMS_GATEWAY_URL": "http://x", "OUTBOX_DIR": str(tmp_path)}),
                      HttpSmsGateway)
    with pytest.raises(PermanentChannelError, match="tidak dikenal"):
        channel_for("fax", {})


@pytest.mark.parametrize("raw,expected", [("0812-3456-7890", "+6281234567890"), ("6281234567890", "+6281234567890"),
                                          ("+6281234567890", "+6281234567890"), ("", None), (None, None),
                                          ("abc", None), ("123", None)])
def test_normalise_phone(raw, expected):
    assert normalise_phone(raw) == expected
