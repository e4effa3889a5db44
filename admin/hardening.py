"""Admin hardening: security headers with a CSP, idle session timeout, password policy, login lockout.

Login *rate* limiting is FAB's own Flask-Limiter hook (AUTH_RATE_LIMITED in config.py); the lockout
below is per account, so a slow guesser spread over many addresses is stopped too."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import Flask, abort, current_app, request, session
from flask_appbuilder.exceptions import PasswordComplexityValidationError

from services.common.web_security import content_security_policy, install_security_headers, origin_of

# The passwords every guesser tries first (and the village's own name).
COMMON_PASSWORDS = frozenset({
    "password", "password1", "passw0rd", "12345678", "123456789", "1234567890", "qwerty123", "admin123",
    "rahasia", "rahasia123", "bismillah", "indonesia", "indonesia1", "desakamal", "kamal123", "bangkalan",
    "bansos123", "operator", "operator1",
})


def password_policy(password: str) -> None:
    """FAB_PASSWORD_COMPLEXITY_VALIDATOR: at least 10 characters, letters and digits, not a common one."""
    problems = []
    if len(password or "") < 10:
        problems.append("minimal 10 karakter")
    if not re.search(r"[A-Za-z]", password or "") or not re.search(r"\d", password or ""):
        problems.append("memuat huruf dan angka")
    if (password or "").lower() in COMMON_PASSWORDS:
        problems.append("bukan kata sandi yang umum dipakai")
    if problems:
        raise PasswordComplexityValidationError("Kata sandi harus " + ", ".join(problems) + ".")


def init_hardening(app: Flask) -> None:
    tiles = origin_of(app.config.get("ADMIN_MAP_TILES_URL"))
    install_security_headers(app, content_security_policy([tiles] if tiles else []))

    @app.before_request
    def _no_fab_security_api():
        # FAB always registers its JWT login API; we do not use it, and it would be a second way in
        # that the login form's rate limit does not cover.
        if request.path.startswith("/api/v1/security/"):
            abort(404)
        # FAB's per-view file download answers 500 for any name it did not store itself.
        if (request.endpoint or "").endswith(".download") and "_sep_" not in (request.view_args or {}).get(
                "filename", "_sep_"):
            abort(404)

    @app.before_request
    def _idle_timeout() -> None:
        # A permanent session is refreshed on every request: it expires after
        # PERMANENT_SESSION_LIFETIME without activity, not at a fixed time after login.
        session.permanent = True


def utc_naive_now() -> datetime:
    # FAB's ab_user timestamps are naive; keep ours comparable with them.
    return datetime.utcnow().replace(microsecond=0)  # noqa: DTZ003


def locked(user) -> bool:
    return bool(user is not None and user.locked_until and user.locked_until > utc_naive_now())


def register_failure(user) -> bool:
    """After a failed login: lock the account once it reached the limit. True when it is now locked."""
    limit = current_app.config["ADMIN_LOGIN_MAX_FAILURES"]
    if user is None or (user.fail_login_count or 0) < limit:
        return False
    user.locked_until = utc_naive_now() + timedelta(minutes=current_app.config["ADMIN_LOCKOUT_MINUTES"])
    user.fail_login_count = 0
    return True
