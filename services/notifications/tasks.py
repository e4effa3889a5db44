"""Notifications Celery tasks: ``notifications.send_batch`` (store a batch of a campaign in chunks),
``notifications.send_chunk`` (send one stored chunk), ``notifications.run_watchdog`` (the beat's tick that
re-sends lost or interrupted chunks, see watchdog.py) and ``notifications.post_social`` (an announcement on
the Facebook Page / Instagram, see social_posts.py)."""
from __future__ import annotations

import logging
import os
import time
import uuid

from celery import current_task
from flask import current_app
from kombu.exceptions import OperationalError
from sqlalchemy import update

from services.common.contracts import contract_task, send
from services.common.db import current_database
from services.notifications.channel_config import channel_for
from services.notifications.channels import PermanentChannelError
from services.notifications.chunks import (
    MAX_CHUNK_RUNS,
    add_fallback_chunk,
    campaign_of,
    chunk_keys,
    chunk_status,
    claim_chunk,
    give_up,
    in_chunk,
    open_counts,
    release_chunk,
    task_payload,
)
from services.notifications.delivery import deliver_batch, store_batch_chunks
from services.notifications.models import Message
from services.notifications.policy import quiet_wait_seconds
from services.notifications.ratelimit import make_limiter

log = logging.getLogger(__name__)
MAX_TASK_RETRIES = 10
# The longest countdown a task is re-sent with: an ETA task waits unacknowledged in a worker's memory, so
# it stays well under the broker's visibility timeout; longer waits (quiet hours) are the watchdog's.
MAX_COUNTDOWN = 60
# How long a chunk task waits in place for the database before its claim (well under the visibility timeout).
CLAIM_PATIENCE_SECONDS = 120


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


def _channel_or_none(name: str):
    try:
        return current_channel(name)
    except PermanentChannelError:
        return None


def _patiently(step, budget: float = CLAIM_PATIENCE_SECONDS):
    """Run ``step`` (a transaction), waiting in place while the database is away, up to ``budget`` seconds.

    Only before a chunk is claimed: until then the database has no trace of this run, so a failure would
    leave the chunk queued until the watchdog's requeue time. Waiting here holds one pool slot; a countdown
    retry instead would take the next task off the queue and park it in memory, and so on for all of them."""
    from services.common.db import is_transient_db_error

    deadline, pause = time.monotonic() + budget, 1.0
    while True:
        try:
            return step()
        except Exception as exc:
            if not is_transient_db_error(exc) or time.monotonic() + pause > deadline:
                raise
            log.warning("basis data notifikasi tidak terjangkau (%s); dicoba lagi dalam %.0f detik",
                        type(exc).__name__, pause)
            time.sleep(pause)
            pause = min(pause * 2, 10.0)


def run_chunk(celery, payload: dict, token: str) -> dict:
    """Claim the chunk, send what is queued, then leave it done or waiting (with its next run sent)."""
    db = current_database()
    config = current_app.config
    stale = config.get("SENDING_STALE_SECONDS", 30)
    channel_name = payload["channel"]
    def claim():
        with db.transaction() as session:
            chunk = claim_chunk(session, payload["campaign_id"], payload["chunk_no"], channel_name, token, stale)
            held = chunk is None and chunk_status(
                session, payload["campaign_id"], payload["chunk_no"], channel_name) == "running"
            return chunk, held

    chunk, held = _patiently(claim)
    if chunk is None:
        if held:
            # Another run holds it (a duplicate, or the redelivery of a run killed a moment ago): come back
            # once its lease may have run out, to take over what a dead run left.
            dispatch_chunk(celery, payload["campaign_id"], payload["chunk_no"], channel_name,
                           countdown=min(MAX_COUNTDOWN, stale + 1))
        return {**payload, "skipped": True}  # done, not due yet, or held by a live run
    with db.transaction() as session:
        campaign = campaign_of(session, chunk)
        campaign_key, fallback = campaign.key, campaign.fallback
        keys = chunk_keys(session, chunk)
        if chunk.runs > MAX_CHUNK_RUNS:
            give_up(session, chunk)
            return {**payload, "given_up": True}
    wait = quiet_wait_seconds(config.get("QUIET_HOURS"), channel_name)
    if wait:
        # Quiet hours: the watchdog sends the chunk again once they end (no hours-long ETA in the broker).
        with db.transaction() as session:
            release_chunk(session, chunk.id, token, "waiting", wait)
        log.info("kampanye %s potongan %s: jam tenang, dikirim dalam %s detik", campaign_key, chunk.chunk_no, wait)
        return {**payload, "deferred_seconds": wait}
    try:
        channel = current_channel(channel_name)
    except PermanentChannelError as exc:
        # Channel not configured: every queued message fails with the reason (and may fall back).
        with db.transaction() as session:
            session.execute(update(Message).where(in_chunk(chunk), Message.status == "queued")
                            .values(status="failed", error=str(exc)))
        outcome = None
    else:
        outcome = deliver_batch(db, chunk.campaign_id, campaign_key, keys, channel,
                                max_attempts=config.get("MAX_ATTEMPTS", 5), stale_seconds=stale, token=token,
                                limiter=current_limiter(channel_name), concurrency=config.get("SEND_CONCURRENCY", 8),
                                record_every=config.get("RECORD_EVERY", 100), channel_name=channel_name)
        log.info("kampanye %s potongan %s: terkirim %s, gagal %s, diulang %s, tidak pasti %s", campaign_key,
                 chunk.chunk_no, outcome.sent, outcome.failed, len(outcome.requeued), outcome.unknown)
    with db.transaction() as session:
        left = open_counts(session, chunk)
        if left["sending"]:
            # Another run's claims: come back once its lease may have run out, to recover what it leaves.
            wait = stale + 1
        elif left["queued"]:
            wait = retry_wait(config, chunk.runs)
        if not release_chunk(session, chunk.id, token, "waiting" if wait else "done", wait):
            return {**payload, "superseded": True}  # the watchdog gave the chunk to another run meanwhile
        fallback_due = (not wait and fallback and fallback != channel_name
                        and add_fallback_chunk(session, chunk, fallback))
    if wait:
        dispatch_chunk(celery, chunk.campaign_id, chunk.chunk_no, channel_name, countdown=wait)
    if fallback_due:
        dispatch_chunk(celery, chunk.campaign_id, chunk.chunk_no, fallback)
    result = {**payload, "waiting_seconds": wait}
    if outcome is not None:
        result.update(sent=outcome.sent, failed=outcome.failed, unknown=outcome.unknown)
    return result


