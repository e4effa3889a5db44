"""Codes residents type from an SMS or a coupon, or read aloud over the phone: complaint tracking codes
(ADU-...) and one-time satisfaction codes (KS-...).

One alphabet for all of them, without 0/O and 1/I, so a code copied by hand still matches."""
from __future__ import annotations

import hashlib
import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 8
COMPLAINT_PREFIX = "ADU-"


def random_code(prefix: str, length: int = LENGTH) -> str:
    """A fresh unguessable code, e.g. ``random_code("KS-")`` -> ``"KS-7HQ2M9XA"``."""
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(length))


def digest_code(prefix: str, key: str, length: int = LENGTH) -> str:
    """The code derived from ``key``: the same key (a retried webhook, a redelivered task) always gets the
    same code, so recording it twice finds the first record."""
    digest = hashlib.sha256(key.encode()).digest()
    return prefix + "".join(ALPHABET[byte % len(ALPHABET)] for byte in digest[:length])


def new_tracking_code() -> str:
    """A complaint's tracking code, made wherever the complaint is first heard (public form, staff, SMS)."""
    return random_code(COMPLAINT_PREFIX)
