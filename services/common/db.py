"""A small SQLAlchemy holder bound per app: engine, scoped session, teardown."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, scoped_session, sessionmaker


def make_engine(url: str, **kwargs) -> Engine:
    # Statement parameters are NIKs, KKs, phones and bank accounts: never in an exception's text, so never
    # in a log line, a worker's retry message, an import job's error or an error page.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # WAL lets the API read while a worker writes; foreign keys are off by default.
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


class Database:
    """Unbound until ``init_app``; one per service app."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.session: scoped_session | None = None

    def init_app(self, app, url: str) -> None:
        self.engine = make_engine(url)
        self.session = scoped_session(sessionmaker(bind=self.engine, expire_on_commit=False))
        app.extensions["database"] = self

        @app.teardown_appcontext
        def _remove_session(_exc):
            self.session.remove()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A fresh session committed at the end, rolled back on error."""
        session = Session(bind=self.engine, expire_on_commit=False)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))


def _driver_errors() -> tuple[type[BaseException], ...]:
    try:  # bulk loads use psycopg's COPY directly: its errors arrive unwrapped
        import psycopg
    except ImportError:
        return ()
    return (psycopg.OperationalError, psycopg.InterfaceError)


def is_transient_db_error(exc: BaseException | None) -> bool:
    """The database went away or was busy (restart, cut connection, SQLite lock, deadlock): worth retrying.

    Looks along the exception's cause/context chain, because a handler that tries to record the failure
    while the database is still down raises a second error from inside the first."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OperationalError | InterfaceError) or (
                isinstance(exc, DBAPIError) and exc.connection_invalidated):
            return True
        if isinstance(exc, _driver_errors()):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def current_database() -> Database:
    """The Database bound to the current Flask app."""
    from flask import current_app

    return current_app.extensions["database"]


def utcnow() -> datetime:
    """Timezone-aware now, the default of every service's timestamp columns."""
    return datetime.now(UTC)
