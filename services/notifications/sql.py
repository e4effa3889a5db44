"""SQL spellings that differ between PostgreSQL and SQLite, written once for the notifications service."""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_or_ignore(session: Session, model):
    """An INSERT that takes ``.on_conflict_do_nothing(...)``, in the session's dialect's own spelling."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)
