"""OpenRosa Digest auth rules (RFC 7616, qop=auth, MD5) on SQLite and PostgreSQL, over plain HTTP.

The live-server conversation with requests' HTTPDigestAuth is in test_openrosa.py; here each rule is
driven with hand-built headers so a wrong uri, a replay or a stale nonce can be aimed precisely."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from services.registry.app import create_app
from services.registry.models import Enumerator, OpenRosaNonceUse
from services.registry.surveys.credentials import set_password
from services.registry.surveys.instruments import load_shipped_instruments
from services.registry.web.openrosa_auth import new_nonce, nonce_state
from tests.registry.surveys.openrosa_client import digest_authorization, digest_challenge, response_message

PASSWORD = "rahasia-pencacah"
LIST = "/openrosa/formList"


@pytest.fixture
def client(registry_url, session, monkeypatch):
    monkeypatch.setenv("OPENROSA_NONCE_SECRET", "uji-rahasia-nonce")
    load_shipped_instruments(session)
    enumerator = Enumerator(username="pencacah1", full_name="Pendamping Satu")
    set_password(enumerator, PASSWORD)
    legacy = Enumerator(username="lama", full_name="Pencacah Lama", password_hash="x")  # made before Digest
    session.add_all([enumerator, legacy])
    session.commit()
    return create_app({"TESTING": True, "DATABASE_URL": registry_url}).test_client()


def _nonce(client) -> str:
    challenge = client.get(LIST, headers={"X-OpenRosa-Version": "1.0"})
    assert challenge.status_code == 401 and challenge.headers["X-OpenRosa-Version"] == "1.0"
    (offered,) = challenge.headers.getlist("WWW-Authenticate")  # plain HTTP: Digest only, never Basic
    params = digest_challenge(offered)
    assert (params["realm"], params["qop"], params["algorithm"]) == ("bansos-openrosa", "auth", "MD5")
    return params["nonce"]


def _get(client, authorization: str, path: str = LIST):
    return client.get(path, headers={"X-OpenRosa-Version": "1.0", "Authorization": authorization})


def test_digest_accepts_the_password_once_per_count(client, session):
    nonce = _nonce(client)
    first = digest_authorization("GET", LIST, "pencacah1", PASSWORD, nonce, nc=1)
    answer = _get(client, first)
    assert answer.status_code == 200 and b"xforms" in answer.data
    assert answer.headers["X-OpenRosa-Version"] == "1.0"
    replay = _get(client, first)
    assert replay.status_code == 401 and "sudah pernah dipakai" in response_message(replay.data)
    # Collect reuses a nonce with nc counting up; counts may arrive out of order from parallel downloads.
    assert _get(client, digest_authorization("GET", LIST, "pencacah1", PASSWORD, nonce, nc=3)).status_code == 200
    assert _get(client, digest_authorization("GET", LIST, "pencacah1", PASSWORD, nonce, nc=2)).status_code == 200
    used = session.execute(select(OpenRosaNonceUse.nc).where(OpenRosaNonceUse.nonce == nonce)).scalars().all()
    assert sorted(used) == [1, 2, 3]


@pytest.mark.parametrize(("username", "password", "message"), [
    ("pencacah1", "salah-sandi", "kata sandi pencacah salah"),
    ("tidak-ada", PASSWORD, "kata sandi pencacah salah"),  # same answer: no hint which usernames exist
    ("lama", PASSWORD, "create-enumerator"),
])
def test_digest_refuses_wrong_credentials_with_the_reason(client, username, password, message):
    refused = _get(client, digest_authorization("GET", LIST, username, password, _nonce(client)))
    assert refused.status_code == 401 and message in response_message(refused.data)
    assert refused.headers["WWW-Authenticate"].startswith("Digest ")


def test_stale_nonce_gets_stale_true_only_with_the_right_password(client):
    old = new_nonce(now=time.time() - 3600)
    assert nonce_state(old) == "stale" and nonce_state(old[:-1] + "0") == "invalid"
    stale = _get(client, digest_authorization("GET", LIST, "pencacah1", PASSWORD, old))
    params = digest_challenge(stale.headers["WWW-Authenticate"])
    assert stale.status_code == 401 and params["stale"] == "true" and params["nonce"] != old
    assert "kedaluwarsa" in response_message(stale.data)
    wrong = _get(client, digest_authorization("GET", LIST, "pencacah1", "salah-sandi", old))
    assert "stale" not in digest_challenge(wrong.headers["WWW-Authenticate"])
    # A fresh nonce from the stale answer works straight away (what Collect does without asking the user).
    assert _get(client, digest_authorization("GET", LIST, "pencacah1", PASSWORD, params["nonce"])).status_code == 200


def test_forged_nonce_other_uri_and_other_realm_are_refused(client):
    nonce = _nonce(client)
    forged = nonce.rsplit(".", 1)[0] + ".00000000000000000000000000000000"
    answer = _get(client, digest_authorization("GET", LIST, "pencacah1", PASSWORD, forged))
    assert answer.status_code == 401 and "tidak dikenal" in response_message(answer.data)
    # A response computed for the form list cannot open the submission endpoint.
    moved = client.post("/openrosa/submission", headers={
        "Authorization": digest_authorization("GET", LIST, "pencacah1", PASSWORD, nonce)})
    assert moved.status_code == 401 and "uri" in response_message(moved.data)
    realm = _get(client, digest_authorization("GET", LIST, "pencacah1", PASSWORD, nonce, realm="lain"))
    assert realm.status_code == 401 and "realm" in response_message(realm.data)


def test_basic_over_plain_http_is_refused_even_with_the_right_password(client):
    import base64

    token = base64.b64encode(f"pencacah1:{PASSWORD}".encode()).decode()
    refused = _get(client, f"Basic {token}")
    assert refused.status_code == 401 and "HTTPS" in response_message(refused.data)


@pytest.mark.parametrize("trust", [False, True])
def test_basic_behind_a_trusted_tls_proxy_only(client, registry_url, trust):
    """X-Forwarded-Proto counts only with REGISTRY_TRUST_PROXY (nginx in docker-compose); a client talking to
    gunicorn directly cannot claim HTTPS to get Basic accepted."""
    import base64

    app = create_app({"TESTING": True, "DATABASE_URL": registry_url, "TRUST_PROXY": trust})
    headers = {"X-OpenRosa-Version": "1.0", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "desa.example",
               "Authorization": "Basic " + base64.b64encode(f"pencacah1:{PASSWORD}".encode()).decode()}
    answer = app.test_client().get(LIST, headers=headers)
    if trust:
        assert answer.status_code == 200 and b"https://desa.example/openrosa/forms/" in answer.data
    else:
        assert answer.status_code == 401 and "HTTPS" in response_message(answer.data)
