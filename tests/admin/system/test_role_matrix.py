"""Every admin endpoint, every role: the answer must match the declared matrix (admin/roles.py FAB_ROLES).

The walk is generic: it reads the app's URL map, so a screen added later is covered without editing this
file. An endpoint is *allowed* for a role when one of the role's [view, permission] regex pairs matches
the endpoint's (class permission name, "can_<method>"); denied means 403 or a redirect to the login page.
A new endpoint that carries no permission at all fails the test unless it is listed as public below."""
from __future__ import annotations

import re

import pytest
from flask import Flask

from admin.roles import FAB_ROLES
from tests.admin.stack import demo_admin_app, login

USERS = {"Admin": "admin", "Operator Desa": "operator", "Mitra LSM": "mitra_lsm", "Mitra CSR": "mitra_csr",
         "Auditor": "auditor", "Kepala Desa": "kepala_desa", "BPD": "bpd", "Pengawas Pengaduan": "pengawas",
         "Camat": "camat_kamal", "Dinas Sosial": "dinsos"}
# Endpoints meant to be open without a permission (log in/out, language, static files, health, errors).
PUBLIC_ENDPOINTS = re.compile(
    r"^(static|appbuilder\.static|health\..*|AuthDBView\.(login|logout)|LocaleView\.index|UtilView\.back"
    r"|MenuApi\.get_menu_data|HomeView\.index|IndexView\.index|SecurityApi\..*"
    # FAB's list actions check each action's own permission inside (and our views declare none).
    r"|.*View\.action|.*View\.action_post)$")
# Endpoints whose GET changes data: only checked for roles that must be refused.
MUTATING = re.compile(r"\.(delete|action|action_post|download_delete|delete_.*)$")


def _endpoint_permissions(app: Flask) -> list[tuple[str, str, str, str, set[str]]]:
    """(rule, endpoint, view permission name, method permission, HTTP methods) for every view endpoint."""
    views = {view.__class__.__name__: view for view in app.appbuilder.baseviews}
    found = []
    for rule in app.url_map.iter_rules():
        view_name, _, method_name = rule.endpoint.partition(".")
        view = views.get(view_name)
        if view is None or not method_name:
            continue
        func = getattr(view, method_name, None)
        permission = getattr(func, "_permission_name", None)
        if permission is None:
            found.append((rule.rule, rule.endpoint, view.class_permission_name, "", set(rule.methods)))
            continue
        permission = (view.method_permission_name or {}).get(method_name) or permission
        found.append((rule.rule, rule.endpoint, view.class_permission_name, f"can_{permission}", set(rule.methods)))
    return found


def allowed(role: str, view_permission: str, permission: str, base_permissions) -> bool:
    if base_permissions is not None and permission not in base_permissions:
        return False
    return any(re.match(view_regex, view_permission) and re.match(permission_regex, permission)
               for view_regex, permission_regex in FAB_ROLES.get(role, []))


def _url(rule: str) -> str:
    # Every <converter:name> gets an id that exists in the demo data (1); the answer, not the row, matters.
    return re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "1", rule)


def _refused(response) -> bool:
    """403, or sent to the login page."""
    response.get_data()  # consume streamed bodies inside their request context
    if response.status_code == 403:
        return True
    return response.status_code in (301, 302) and "/login" in response.headers.get("Location", "")


def _denied(response) -> bool:
    # 404 is an acceptable refusal too: it tells an outsider nothing.
    return _refused(response) or response.status_code == 404


@pytest.fixture(scope="module")
def matrix_app(tmp_path_factory):
    with demo_admin_app(tmp_path_factory.mktemp("matrix")) as app:
        yield app


def test_every_endpoint_has_a_permission_or_is_declared_public(matrix_app):
    unprotected = [endpoint for _rule, endpoint, _view, permission, _methods in _endpoint_permissions(matrix_app)
                   if not permission and not PUBLIC_ENDPOINTS.match(endpoint)]
    assert unprotected == [], "endpoint tanpa izin (tambahkan @has_access atau nyatakan publik)"


@pytest.mark.parametrize("role", sorted(USERS))
def test_every_endpoint_answers_each_role_as_the_matrix_says(matrix_app, role):
    views = {view.class_permission_name: view for view in matrix_app.appbuilder.baseviews}
    mismatches = []
    checked = 0
    with matrix_app.test_client() as client:
        login(client, USERS[role])
        for rule, endpoint, view_permission, permission, methods in _endpoint_permissions(matrix_app):
            if not permission:
                continue
            base = getattr(views.get(view_permission), "base_permissions", None)
            expected = allowed(role, view_permission, permission, base)
            if expected and MUTATING.search(endpoint):
                continue
            url = _url(rule)
            response = client.get(url) if "GET" in methods else client.post(url, data={})
            checked += 1
            if (_refused(response) if expected else not _denied(response)):
                mismatches.append(f"{endpoint} {url}: {'diizinkan' if expected else 'ditolak'} menurut matriks, "
                                  f"jawaban {response.status_code}")
    assert checked > 30
    assert mismatches == []


def test_anonymous_visitors_get_nothing_but_the_login_page(matrix_app):
    refused = []
    with matrix_app.test_client() as client:
        for rule, endpoint, _view, permission, methods in _endpoint_permissions(matrix_app):
            if not permission:
                continue
            url = _url(rule)
            response = client.get(url) if "GET" in methods else client.post(url, data={})
            if not _denied(response) and response.status_code != 401:
                refused.append(f"{endpoint} {url}: {response.status_code}")
    assert refused == []


def test_fab_security_json_api_is_switched_off(matrix_app):
    """FAB's JWT login API would be a second way in, without the login form's rate limit: it answers 404."""
    with matrix_app.test_client() as client:
        response = client.post("/api/v1/security/login",
                               json={"username": "admin", "password": "Demo-Kamal-2026", "provider": "db"})
    assert response.status_code == 404 and b"access_token" not in response.data
