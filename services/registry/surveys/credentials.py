"""Enumerator passwords: the werkzeug hash (Basic, admin) and the OpenRosa Digest HA1, always set together."""
from __future__ import annotations

import hashlib

from werkzeug.security import generate_password_hash

# Part of every stored HA1: changing it invalidates every enumerator's Digest password, so it is fixed.
REALM = "bansos-openrosa"


def md5_hex(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()  # noqa: S324 - Digest MD5 is what ODK Collect speaks


def digest_ha1(username: str, password: str) -> str:
    """md5(username:realm:password), what the client computes too (RFC 7616 section 3.4.2)."""
    return md5_hex(f"{username}:{REALM}:{password}")


def set_password(enumerator, password: str) -> None:
    """Both forms from one password, so Basic and Digest never disagree."""
    enumerator.password_hash = generate_password_hash(password)
    enumerator.digest_ha1 = digest_ha1(enumerator.username, password)
