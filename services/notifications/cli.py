"""Notifications commands of ``bansos``: send-test-sms and read-gammu-inbox."""
from __future__ import annotations

import click


@click.command("send-test-sms")
@click.argument("phone")
@click.option("--message", default="Uji coba SMS dari sistem bansos.", show_default=True,
              help="Isi pesan.")
def send_test_sms(phone: str, message: str) -> None:
    """Kirim satu SMS uji lewat saluran yang dikonfigurasi (gateway HTTP atau kotak keluar berkas)."""
    from services.notifications.channel_config import channel_for
    from services.notifications.channels import (
        OutgoingMessage,
        PermanentChannelError,
        TemporaryChannelError,
    )
    from services.notifications.config import load_config
    from services.notifications.rendering import normalise_phone

    to = normalise_phone(phone)
    if to is None:
        raise click.ClickException(f"Nomor HP tidak sah: {phone}")
    channel = channel_for("sms", load_config())
    try:
        provider_id = channel.send(OutgoingMessage(0, to, message, "uji-coba", f"cli-{to}"))
    except (TemporaryChannelError, PermanentChannelError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Terkirim lewat {channel.name}: {provider_id}")


@click.command("read-gammu-inbox")
@click.option("--keep", is_flag=True, help="Biarkan berkas di inbox (tanpa dipindah ke processed/).")
def read_gammu_inbox(keep: bool) -> None:
    """Baca SMS masuk dari spool gammu-smsd (ADUAN, BERHENTI, pesan lain) seperti webhook SMS."""
    from pathlib import Path

    from services.notifications.app import create_app
    from services.notifications.inbound import handle_inbound
    from services.notifications.providers import GammuSpool

    app = create_app()
    with app.app_context():
        config = app.config
        spool = GammuSpool(config["GAMMU_OUTBOX"], config["GAMMU_INBOX"])
        done = Path(config["GAMMU_INBOX"]) / "processed"
        counts: dict[str, int] = {}
        for item in spool.read_inbox():
            with app.extensions["database"].transaction() as session:
                # The file name is unique per received SMS: the key that makes a re-read harmless.
                result = handle_inbound(session, app.extensions["celery"], "sms", item["file"], item["from"],
                                        item["text"])
            counts[result["kind"]] = counts.get(result["kind"], 0) + 1
            if not keep:
                done.mkdir(exist_ok=True)
                (Path(config["GAMMU_INBOX"]) / item["file"]).rename(done / item["file"])
        click.echo(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "Tidak ada SMS masuk.")


COMMANDS = [send_test_sms, read_gammu_inbox]
