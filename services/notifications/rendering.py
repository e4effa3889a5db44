"""Message bodies from a campaign template (sandboxed Jinja2) and phone number checks."""
from __future__ import annotations

import re

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from services.common.phones import phone_or_none as normalise_phone
from services.common.templates import validate_template  # noqa: F401 - the API checks templates here too

_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
NO_PHONE = "Nomor HP tidak ada"
NO_EMAIL = "Alamat e-mail tidak ada"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class TemplateRenderError(Exception):
    """The template cannot produce this message; the text is the Indonesian reason."""


def compile_template(source: str):
    try:
        return _ENV.from_string(source)
    except TemplateSyntaxError as exc:
        raise TemplateRenderError(f"Templat pesan tidak sah (baris {exc.lineno}): {exc.message}") from exc


def render(template, variables: dict) -> str:
    try:
        return template.render(**variables)
    except UndefinedError as exc:
        raise TemplateRenderError(f"Variabel templat tidak tersedia: {exc.message}") from exc
    except TemplateError as exc:
        raise TemplateRenderError(f"Templat pesan gagal diisi: {exc}") from exc
    except Exception as exc:  # a template may raise anything (e.g. division by zero): it fails one message
        raise TemplateRenderError(f"Templat pesan gagal diisi: {type(exc).__name__}") from exc



def normalise_address(channel: str, value: str | None) -> tuple[str | None, str]:
    """The address a channel sends to (phone, or e-mail for ``email``) and the reason text when missing."""
    if channel == "email":
        value = value.strip() if isinstance(value, str) else ""
        return (value if _EMAIL.match(value) else None), NO_EMAIL
    return normalise_phone(value), NO_PHONE
