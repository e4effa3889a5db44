"""Notifications commands of ``bansos``: send-test-sms."""
from __future__ import annotations

import click


@click.command("send-test-sms")
@click.argument("phone")
@click.option("--message", default="Uji coba SMS dari Pemerintah Desa Kamal.", show_default=True,
              help="Isi pesan.")
def send_test_sms(phone: str, message: str) -> None:
    """Kirim satu SMS uji lewat saluran yang dikonfigurasi (gateway HTTP atau kotak keluar berkas)."""
    from .channels import OutgoingMessage, PermanentChannelError, TemporaryChannelError, channel_for
    from .config import load_config
    from .rendering import normalise_phone

    to = normalise_phone(phone)
    if to is None:
        raise click.ClickException(f"Nomor HP tidak sah: {phone}")
    channel = channel_for("sms", load_config())
    try:
        provider_id = channel.send(OutgoingMessage(0, to, message, "uji-coba", f"cli-{to}"))
    except (TemporaryChannelError, PermanentChannelError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Terkirim lewat {channel.name}: {provider_id}")


COMMANDS = [send_test_sms]
