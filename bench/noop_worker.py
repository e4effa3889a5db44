"""A bare Celery app whose one task only counts itself in Redis: the broker's own ceiling for comparison.

Worker: celery -A bench.noop_worker worker -Q bench_noop (CELERY_BROKER_URL names the Redis DB)."""
from __future__ import annotations

import os

import redis
from celery import Celery

BROKER = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
celery = Celery("bench-noop", broker=BROKER)
celery.conf.update(task_serializer="json", accept_content=["json"], task_ignore_result=True,
                   task_acks_late=True, worker_prefetch_multiplier=1, task_default_queue="bench_noop")
_counter = None


@celery.task(name="bench.noop")
def noop(n: int) -> None:
    global _counter
    _counter = _counter or redis.Redis.from_url(BROKER)
    _counter.incr("bench:noop:done")
