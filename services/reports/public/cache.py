"""A short per-process cache of the public pages that every resident reads (programme list, a programme, a
cycle's recipient list and its posters).

At a village festival hundreds of phones open the same few pages; each render reads the registry and builds
a 150-row table or a PDF. The data behind them changes a few times a day (a frozen list, a distribution), so a
page up to ``REPORTS_PUBLIC_CACHE_SECONDS`` (30) old is fine, and ``Cache-Control`` lets nginx or a phone keep
it as long. Only the body of a 200 is kept (never a cookie); forms with a CSRF token are never cached; 0
switches it off."""
from __future__ import annotations

import threading
import time
from functools import wraps

from flask import Response, current_app, request

MAX_PAGES = 512  # distinct addresses kept per process (programmes x cycles x pages x posters)
_LOCK = threading.Lock()
_KEPT_HEADERS = ("Content-Disposition",)


def cached_page(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        ttl = int(current_app.config.get("PUBLIC_CACHE_SECONDS", 30))
        if ttl <= 0:
            return view(*args, **kwargs)
        store: dict = current_app.extensions.setdefault("public_page_cache", {})
        key = (request.host, request.full_path)
        now = time.monotonic()
        hit = store.get(key)
        if hit is not None and hit[0] > now:
            _, body, mimetype, headers = hit
            response = Response(body, status=200, mimetype=mimetype, headers=headers)
        else:
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code == 200 and not response.direct_passthrough:
                headers = {name: response.headers[name] for name in _KEPT_HEADERS if name in response.headers}
                with _LOCK:
                    if len(store) >= MAX_PAGES:
                        store.clear()  # simplest bound; refilled within one TTL
                    store[key] = (now + ttl, response.get_data(), response.mimetype, headers)
        response.headers["Cache-Control"] = f"public, max-age={ttl}"
        return response

    return wrapper
