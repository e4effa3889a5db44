"""Security headers every web process sends; the admin adds a CSP that its own pages satisfy."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response

BASE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # Pickup scanning may use the camera and objections record GPS: only from our own pages.
    "Permissions-Policy": "camera=(self), geolocation=(self), microphone=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def content_security_policy(extra_img_sources: list[str] | tuple[str, ...] = ()) -> str:
    """The CSP for server-rendered pages.

    FAB's templates carry inline <script> and style attributes, so 'unsafe-inline' stays for those two;
    everything is loaded from our own origin (no CDN), nothing may frame us, no plugins, and forms
    only post back to us."""
    images = " ".join(["'self'", "data:", "blob:", *extra_img_sources])
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        f"img-src {images}",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])


def origin_of(url_template: str | None) -> str | None:
    """The scheme://host of a tile URL template such as ``https://{s}.tile.example.org/{z}/{x}/{y}.png``."""
    if not url_template:
        return None
    parts = urlsplit(url_template.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def install_security_headers(app: Flask, csp: str | None = None) -> None:
    """Send BASE_HEADERS (and ``csp`` when given) on every response; HSTS when cookies are Secure."""

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in BASE_HEADERS.items():
            response.headers.setdefault(name, value)
        if csp:
            response.headers.setdefault("Content-Security-Policy", csp)
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