def _execution_token() -> str:
    """Unique per execution: a redelivered or duplicated task must not mistake another run's claims for its own."""
    request = current_task.request
    return f"{request.id}/{request.hostname}/{os.getpid()}/{uuid.uuid4().hex[:8]}"[:200]


def dispatch_chunk(celery, campaign_id: int, number: int, channel: str, countdown: float = 0) -> None:
    """Send a chunk's task; in an in-process run (``apply``, tests and the CLI) run it right here.

    A send that fails (broker away) is only logged: the chunk is already stored as queued and the
    watchdog sends it again."""
    payload = task_payload(campaign_id, number, channel)
    if current_task and current_task.request.is_eager:
        if not countdown:
            celery.tasks["notifications.send_chunk"].apply(kwargs={"payload": payload}).get()
        return
    try:
        send(celery, "notifications.send_chunk", payload, **({"countdown": countdown} if countdown else {}))
    except (OSError, OperationalError) as exc:
        log.warning("kampanye %s potongan %s belum terkirim ke antrean (%s); watchdog mengirimnya nanti",
                    campaign_id, number, exc)


def acknowledge_batch(celery, payload: dict) -> None:
    """Tell the sender the batch is stored; a lost reply only means the batch comes again (and adds nothing)."""
    reply = {"campaign_key": payload["campaign_key"], "batch_no": payload["batch_no"]}
    if current_task and current_task.request.is_eager:
        if "registry.batch_stored" in celery.tasks:
            celery.tasks["registry.batch_stored"].apply(kwargs={"payload": reply}).get()
        return
    try:
        send(celery, "registry.batch_stored", reply)
    except (OSError, OperationalError) as exc:
        log.warning("kampanye %s batch %s: balasan ke registri tidak terkirim (%s)", payload["campaign_key"],
                    payload["batch_no"], exc)


def retry_wait(config, runs: int) -> float:
    """Exponential backoff for a chunk with temporary failures; the per-message attempt limit ends it."""
    return min(MAX_COUNTDOWN, config.get("RETRY_BASE_SECONDS", 2) * 2 ** max(0, runs - 1))


def register_tasks(celery) -> None:
    """Register the notifications contract tasks on ``celery``."""

    @contract_task(celery, "notifications.send_batch", max_retries=MAX_TASK_RETRIES)
    def send_batch(payload: dict) -> dict:
        """Store the batch's messages and chunks, then send one small task per chunk.

        Stored first, committed, and only then sent: from here on the broker holds nothing the database
        cannot rebuild. A redelivered batch inserts nothing and re-sends only chunks still queued."""
        with current_database().transaction() as session:
            campaign_id, numbers = store_batch_chunks(session, payload)
        for number in numbers:
            dispatch_chunk(celery, campaign_id, number, payload["channel"])
        if payload.get("outbox"):
            acknowledge_batch(celery, payload)
        return {"campaign_key": payload["campaign_key"], "chunks": len(numbers)}

    @contract_task(celery, "notifications.send_chunk", retry_on_db_error=False)
    def send_chunk(payload: dict) -> dict:
        """Send each queued message of one stored chunk once (see delivery.py for the at-most-once rules)."""
        return run_chunk(celery, payload, _execution_token())

    @contract_task(celery, "notifications.run_watchdog", soft_time_limit=120, retry_on_db_error=False)
    def run_watchdog_task(payload: dict) -> dict:
        """The beat's tick: re-send chunks whose task was lost or whose run died; settle stale claims."""
        from services.notifications.watchdog import run_watchdog

        config = current_app.config
        result = run_watchdog(current_database(), lambda ref: dispatch_chunk(
            celery, ref.campaign_id, ref.chunk_no, ref.channel), _channel_or_none,
            stale_seconds=config.get("SENDING_STALE_SECONDS", 30),
            requeue_seconds=payload.get("requeue_seconds") or config.get("CHUNK_REQUEUE_SECONDS", 300))
        if any(result.values()):
            log.info("watchdog notifikasi: %s", result)
        return result

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
            raise current_task.retry(countdown=min(MAX_COUNTDOWN, config.get("RETRY_BASE_SECONDS", 2) * 2 ** retries))
        return {"post_key": payload["post_key"], "posted": outcome.posted, "failed": outcome.failed,
                "unknown": outcome.unknown}
