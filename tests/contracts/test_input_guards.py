"""Bad requests are a 4xx on every service and both databases: ids past PostgreSQL's integer, JSON nested
thousands deep, bodies of the wrong shape."""
from __future__ import annotations

import json

from services.common.inputs import MAX_JSON_DEPTH
from tests.contracts.conftest import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _service(app) -> str:
    return app.name.split(".")[1]


def _int_routes(app):
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if type(conv).__name__ == "IdConverter"]
        if ints and "GET" in rule.methods:
            yield rule, ints


def _url_with(rule, ints, value: str) -> str:
    url = rule.rule
    for name in rule._converters:
        url = url.replace(f"<{'int:' if name in ints else ''}{name}>", value if name in ints else "a4")
    return url


def test_ids_beyond_the_integer_range_are_not_found(service_app):
    client = service_app.test_client()
    checked = set()
    for rule, ints in _int_routes(service_app):
        for value in ("2147483648", "99999999999999999999", "-1"):
            url = _url_with(rule, ints, value)
            response = client.get(url, headers=AUTH)
            assert response.status_code == 404, (url, response.status_code)
            checked.add(rule.rule)
    # registry: households, imports, ledger head, survey households; reports: runs, artifacts, public pages
    assert len(checked) >= {"registry": 4, "reports": 6, "notifications": 0}[_service(service_app)], checked


def test_query_ids_beyond_the_range_are_refused(service_app):
    client = service_app.test_client()
    name = _service(service_app)
    if name == "reports":
        response = client.get("/api/runs?programme_id=2147483648", headers=AUTH)
        assert response.status_code == 400 and "0 sampai 2147483647" in response.get_json()["error"]
    elif name == "registry":
        response = client.get("/api/who-gets-what?q=3526011201900001&organisation_id=2147483648", headers=AUTH)
        assert response.status_code == 400 and "organisation_id" in response.get_json()["error"]
        households = client.get("/api/households?page=99999999999999999999", headers=AUTH)
        assert households.status_code == 200 and households.get_json()["page"] == 1


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_json_nested_too_deep_is_a_400_with_the_reason_everywhere(service_app):
    client = service_app.test_client()
    posts = [rule.rule for rule in service_app.url_map.iter_rules()
             if "POST" in rule.methods and not rule.arguments and rule.rule.startswith(("/api", "/webhooks"))]
    assert bool(posts) == (_service(service_app) != "reports")  # reports' API only reads
    reached = 0
    for url in posts:
        for body in (_deep(5000), '{"a":' * 200 + "1" + "}" * 200):
            response = client.post(f"{url}?token={TOKEN}", data=body, headers={**AUTH, "Content-Type":
                                                                                  "application/json"})
            assert response.status_code < 500, (url, response.status_code)
            if response.status_code == 400 and "terlalu dalam" in (response.get_json() or {}).get("error", ""):
                assert str(MAX_JSON_DEPTH) in response.get_json()["error"]
                reached += 1
    # the depth guard answered, not the view: the survey API; the notifications API and webhooks
    assert reached >= {"registry": 2, "reports": 0, "notifications": 8}[_service(service_app)]


def test_a_shallow_body_still_parses(service_app):
    client = service_app.test_client()
    if _service(service_app) != "notifications":
        return
    nested = json.dumps({"template": "Halo {{ nama }}", "allowed": ["nama"], "samples": [{"nama": "Siti"}]})
    response = client.post("/api/preview", data=nested, headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 200 and response.get_json()["samples"][0]["body"] == "Halo Siti"


def test_notification_bodies_of_the_wrong_type_are_refused(service_app):
    if _service(service_app) != "notifications":
        return
    client = service_app.test_client()
    opt_out = client.post("/api/opt-outs", json={"address": [None, None]}, headers=AUTH)
    assert opt_out.status_code == 400 and "Nomor HP tidak sah" in opt_out.get_json()["error"]
    test_message = client.post("/api/test-message", json={"to": [1]}, headers=AUTH)
    assert test_message.status_code == 400 and "tidak sah" in test_message.get_json()["error"]
    email = client.post("/api/test-message", json={"to": {"a": 1}, "channel": "email"}, headers=AUTH)
    assert email.status_code == 400
    for body in ([1, 2], "teks", 5):
        zenziva = client.post(f"/webhooks/zenziva?token={TOKEN}", json=body)
        assert zenziva.status_code == 400 and "objek JSON" in zenziva.get_json()["error"]
