"""Admin hardening: headers and CSP, cookies and idle timeout, password policy, login rate limit and lockout."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from sqlalchemy import select

from admin.hardening import password_policy, utc_naive_now
from services.registry.models import AuditEntry
from tests.admin.stack import DEMO_PASSWORD, login, make_admin_app


def test_every_page_carries_the_security_headers(client):
    response = client.get("/login/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert client.get("/health").headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("password, problem", [
    ("Pendek1", "minimal 10 karakter"),
    ("hanyahurufsaja", "memuat huruf dan angka"),
    ("1234567890", "memuat huruf dan angka"),
    ("bismillah", "minimal 10 karakter"),
    ("indonesia1", "bukan kata sandi yang umum"),
])
def test_weak_passwords_are_refused_with_the_reason(password, problem):
    with pytest.raises(PasswordComplexityValidationError, match=problem):
        password_policy(password)


def test_a_strong_password_passes():
    password_policy(DEMO_PASSWORD)
    password_policy("sapi-kerapan-77")


def test_the_admin_cannot_create_a_user_with_a_weak_password(client, db):
    login(client, "admin")
    page = client.post("/users/add", data={
        "first_name": "Uji", "last_name": "Lemah", "username": "uji_lemah", "email": "uji@lemah.id",
        "active": "y", "roles": "1", "password": "rahasia", "conf_password": "rahasia"}, follow_redirects=True)
    assert "Kata sandi harus" in page.get_data(as_text=True)
    from admin.security import BansosUser

    assert db.scalars(select(BansosUser).where(BansosUser.username == "uji_lemah")).first() is None


def test_repeated_failures_lock_the_account_even_for_the_right_password(stack, client, db):
    from admin.security import BansosUser

    app = stack.app
    for _ in range(app.config["ADMIN_LOGIN_MAX_FAILURES"]):
        login(client, "auditor", "salah-sandi-123")
    page = login(client, "auditor")  # the right password, but locked
    assert "/login" in page.headers.get("Location", "/login")
    page = client.get("/login/")
    assert "Akun dikunci sementara" in page.get_data(as_text=True)
    user = db.scalars(select(BansosUser).where(BansosUser.username == "auditor")).one()
    assert user.locked_until > utc_naive_now()
    audit = db.scalars(select(AuditEntry).where(AuditEntry.action == "kunci_akun",
                                                AuditEntry.entity_id == str(user.id))).all()
    assert audit and audit[-1].details["username"] == "auditor"

    # When the lock runs out (simulated), the right password works again.
    user.locked_until = utc_naive_now() - timedelta(seconds=1)
    db.commit()
    login(client, "auditor")
    assert "Daftar Keluarga" in client.get("/households/list/").get_data(as_text=True)


def test_login_posts_are_rate_limited_per_address(stack):
    app = make_admin_app(stack.url, "memory://", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                         AUTH_RATE_LIMIT="3 per minute")
    try:
        with app.test_client() as client:
            answers = [login(client, "tidak_ada", "salah-sandi-123").status_code for _ in range(4)]
    finally:
        app.extensions["database"].engine.dispose()
    assert answers[:3] == [302, 302, 302] and answers[3] == 429


def test_session_cookie_is_secure_httponly_and_expires_when_idle(stack):
    app = make_admin_app(stack.url, "memory://", SESSION_COOKIE_SECURE=True,
                         PERMANENT_SESSION_LIFETIME=timedelta(minutes=30))
    try:
        with app.test_client() as client:
            response = login(client, "operator")
    finally:
        app.extensions["database"].engine.dispose()
    cookie = next(value for name, value in response.headers.items()
                  if name == "Set-Cookie" and value.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "Expires=" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
