"""Sending a claimed batch with a few threads (network-bound work) under the shared rate limit.

Outcomes come back to the caller's thread in groups, which records them in one statement each: the
database sees a handful of writes per batch instead of one commit per message.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from typing import NamedTuple

from services.common.db import utcnow

from .channels import Channel, OutgoingMessage, PermanentChannelError, TemporaryChannelError
from .ratelimit import NoLimit, RateLimiterUnavailable

log = logging.getLogger(__name__)


class ClaimedMessage(NamedTuple):
    id: int
    phone: str
    body: str
    recipient_key: str
    attempts: int


def _result(message: ClaimedMessage, status: str, error: str | None = None, provider_id: str | None = None,
            attempts: int | None = None) -> dict:
    return {"b_id": message.id, "b_status": status, "b_error": error, "b_provider_id": provider_id,
            "b_sent_at": utcnow() if status == "sent" else None,
            "b_attempts": message.attempts if attempts is None else attempts}


def send_one(channel: Channel, campaign_key: str, message: ClaimedMessage, limiter) -> dict:
    try:
        limiter.acquire()
    except RateLimiterUnavailable as exc:
        # Nothing went out: back to the queue without spending an attempt.
        return _result(message, "queued", str(exc), attempts=message.attempts - 1)
    outgoing = OutgoingMessage(message.id, message.phone, message.body, campaign_key, message.recipient_key)
    try:
        provider_id = channel.send(outgoing)
    except PermanentChannelError as exc:
        return _result(message, "failed", str(exc))
    except TemporaryChannelError as exc:
        log.warning("pesan %s gagal sementara: %s", message.id, exc)
        return _result(message, "queued", str(exc))
    except Exception as exc:  # a bug in one channel call must not leave the rest of the batch 'sending'
        log.exception("pesan %s: kesalahan tak terduga", message.id)
        return _result(message, "failed", f"Kesalahan tak terduga: {type(exc).__name__}")
    return _result(message, "sent", provider_id=provider_id)


def send_claimed(channel: Channel, campaign_key: str, messages: list[ClaimedMessage],
                 record: Callable[[list[dict]], None], limiter=None, concurrency: int = 8,
                 record_every: int = 100, heartbeat_seconds: float = 5) -> None:
    """Send ``messages``; ``record`` gets every outcome, in groups of about ``record_every`` and at least
    every ``heartbeat_seconds`` (each call also renews the claim lease, even with nothing to record)."""
    limiter = limiter or NoLimit()
    pending_results: list[dict] = []
    last = time.monotonic()
    if concurrency <= 1 or len(messages) <= 1:
        for message in messages:
            pending_results.append(send_one(channel, campaign_key, message, limiter))
            if len(pending_results) >= record_every or time.monotonic() - last >= heartbeat_seconds:
                record(pending_results)
                pending_results, last = [], time.monotonic()
        record(pending_results)
        return
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="kirim") as pool:
        # All submitted at once: only ``concurrency`` run, the rest wait in the pool's queue unsent, so a
        # crash leaves at most the running ones plus one unrecorded group to recover. Recording happens
        # here while the threads keep sending.
        running = {pool.submit(send_one, channel, campaign_key, message, limiter) for message in messages}
        try:
            while running:
                done, running = wait(running, timeout=heartbeat_seconds, return_when=FIRST_COMPLETED)
                pending_results.extend(future.result() for future in done)
                if len(pending_results) >= record_every or time.monotonic() - last >= heartbeat_seconds:
                    record(pending_results)
                    pending_results, last = [], time.monotonic()
        except BaseException:
            # Recording failed (the database went away): leaving the block would wait for every queued
            # message to be SENT with no way to record it. Cancel the ones not started; only those in
            # flight go out, and the retry recovers them under their claims.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    record(pending_results)
