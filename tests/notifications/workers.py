"""Helpers of the real-worker tests: producer app, status counts, batches, a worker's pool children."""
from __future__ import annotations

import sys
from pathlib import Path

from celery import Celery
from sqlalchemy import create_engine, func, select

from services.common.settings import broker_transport_options
from services.notifications.models import Message
from tests.notifications.conftest import make_payload

WORKER = "services.notifications.worker"


def producer(broker: str) -> Celery:
    """A Celery app that knows no notifications code: it only sends by name, like the admin does."""
    app = Celery("producer-test", set_as_current=False)
    app.conf.update(broker_url=broker, broker_transport_options=broker_transport_options(broker),
                    task_serializer="json")
    return app


def status_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(select(Message.status, func.count()).group_by(Message.status)).all())
    finally:
        engine.dispose()


def batches(key: str, total: int, size: int) -> list[dict]:
    return [make_payload(key=key, count=min(size, total - start), start=start, batch_no=n, total=total)
            for n, start in enumerate(range(0, total, size))]


def pool_children(pid: int) -> list[int]:
    """The prefork pool processes of the Celery worker ``pid``."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (comm) state ppid ...": comm may hold spaces, so split after its closing parenthesis.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def beat(processes, env: dict, folder: Path, name: str = "notif-beat"):
    """The notifications beat (its watchdog every NOTIFICATIONS_WATCHDOG_INTERVAL_SECONDS of ``env``)."""
    return processes.start(name, [sys.executable, "-m", "celery", "-A", WORKER, "beat", "-s",
                                  str(folder / "notifications-beat-schedule"), "--loglevel", "INFO"], env)


def log_of(proc) -> str:
    return Path(proc.log_path).read_text(errors="replace")[-3000:]
