"""OpenRosa for ODK Collect: form list, XForm download, HEAD/POST submission with enumerator auth.

The Flask test client (over HTTPS, Basic) covers every submission rule on SQLite and PostgreSQL;
Digest auth is in test_openrosa_digest.py. One test drives a real gunicorn registry server with the
requests library's Digest client, the way Collect talks to it over plain HTTP."""
from __future__ import annotations

import base64
import sys
import time

import pytest
import requests
from lxml import etree
from requests.auth import HTTPDigestAuth
from sqlalchemy import select

from services.common.db import make_engine
from services.registry import schema
from services.registry.app import create_app
from services.registry.models import Enumerator, HouseholdWelfare, SurveyCampaign, SurveyResponse
from services.registry.surveys.credentials import set_password
from services.registry.web.openrosa_auth import new_nonce
from tests.conftest import free_port
from tests.helpers import wait_for
from tests.registry.surveys.openrosa_client import (
    XFORMS,
    digest_authorization,
    digest_challenge,
    fill_submission,
    form_list,
    response_message,
)
from tests.registry.surveys.survey_helpers import bps_answers, kk, setup_registry

PASSWORD = "rahasia-pencacah"
HEADERS = {"X-OpenRosa-Version": "1.0",
           "Authorization": "Basic " + base64.b64encode(f"pencacah1:{PASSWORD}".encode()).decode()}


def _seed(session):
    households, bps, _ = setup_registry(session, 3)
    enumerator = Enumerator(username="pencacah1", full_name="Pendamping Satu")
    set_password(enumerator, PASSWORD)
    session.add(enumerator)
    session.add(SurveyCampaign(name="Pendataan uji", instrument=bps, desa="Kamal", enumerators=[enumerator]))
    session.commit()
    return households


@pytest.fixture
def client(registry_url, session):
    _seed(session)
    app = create_app({"TESTING": True, "DATABASE_URL": registry_url, "SERVER_NAME": "registri.desa"})
    plain = app.wsgi_app
    # As if behind the village's TLS endpoint: Basic is accepted over HTTPS only.
    app.wsgi_app = lambda environ, start: plain({**environ, "wsgi.url_scheme": "https"}, start)
    return app.test_client()


def _submit(client, xml: bytes, headers=HEADERS):
    from io import BytesIO

    return client.post("/openrosa/submission", headers=headers,
                       data={"xml_submission_file": (BytesIO(xml), "submission.xml", "text/xml")},
                       content_type="multipart/form-data")


def _bps_form(client) -> bytes:
    return client.get("/openrosa/forms/bps14_v1.xml", headers=HEADERS).data


@pytest.mark.parametrize("auth", [None, "Basic " + base64.b64encode(b"pencacah1:salah").decode(), "Bearer x"])
def test_every_endpoint_asks_for_enumerator_credentials(client, auth):
    headers = {"X-OpenRosa-Version": "1.0", **({"Authorization": auth} if auth else {})}
    for method, path in (("get", "/openrosa/formList"), ("head", "/openrosa/submission"),
                         ("post", "/openrosa/submission")):
        response = getattr(client, method)(path, headers=headers)
        assert response.status_code == 401
        offered = response.headers.getlist("WWW-Authenticate")
        assert [c.split()[0] for c in offered] == ["Digest", "Basic"]  # Basic only because this is HTTPS
        assert response.headers["X-OpenRosa-Version"] == "1.0"


