"""Waiting for something that happens in another process."""
from __future__ import annotations

import time


def wait_for(predicate, timeout: float = 60, interval: float = 0.25, message="condition"):
    """Poll ``predicate`` until it returns a truthy value; fail with ``message`` after ``timeout``.

    ``message`` may be a callable, evaluated only on failure (e.g. to attach a worker's log)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    text = message() if callable(message) else message
    raise AssertionError(f"timed out after {timeout}s waiting for {text} (last: {last!r})")
