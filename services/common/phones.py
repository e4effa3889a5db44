"""Phone numbers to E.164 (+62...), by one rule for every service: what ``phonenumbers`` accepts.

Residents type 08xx, providers send 628xx or +628xx; all become ``+628xx``. The registry refuses an
invalid number with a reason (``PhoneError``); senders and receivers that only need "a phone or not"
use ``phone_or_none``."""
from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

_NOISE = re.compile(r"[\s\-().]")
_ID_PREFIX = re.compile(r"(?:\+62|62|0)(\d+)")


class PhoneError(ValueError):
    """An invalid phone number; the message is Indonesian and shows the number as typed."""


@lru_cache(maxsize=1)
def _mobile_pattern() -> re.Pattern:
    # The national mobile pattern from phonenumbers' own metadata: the fast path accepts exactly
    # what the full parser would accept for an Indonesian mobile, at a fraction of its cost.
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("ID")
    return re.compile(metadata.mobile.national_number_pattern)


def normalise_phone(raw) -> str | None:
    """Typed number (08xx, +628xx, 628xx) -> E.164 ``+628xx``; empty -> None; invalid -> PhoneError."""
    if raw is None:
        return None
    text = _NOISE.sub("", str(raw).strip())
    if not text:
        return None
    match = _ID_PREFIX.fullmatch(text)
    if match and _mobile_pattern().fullmatch(match.group(1)):
        return "+62" + match.group(1)
    if text.isdigit() and not text.startswith("0"):
        text = "+" + text  # a provider's international number without its plus sign
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException as exc:
        raise PhoneError(f"Nomor HP ({raw}) tidak sah") from exc
    if not phonenumbers.is_valid_number(number):
        raise PhoneError(f"Nomor HP ({raw}) tidak sah")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_or_none(raw) -> str | None:
    """The E.164 number, or None when it is missing or not a valid phone number."""
    try:
        return normalise_phone(raw if isinstance(raw, str) else None)
    except PhoneError:
        return None
