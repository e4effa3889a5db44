"""Property-based tests (hypothesis) of every inbound webhook: ANY body, form or signature gets either the
documented answer or a 4xx carrying its reason in Indonesian, never a server error, and a refused call
stores nothing."""
from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from services.notifications import inbound, schema
from services.notifications.app import create_app
from services.notifications.models import InboundEvent

SECRET = "rahasia-aplikasi"
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
json_values = st.recursive(scalars, lambda children: st.lists(children, max_size=3)
                           | st.dictionaries(st.text(max_size=10), children, max_size=4), max_leaves=12)
# Bodies shaped like the providers' ones, with every field free to be anything: this reaches the deep fields.
loose = st.one_of(json_values, st.text(max_size=300))
sms_bodies = st.fixed_dictionaries({}, optional={"id": loose, "from": loose, "text": loose})
receipt_bodies = st.fixed_dictionaries({}, optional={
    "message_id": loose, "status": loose, "error": loose,
    "results": loose | st.lists(st.fixed_dictionaries({}, optional={
        "messageId": loose, "status": loose | st.fixed_dictionaries({"groupName": loose}),
        "error": loose | st.fixed_dictionaries({"name": loose})}), max_size=3)})
wa_message = st.fixed_dictionaries({}, optional={
    "id": loose, "from": loose, "text": loose | st.fixed_dictionaries({"body": loose}),
    "button": loose | st.fixed_dictionaries({"text": loose})})
wa_status = st.fixed_dictionaries({}, optional={"id": loose, "status": loose,
                                                "errors": loose | st.lists(st.fixed_dictionaries({"title": loose}))})
wa_bodies = st.fixed_dictionaries({}, optional={"entry": loose | st.lists(st.fixed_dictionaries({}, optional={
    "changes": loose | st.lists(st.fixed_dictionaries({}, optional={
        "value": loose | st.fixed_dictionaries({}, optional={"messages": loose | st.lists(wa_message, max_size=3),
                                                              "statuses": loose | st.lists(wa_status, max_size=3)})}),
        max_size=2)}), max_size=2)})


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notif")
    url = f"sqlite:///{folder / 'notifications.db'}"
    patch = pytest.MonkeyPatch()  # module-wide: one app for every example keeps the file fast
    patch.setenv("BANSOS_VAR", str(folder))
    patch.setenv("BANSOS_DEMO", "1")
    patch.setattr(inbound, "send", lambda celery, name, payload: sent.append((name, payload)))
    sent = []
    schema.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SERVICE_TOKEN": "t", "CELERY_BROKER_URL": "memory://",
                      "OUTBOX_DIR": str(folder / "outbox"), "SMS_GATEWAY_URL": None, "INBOUND_SMS_TOKEN": "masuk",
                      "WHATSAPP_APP_SECRET": SECRET, "WHATSAPP_VERIFY_TOKEN": "verif"})
    yield app.test_client(), app, sent
    patch.undo()
    app.extensions["database"].engine.dispose()


def _events(app) -> int:
    with app.extensions["database"].transaction() as session:
        return session.scalar(select(func.count()).select_from(InboundEvent))


def _check(response, allowed=(200,)):
    """A known answer, or a 4xx whose JSON names the reason."""
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code not in allowed:
        assert response.status_code in (400, 403)
        assert response.get_json()["error"]
    return response


@SETTINGS
@given(body=st.one_of(sms_bodies, json_values))
def test_sms_webhook_any_json_body(client, body):
    http, app, sent = client
    before, calls = _events(app), len(sent)
    answer = _check(http.post("/webhooks/sms?token=masuk", json=body))
    if answer.status_code == 200:
        data = answer.get_json()
        assert data["key"] == f"sms:{body['id']}" and data["kind"] in ("complaint", "opt_out", "inbox")
        assert _events(app) == before + (0 if data["duplicate"] else 1)
    else:
        assert _events(app) == before and len(sent) == calls
    for name, payload in sent[calls:]:
        assert name == "registry.record_inbound" and set(payload) == {"key", "kind", "channel", "phone", "text"}


@SETTINGS
@given(form=st.dictionaries(st.sampled_from(["id", "from", "text", "x"]), st.text(max_size=40)),
       raw=st.binary(max_size=200), token=st.text(max_size=10))
def test_sms_webhook_any_form_raw_body_or_token(client, form, raw, token):
    http, _, _ = client
    _check(http.post("/webhooks/sms?token=masuk", data=form))
    _check(http.post("/webhooks/sms?token=masuk", data=raw, content_type="application/json"))
    refused = http.post("/webhooks/sms", query_string={"token": token}, json={"id": "1", "from": "0812", "text": "x"})
    assert refused.status_code == (200 if token == "masuk" else 400 if "\x00" in token else 403)


@SETTINGS
@given(body=st.one_of(receipt_bodies, json_values))
def test_receipts_webhook_any_body(client, body):
    http, _, _ = client
    answer = _check(http.post("/webhooks/receipts", headers={"X-Inbound-Token": "masuk"}, json=body))
    if answer.status_code == 200:
        assert answer.get_json()["updated"] == 0  # no message of ours carries these ids


@SETTINGS
@given(body=st.one_of(wa_bodies, json_values))
def test_whatsapp_webhook_any_signed_body(client, body):
    http, app, _ = client
    raw = json.dumps(body).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    before = _events(app)
    answer = _check(http.post("/webhooks/whatsapp", data=raw, content_type="application/json",
                              headers={"X-Hub-Signature-256": signature}))
    if answer.status_code != 200:
        assert _events(app) == before  # refused as a whole: nothing half-stored
    else:
        assert _events(app) - before <= answer.get_json()["messages"]


@SETTINGS
# No CR/LF in the header value: the test client itself refuses those before any request is made.
@given(raw=st.binary(max_size=200), signature=st.text(max_size=80).filter(lambda s: not {"\r", "\n"} & set(s)),
       params=st.dictionaries(
    st.sampled_from(["hub.mode", "hub.verify_token", "hub.challenge"]), st.text(max_size=20)))
def test_whatsapp_webhook_any_signature_and_verification(client, raw, signature, params):
    http, _, _ = client
    answer = http.post("/webhooks/whatsapp", data=raw, headers={"X-Hub-Signature-256": signature})
    assert answer.status_code == 403 and "Tanda tangan" in answer.get_json()["error"]
    verify = http.get("/webhooks/whatsapp", query_string=params)
    genuine = params.get("hub.mode") == "subscribe" and params.get("hub.verify_token") == "verif"
    if any("\x00" in value for value in params.values()):  # no text with NUL reaches a view at all
        assert verify.status_code == 400 and "NUL" in verify.get_json()["error"]
        return
    assert verify.status_code == (200 if genuine else 403)
    if genuine:
        assert verify.get_data(as_text=True) == params.get("hub.challenge", "")
        assert verify.headers["Content-Type"].startswith("text/plain")  # echoed, never rendered as HTML
