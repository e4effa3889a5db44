"""One log format for every process; long digit runs (NIK, KK, bank account, phone) are masked in every line."""
from __future__ import annotations

import logging
import os

from services.common.privacy import redact_numbers

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """Masks identity numbers in the whole formatted record, tracebacks included: an exception's text may
    quote a NIK (a PostgreSQL DETAIL line, a validation message), and logs are kept and shipped."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_numbers(super().format(record))


def configure_logging() -> None:
    """Like ``logging.basicConfig`` (nothing changes when the root logger already has handlers, e.g. under
    pytest), but with the redacting formatter. Celery's worker keeps this handler (it does not hijack it)."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(os.environ.get("LOG_LEVEL", "INFO").upper())
