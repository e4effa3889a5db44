"""Notifications Celery tasks: ``notifications.send_batch`` (store the batch, then deliver it) and
``notifications.post_social`` (an announcement on the Facebook Page / Instagram, see social_posts.py)."""
from __future__ import annotations

import logging
import os
import uuid

from celery import current_task
from flask import current_app
from sqlalchemy import select, update

from services.common.contracts import contract_task, send
from services.common.db import current_database
from services.notifications.channel_config import channel_for
from services.notifications.channels import PermanentChannelError
from services.notifications.delivery import deliver_batch, store_batch
from services.notifications.models import Message
from services.notifications.policy import quiet_wait_seconds
from services.notifications.ratelimit import make_limiter

log = logging.getLogger(__name__)
MAX_TASK_RETRIES = 10


def current_channel(name: str):
    """One channel object per app and name, so the HTTP session's connections are reused."""
    cache = current_app.extensions.setdefault("notification_channels", {})
    if name not in cache:
        cache[name] = channel_for(name, current_app.config)
    return cache[name]


def current_limiter(name: str):
    cache = current_app.extensions.setdefault("notification_limiters", {})
    if name not in cache:
        cache[name] = make_limiter(current_app.config, name)
    return cache[name]


def _send_fallback(db, campaign_id: int, payload: dict) -> None:
    """Recipients whose message failed for good on this channel get the same text on the fallback channel.

    Sent as a task of its own, keyed like every batch (campaign, recipient, channel): a repeat adds nothing."""
    with db.transaction() as session:
        failed = set(session.scalars(select(Message.recipient_key).where(
            Message.campaign_id == campaign_id, Message.channel == payload["channel"], Message.status == "failed",
            Message.recipient_key.in_([r["recipient_key"] for r in payload["recipients"]]))))
    if failed:
        retry = {k: v for k, v in payload.items() if k != "fallback"}
        retry.update(channel=payload["fallback"],
                     recipients=[r for r in payload["recipients"] if r["recipient_key"] in failed])
        send(current_app.extensions["celery"], "notifications.send_batch", retry)


def _execution_token() -> str:
    """Unique per execution: a redelivered or duplicated task must not mistake another run's claims for its own."""
    request = current_task.request
    return f"{request.id}/{request.hostname}/{os.getpid()}/{uuid.uuid4().hex[:8]}"[:200]


def register_tasks(celery) -> None:
    """Register the notifications contract tasks on ``celery``."""

    # acks_late (app-wide): a redelivered batch re-inserts nothing and only sends rows still queued.
    @contract_task(celery, "notifications.send_batch", max_retries=MAX_TASK_RETRIES)
    def send_batch(payload: dict) -> dict:
        """Store the batch's messages and send each queued one once."""
        db = current_database()
        with db.transaction() as session:
            campaign_id = store_batch(session, payload)
        wait = quiet_wait_seconds(current_app.config.get("QUIET_HOURS"), payload["channel"])
        if wait:
            # Quiet hours: stored and queued now, sent when they end (a re-sent copy of this task is harmless).
            send_batch.apply_async(kwargs={"payload": payload}, countdown=wait)
            log.info("kampanye %s batch %s: jam tenang, dikirim dalam %s detik", payload["campaign_key"],
                     payload["batch_no"], wait)
            return {"campaign_key": payload["campaign_key"], "deferred_seconds": wait}
        keys = [r["recipient_key"] for r in payload["recipients"]]
        try:
            channel = current_channel(payload["channel"])
        except PermanentChannelError as exc:
            # Channel not configured: every queued message fails with the reason (and may fall back).
            with db.transaction() as session:
                session.execute(update(Message).where(Message.campaign_id == campaign_id, Message.status == "queued",
                                                      Message.channel == payload["channel"],
                                                      Message.recipient_key.in_(keys)).values(
                    status="failed", error=str(exc)))
            if payload.get("fallback"):
                _send_fallback(db, campaign_id, payload)
            return {"campaign_key": payload["campaign_key"], "error": str(exc)}
        config = current_app.config
        # The task id is the same on a redelivery: that run recognises its own interrupted claims.
        outcome = deliver_batch(db, campaign_id, payload["campaign_key"], keys, channel,
                                max_attempts=config.get("MAX_ATTEMPTS", 5),
                                stale_seconds=config.get("SENDING_STALE_SECONDS", 30),
                                token=_execution_token(), limiter=current_limiter(payload["channel"]),
                                concurrency=config.get("SEND_CONCURRENCY", 8),
                                record_every=config.get("RECORD_EVERY", 100))
        log.info("kampanye %s batch %s: terkirim %s, gagal %s, diulang %s, tidak pasti %s", payload["campaign_key"],
                 payload["batch_no"], outcome.sent, outcome.failed, len(outcome.requeued), outcome.unknown)
        if payload.get("fallback") and payload["channel"] != payload["fallback"]:
            _send_fallback(db, campaign_id, payload)
        if outcome.pending_elsewhere:
            # Another run holds claims in this batch: come back once its lease may have run out, to recover
            # what it leaves if it died (if it finishes, the next run finds nothing to do).
            raise current_task.retry(countdown=config.get("SENDING_STALE_SECONDS", 30) + 1)
        if outcome.requeued:
            retries = current_task.request.retries
            # Exponential backoff; the per-message attempt limit ends the loop, max_retries is a safety net.
            raise current_task.retry(countdown=min(60, current_app.config.get("RETRY_BASE_SECONDS", 2) * 2 ** retries))
        return {"campaign_key": payload["campaign_key"], "sent": outcome.sent, "failed": outcome.failed}

    @contract_task(celery, "notifications.post_social", max_retries=MAX_TASK_RETRIES)
    def post_social(payload: dict) -> dict:
        """Post the announcement once on each target; temporary Graph errors come back with backoff."""
        from services.notifications.social_posts import post_targets, social_accounts, store_post

        db = current_database()
        with db.transaction() as session:
            store_post(session, payload)
        config = current_app.config
        outcome = post_targets(db, payload, social_accounts(config), _execution_token(),
                               stale_seconds=config.get("SENDING_STALE_SECONDS", 30),
                               max_attempts=config.get("SOCIAL_MAX_ATTEMPTS", 6))
        log.info("unggahan %s: terunggah %s, gagal %s, diulang %s, tidak pasti %s", payload["post_key"],
                 outcome.posted, outcome.failed, outcome.retry, outcome.unknown)
        if outcome.pending_elsewhere:
            raise current_task.retry(countdown=config.get("SENDING_STALE_SECONDS", 30) + 1)
        if outcome.retry:
            retries = current_task.request.retries
            raise current_task.retry(countdown=min(300, config.get("RETRY_BASE_SECONDS", 2) * 2 ** retries))
        return {"post_key": payload["post_key"], "posted": outcome.posted, "failed": outcome.failed,
                "unknown": outcome.unknown}