def test_form_list_and_download_give_an_xform_generated_from_the_instrument(client):
    listing = client.get("/openrosa/formList", headers=HEADERS)
    assert listing.status_code == 200 and listing.headers["X-OpenRosa-Version"] == "1.0"
    forms = {f["formID"]: f for f in form_list(listing.data)}
    assert set(forms) == {"bps14_v1", "kebutuhan_desa_v1"}
    assert forms["bps14_v1"]["downloadUrl"] == "https://registri.desa/openrosa/forms/bps14_v1.xml"
    xform = _bps_form(client)
    import hashlib

    assert forms["bps14_v1"]["hash"] == "md5:" + hashlib.md5(xform).hexdigest()
    root = etree.fromstring(xform)
    data = root.find(f".//{{{XFORMS}}}instance")[0]
    assert data.get("id") == "bps14_v1" and data.get("version") == "1"
    leaves = [etree.QName(e).localname for e in data.iter() if not len(e)]
    assert leaves[0] == "no_kk" and len([name for name in leaves if name.startswith("k")]) == 14
    binds = {b.get("nodeset"): b for b in root.iter(f"{{{XFORMS}}}bind")}
    assert binds["/data/perumahan/k01_luas_lantai"].get("required") == "true()"
    needs = etree.fromstring(client.get("/openrosa/forms/kebutuhan_desa_v1.xml", headers=HEADERS).data)
    needs_binds = {b.get("nodeset"): b.get("type") for b in needs.iter(f"{{{XFORMS}}}bind")}
    assert needs_binds["/data/pendidikan/anak_putus_sekolah"] == "int"
    assert client.get("/openrosa/forms/tidak_ada_v1.xml", headers=HEADERS).status_code == 404


def test_head_then_submission_is_stored_once_with_enumerator_and_campaign(client, engine):
    head = client.head("/openrosa/submission", headers=HEADERS)
    assert head.status_code == 204 and int(head.headers["X-OpenRosa-Accept-Content-Length"]) > 0
    xml = fill_submission(_bps_form(client), {"no_kk": kk(2), **bps_answers(9)}, "uuid:1111-aaaa")
    first = _submit(client, xml)
    assert first.status_code == 201 and first.headers["X-OpenRosa-Version"] == "1.0"
    assert "tersimpan" in response_message(first.data)
    again = _submit(client, xml)
    assert again.status_code == 202 and "sudah diterima" in response_message(again.data)
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        stored = session.execute(select(SurveyResponse)).scalars().all()
        assert len(stored) == 1
        response = stored[0]
        assert (response.source, response.submission_key, float(response.score)) == ("openrosa", "uuid:1111-aaaa", 9)
        assert response.enumerator.username == "pencacah1" and response.campaign.name == "Pendataan uji"
        assert session.get(HouseholdWelfare, response.household_id).band == "miskin"


def test_bad_submissions_get_400_with_the_reason(client):
    form = _bps_form(client)
    wrong = fill_submission(form, {"no_kk": kk(1), **bps_answers(9), "k05_listrik": "kadang"}, "uuid:2")
    assert "k05_listrik: harus 'ya' atau 'tidak'" in response_message(_submit(client, wrong).data)
    unknown = fill_submission(form, {"no_kk": "3526010101269999", **bps_answers(9)}, "uuid:3")
    answer = _submit(client, unknown)
    assert answer.status_code == 400 and "tidak ada di registri" in response_message(answer.data)
    assert _submit(client, b"<data id='bps14_v1'><no_kk>").status_code == 400
    missing = client.post("/openrosa/submission", headers=HEADERS, data={"other": "x"},
                          content_type="multipart/form-data")
    assert missing.status_code == 400 and "xml_submission_file" in response_message(missing.data)


