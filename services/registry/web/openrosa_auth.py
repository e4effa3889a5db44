"""Enumerator authentication for OpenRosa: HTTP Digest (RFC 7616, qop=auth, MD5) always, Basic over HTTPS.

The OpenRosa 1.0 API requires Digest; ODK Collect answers a ``WWW-Authenticate: Digest`` challenge and
sends Basic only when the server asks for it over HTTPS, so plain-HTTP Basic (password in clear) is
refused. Nonces are stateless: ``<unix time>.<random>.<HMAC>`` under OPENROSA_NONCE_SECRET, valid for
OPENROSA_NONCE_TTL seconds (default 300). A correctly signed but expired nonce with a correct response
gets ``stale=true``, so the phone retries with a fresh nonce without asking the enumerator again.
Every (nonce, nc) pair is accepted once (table ``openrosa_nonce_use``): a captured request replayed
verbatim is refused."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from flask import request
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from services.common.db import utcnow
from services.common.settings import env_int, secret
from services.registry.models import Enumerator, OpenRosaNonceUse
from services.registry.surveys.credentials import REALM, md5_hex


def _nonce_key() -> bytes:
    return secret("OPENROSA_NONCE_SECRET", "demo-openrosa-nonce-secret-ganti-di-produksi").encode()


def nonce_ttl() -> int:
    return env_int("OPENROSA_NONCE_TTL", 300)


def _sign(stamp: str, salt: str) -> str:
    return hmac.new(_nonce_key(), f"{stamp}.{salt}".encode(), hashlib.sha256).hexdigest()[:32]


def new_nonce(now: float | None = None) -> str:
    stamp, salt = str(int(now if now is not None else time.time())), secrets.token_hex(8)
    return f"{stamp}.{salt}.{_sign(stamp, salt)}"


def nonce_state(nonce: str, now: float | None = None) -> str:
    """'ok', 'stale' (ours, but too old) or 'invalid' (not signed by us)."""
    parts = (nonce or "").split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not hmac.compare_digest(_sign(parts[0], parts[1]), parts[2]):
        return "invalid"
    age = (now if now is not None else time.time()) - int(parts[0])
    return "ok" if -5 <= age <= nonce_ttl() else "stale"


def challenges(stale: bool = False) -> list[str]:
    """WWW-Authenticate values: Digest always, Basic too when the request came over HTTPS."""
    digest = (f'Digest realm="{REALM}", qop="auth", algorithm=MD5, nonce="{new_nonce()}", '
              f'opaque="{hashlib.sha256(REALM.encode()).hexdigest()[:16]}"' + (", stale=true" if stale else ""))
    return [digest, f'Basic realm="{REALM}", charset="UTF-8"'] if request.is_secure else [digest]


@dataclass
class AuthResult:
    enumerator: Enumerator | None = None
    message: str = "Nama pengguna atau kata sandi pencacah salah"
    stale: bool = False


def _enumerator(session: Session, username: str | None) -> Enumerator | None:
    if not username:
        return None
    return session.execute(
        select(Enumerator).where(Enumerator.username == username, Enumerator.active)).scalar_one_or_none()


def _uri_matches(uri: str) -> bool:
    """The digest-uri must name this request (RFC 7616 3.4.6), so a response cannot be moved elsewhere."""
    wanted = {request.path, request.full_path.rstrip("?")}
    return uri in wanted or any(uri.endswith(path) and "://" in uri for path in wanted)


def _remember_count(session: Session, nonce: str, nc: int) -> bool:
    """True the first time this (nonce, nc) is seen; one INSERT, so two workers cannot both accept it."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # RETURNING, not rowcount: psycopg reports no rowcount for this statement.
    inserted = session.execute(dialect.insert(OpenRosaNonceUse).values(nonce=nonce, nc=nc, used_at=utcnow())
                               .on_conflict_do_nothing().returning(OpenRosaNonceUse.nc)).first()
    if secrets.randbelow(50) == 0:  # prune now and then; old rows only guard nonces that are stale anyway
        session.execute(delete(OpenRosaNonceUse).where(
            OpenRosaNonceUse.used_at < utcnow() - timedelta(seconds=2 * nonce_ttl())))
    session.commit()
    return inserted is not None


def _digest(session: Session, auth) -> AuthResult:
    p = auth.parameters
    nonce, uri, nc, cnonce = p.get("nonce", ""), p.get("uri", ""), p.get("nc", ""), p.get("cnonce", "")
    if p.get("realm") != REALM or p.get("qop") != "auth" or (p.get("algorithm") or "MD5").upper() != "MD5":
        return AuthResult(message=f'Autentikasi Digest harus realm="{REALM}", qop=auth, algoritme MD5')
    if not (nonce and uri and cnonce and len(nc) == 8 and all(c in "0123456789abcdefABCDEF" for c in nc)):
        return AuthResult(message="Header Digest tidak lengkap (nonce, uri, nc, cnonce wajib)")
    if not _uri_matches(uri):
        return AuthResult(message="uri pada header Digest tidak sesuai dengan alamat permintaan")
    state = nonce_state(nonce)
    if state == "invalid":
        return AuthResult(message="Nonce Digest tidak dikenal; ulangi dengan nonce baru")
    enumerator = _enumerator(session, auth.username)
    if enumerator is None:
        return AuthResult()
    if not enumerator.digest_ha1:
        return AuthResult(message="Kata sandi pencacah ini belum mendukung Digest; atur ulang dengan "
                                  "'bansos create-enumerator' (atau pakai HTTPS)")
    ha2 = md5_hex(f"{request.method}:{uri}")
    expected = md5_hex(f"{enumerator.digest_ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
    if not hmac.compare_digest(expected, (p.get("response") or "").lower()):
        return AuthResult()
    if state == "stale":
        return AuthResult(message="Nonce Digest kedaluwarsa; ulangi dengan nonce baru", stale=True)
    if not _remember_count(session, nonce, int(nc, 16)):
        return AuthResult(message="Permintaan ini sudah pernah dipakai (nonce dan nc berulang)")
    return AuthResult(enumerator=enumerator)


def authenticate(session: Session) -> AuthResult:
    """Check the request's Authorization header; the result names the enumerator or says why not."""
    auth = request.authorization
    if auth is None:
        return AuthResult(message="Login pencacah diperlukan")
    if auth.type == "digest":
        return _digest(session, auth)
    if auth.type == "basic":
        if not request.is_secure:
            return AuthResult(message="Login Basic hanya lewat HTTPS; gunakan Digest (ODK Collect memakainya otomatis)")
        enumerator = _enumerator(session, auth.username)
        if enumerator is not None and auth.password and check_password_hash(enumerator.password_hash, auth.password):
            return AuthResult(enumerator=enumerator)
        return AuthResult()
    return AuthResult(message="Metode login tidak didukung; gunakan Digest")
