"""Sending a claimed batch with a few threads (network-bound work) under the shared rate limit.

Outcomes come back to the caller's thread in groups, which records them in one statement each: the
database sees a handful of writes per batch instead of one commit per message.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import NamedTuple

from services.common.db import utcnow
from services.notifications.channels import Channel, OutgoingMessage, PermanentChannelError, TemporaryChannelError
from services.notifications.ratelimit import NoLimit, RateLimiterUnavailable

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
    every ``heartbeat_seconds`` (each call also lets the caller renew the claim lease)."""
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
    # A few threads take messages one by one from a shared queue (no future per message: at thousands of
    # messages per second that bookkeeping is a visible share of the CPU). A crash leaves at most the
    # messages in flight plus one unrecorded group to recover; the rest were never taken.
    todo: queue.SimpleQueue = queue.SimpleQueue()
    for message in messages:
        todo.put(message)
    results: queue.SimpleQueue = queue.SimpleQueue()

    def sender() -> None:
        while True:
            try:
                message = todo.get_nowait()
            except queue.Empty:
                return
            try:
                results.put(send_one(channel, campaign_key, message, limiter))
            except Exception as exc:  # a bug outside the channel call must not leave the batch waiting forever
                log.exception("pesan %s: kesalahan tak terduga sebelum dikirim", message.id)
                results.put(_result(message, "failed", f"Kesalahan tak terduga: {type(exc).__name__}"))

    threads = [threading.Thread(target=sender, name=f"kirim-{n}", daemon=True)
               for n in range(min(concurrency, len(messages)))]
    for thread in threads:
        thread.start()
    remaining = len(messages)
    try:
        while remaining:
            try:
                pending_results.append(results.get(timeout=max(0.01, heartbeat_seconds - (time.monotonic() - last))))
                remaining -= 1
            except queue.Empty:
                pass
            if len(pending_results) >= record_every or time.monotonic() - last >= heartbeat_seconds:
                record(pending_results)
                pending_results, last = [], time.monotonic()
    finally:
        if remaining:
            # Recording failed (the database went away): hand out no more messages. Only those in flight
            # go out, and the retry recovers them under their claims.
            while True:
                try:
                    todo.get_nowait()
                except queue.Empty:
                    break
        for thread in threads:
            thread.join()
    record(pending_results)