@pytest.mark.postgres
@pytest.mark.slow
def test_odk_collect_conversation_against_a_running_registry_server(processes, pg, tmp_var, monkeypatch):
    """Plain HTTP, as a village laptop serves it: Digest only (requests.auth.HTTPDigestAuth, nc counting up
    over one nonce the way Collect reuses it), a wrong password, a replayed header, a stale nonce, and Basic
    refused because it would send the password in clear."""
    monkeypatch.setenv("OPENROSA_NONCE_SECRET", "uji-rahasia-nonce")  # the test forges an old nonce below
    url = pg.create("openrosa")
    schema.upgrade(url)
    engine = make_engine(url)
    from sqlalchemy.orm import Session

    try:
        with Session(engine, expire_on_commit=False) as session:
            _seed(session)
        port = free_port()
        server = processes.start("registry-api", [
            sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
            "services.registry.app:create_app()"], {"REGISTRY_DATABASE_URL": url, "BANSOS_VAR": str(tmp_var),
                                                    "OPENROSA_NONCE_SECRET": "uji-rahasia-nonce"})
        base = f"http://127.0.0.1:{port}/openrosa"

        def up():
            assert server.poll() is None, server.log_path.read_text()
            try:
                return [requests.head(f"{base}/submission", timeout=5)]  # a 401 Response is falsy
            except (requests.ConnectionError, requests.Timeout):  # still booting on a busy machine
                return None

        (challenge,) = wait_for(up, timeout=60, message="registry server up")
        assert challenge.status_code == 401 and challenge.headers["X-OpenRosa-Version"] == "1.0"
        offered = digest_challenge(challenge.headers["WWW-Authenticate"])  # one challenge: no Basic over HTTP
        assert (offered["realm"], offered["qop"], offered["algorithm"]) == ("bansos-openrosa", "auth", "MD5")
        assert "stale" not in offered

        auth = HTTPDigestAuth("pencacah1", PASSWORD)
        openrosa = {"X-OpenRosa-Version": "1.0"}
        with requests.Session() as phone:
            phone.auth, phone.headers["X-OpenRosa-Version"] = auth, "1.0"
            listing = phone.get(f"{base}/formList", timeout=30)
            assert listing.status_code == 200 and listing.headers["X-OpenRosa-Version"] == "1.0", listing.text
            download = next(f["downloadUrl"] for f in form_list(listing.content) if f["formID"] == "bps14_v1")
            xform = phone.get(download, timeout=30)
            assert xform.status_code == 200 and "nc=00000002" in xform.request.headers["Authorization"]
            xml = fill_submission(xform.content, {"no_kk": kk(3), **bps_answers(12)}, "uuid:real-1")
            files = {"xml_submission_file": ("submission.xml", xml, "text/xml")}
            assert phone.head(f"{base}/submission", timeout=30).status_code == 204
            first = phone.post(f"{base}/submission", files=files, timeout=30)
            second = phone.post(f"{base}/submission", files=files, timeout=30)
        assert (first.status_code, second.status_code) == (201, 202), first.text
        assert first.headers["X-OpenRosa-Version"] == "1.0"

        # A captured request sent again verbatim (same nonce and nc) is refused, on either worker.
        replay = requests.get(f"{base}/formList", timeout=30, headers={
            **openrosa, "Authorization": listing.request.headers["Authorization"]})
        assert replay.status_code == 401 and "sudah pernah dipakai" in response_message(replay.content)

        wrong = requests.get(f"{base}/formList", auth=HTTPDigestAuth("pencacah1", "salah-sandi"), headers=openrosa,
                             timeout=30)
        assert wrong.status_code == 401 and "salah" in response_message(wrong.content)
        basic = requests.get(f"{base}/formList", auth=("pencacah1", PASSWORD), headers=openrosa, timeout=30)
        assert basic.status_code == 401 and "HTTPS" in response_message(basic.content)

        old = new_nonce(now=time.time() - 3600)  # signed by the server's secret, an hour old
        uri = "/openrosa/formList"
        stale = requests.get(f"{base}/formList", timeout=30, headers={
            **openrosa, "Authorization": digest_authorization("GET", uri, "pencacah1", PASSWORD, old)})
        assert stale.status_code == 401 and digest_challenge(stale.headers["WWW-Authenticate"])["stale"] == "true"
        stale_wrong = requests.get(f"{base}/formList", timeout=30, headers={
            **openrosa, "Authorization": digest_authorization("GET", uri, "pencacah1", "salah-sandi", old)})
        assert "stale" not in digest_challenge(stale_wrong.headers["WWW-Authenticate"])
        with Session(engine) as session:
            assert [r.submission_key for r in session.scalars(select(SurveyResponse))] == ["uuid:real-1"]
    finally:
        engine.dispose()
