"""Who may be messaged and when: opt-outs (STOP/BERHENTI), quiet hours, and SMS cost in segments."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifications.models import OptOut

OPTED_OUT = "Warga meminta berhenti menerima pesan (BERHENTI/STOP)"
STOP_WORDS = ("STOP", "BERHENTI", "UNREG")
# Channels that wake a phone up: nothing goes out on them during quiet hours.
QUIET_CHANNELS = ("sms", "whatsapp")
LOCAL_TZ = ZoneInfo("Asia/Jakarta")

# GSM 03.38 basic set (one septet each) and the extension table (two septets: escape + char).
GSM7_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                 "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENSION = set("^{}\\[~]|€\f")


def opted_out(session: Session, addresses: list[str]) -> set[str]:
    if not addresses:
        return set()
    return set(session.scalars(select(OptOut.address).where(OptOut.address.in_(addresses))))


def sms_segments(text: str) -> tuple[str, int]:
    """(encoding, segments): GSM-7 160 chars alone / 153 per part; UCS-2 70 alone / 67 per part."""
    if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text):
        septets = sum(2 if c in GSM7_EXTENSION else 1 for c in text)
        return "GSM-7", 1 if septets <= 160 else -(-septets // 153)
    # UCS-2 counts UTF-16 code units: an emoji outside the BMP takes two.
    units = len(text.encode("utf-16-le")) // 2
    return "UCS-2", 1 if units <= 70 else -(-units // 67)


def parse_quiet_hours(spec: str | None) -> tuple[time, time] | None:
    """``"21:00-06:00"`` -> (start, end) in local time; empty -> no quiet hours."""
    if not spec:
        return None
    start, end = (time.fromisoformat(part.strip()) for part in spec.split("-", 1))
    return start, end


def quiet_wait_seconds(spec: str | None, channel: str, now: datetime | None = None) -> int:
    """Seconds until quiet hours end for ``channel`` (0 when messages may go out now)."""
    window = parse_quiet_hours(spec)
    if window is None or channel not in QUIET_CHANNELS:
        return 0
    start, end = window
    local = (now or datetime.now(LOCAL_TZ)).astimezone(LOCAL_TZ)
    t = local.time()
    quiet = (start <= t or t < end) if start > end else (start <= t < end)
    if not quiet:
        return 0
    end_at = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if end_at <= local:
        end_at += timedelta(days=1)
    return int((end_at - local).total_seconds()) + 1
