"""Celery bound to a Flask app the Flask-docs way, with the project's reliability defaults."""
from __future__ import annotations

from celery import Celery, Task
from flask import Flask

from services.common.contracts import TASK_ROUTES
from services.common.settings import broker_transport_options


def make_celery(app: Flask, queue: str) -> Celery:
    """Create the service's Celery app; tasks run inside ``app``'s application context."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    broker = app.config["CELERY_BROKER_URL"]
    celery = Celery(app.import_name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=broker,
        broker_transport_options=broker_transport_options(broker, queue),
        broker_connection_retry_on_startup=True,
        result_backend=None,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        task_default_queue=queue,
        task_routes=TASK_ROUTES,
        # Every task is idempotent, so redelivery after a crash is safe and wanted: acknowledged only
        # when done, and given back to the queue when the pool process running it dies (SIGKILL, OOM).
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # One task reserved per pool process: the tasks are long next to the time it takes to fetch one,
        # and a reserved task waits in a worker that may die with it.
        worker_prefetch_multiplier=1,
        # When the broker connection drops, running tasks finish (their work is recorded in the
        # database; the redelivered copy finds it done) instead of being cancelled half-way.
        worker_cancel_long_running_tasks_on_connection_loss=False,
        worker_hijack_root_logger=False,
        timezone="Asia/Jakarta",
        enable_utc=True,
        beat_schedule=app.config.get("CELERY_BEAT_SCHEDULE", {}),
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
