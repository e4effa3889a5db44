"""Checking a message template before anything is queued: one rule for the admin's campaign form and
the notifications API (which renders the same sandboxed Jinja2)."""
from __future__ import annotations

from jinja2 import TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

_ENV = SandboxedEnvironment(autoescape=False)


def validate_template(source: str, allowed: set[str]) -> list[str]:
    """Indonesian problems with a template before use: bad syntax, or variables the audience does not have."""
    try:
        parsed = _ENV.parse(source)
    except TemplateSyntaxError as exc:
        return [f"Templat pesan tidak sah (baris {exc.lineno}): {exc.message}"]
    unknown = sorted(meta.find_undeclared_variables(parsed) - allowed)
    if unknown:
        return [f"Variabel tidak dikenal: {', '.join(unknown)} (yang tersedia: {', '.join(sorted(allowed))})"]
    return []
