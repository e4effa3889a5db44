"""A read-only engine on the registry database (REGISTRY_READ_URL): reports never write there."""
from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker


def read_only_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # mode=ro makes SQLite itself refuse writes, whatever the code above does.
        path = parsed.database
        return create_engine(f"sqlite:///file:{path}?mode=ro&uri=true", connect_args={"timeout": 30},
                             hide_parameters=True)  # parameters (NIKs) never in exception texts and logs
    return create_engine(url, pool_pre_ping=True, hide_parameters=True,
                         connect_args={"options": "-c default_transaction_read_only=on"})


def registry_sessions(url: str) -> sessionmaker[Session]:
    return sessionmaker(bind=read_only_engine(url), expire_on_commit=False)
