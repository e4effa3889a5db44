"""Storing a batch of messages idempotently and delivering each one at most once.

The at-most-once rule per (campaign, recipient, channel) rests on three things:
- the unique key ``uq_message_recipient``: a batch stored twice inserts nothing the second time;
- the claim: one ``UPDATE ... SET status='sending' WHERE status='queued' ... RETURNING`` per batch; on
  PostgreSQL a concurrent duplicate of the task blocks on the row locks and then finds nothing queued,
  on SQLite writers are serialised; only the claimer sends;
- recovery of rows found 'sending' (the claimer died between sending and recording): they are never
  sent blindly again. A channel whose provider drops a repeated idempotency key (``channel.idempotent``:
  the generic gateway's ``reference``, WhatsApp/Infobip message ids) resends with the SAME key, so the
  provider delivers once; any other channel marks them 'unknown' for staff to review.
  A claim is a lease: the claiming run renews ``claimed_at`` of its unfinished rows every time it records
  a group (at least every few seconds), so a claim older than ``stale_seconds`` (default 30) belongs to a
  dead run. A fresh claim of another run (a duplicate delivered at the same time, or the run a
  redelivery replaces whose lease has not run out yet) is left alone; the task comes back after the
  lease to recover what that run left, if anything.
"""
from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, bindparam, func, select, text, update
from sqlalchemy.orm import Session

from services.common.db import utcnow
from services.notifications.channels import Channel
from services.notifications.chunks import chunk_no, renew_chunks
from services.notifications.models import Campaign, Message
from services.notifications.parallel import ClaimedMessage, send_claimed
from services.notifications.policy import LOCAL_TZ, OPTED_OUT, opted_out
from services.notifications.rendering import TemplateRenderError, compile_template, normalise_address, render
from services.notifications.sql import insert_or_ignore as _insert

log = logging.getLogger(__name__)
INTERRUPTED = ("Pengiriman terputus karena pekerja berhenti; status tidak pasti, "
               "tidak dikirim ulang agar warga tidak menerima pesan ganda (periksa manual)")
MESSAGES = Message.__table__


@dataclass
class BatchOutcome:
    sent: int = 0
    failed: int = 0
    requeued: list[int] = field(default_factory=list)
    already_handled: int = 0
    unknown: int = 0
    resent_with_key: int = 0
    pending_elsewhere: int = 0


def store_batch(session: Session, payload: dict) -> int:
    """Upsert the campaign and insert the batch's messages (existing rows untouched); returns the campaign id."""
    session.execute(_insert(session, Campaign).values(
        key=payload["campaign_key"], name=payload["name"], channel=payload["channel"], template=payload["template"],
        total=payload["total"], source=payload.get("source"), created_at=utcnow(),
        legally_required=bool(payload.get("legally_required")), fallback=payload.get("fallback"),
    ).on_conflict_do_nothing(index_elements=["key"]))
    campaign_id = session.scalar(select(Campaign.id).where(Campaign.key == payload["campaign_key"]))
    rows = _message_rows(campaign_id, payload)
    if not payload.get("legally_required"):
        stopped = opted_out(session, [r["phone"] for r in rows if r["status"] == "queued"])
        for row in rows:
            if row["status"] == "queued" and row["phone"] in stopped:
                row.update(status="opted_out", error=OPTED_OUT, body="")
    if rows and session.get_bind().dialect.name == "postgresql":
        # The whole batch as a few arrays in ONE statement: one round trip and one small parse, where
        # executemany ships and binds 10 parameters per row.
        arrays = {name: [row[name] for row in rows] for name in _INSERT_COLUMNS}
        session.execute(_INSERT_PG, {**arrays, "campaign_id": campaign_id, "channel": payload["channel"],
                                     "queued_at": rows[0]["queued_at"]})
    elif rows:
        # SQLite (in process, no round trips): executemany of one cached statement.
        session.execute(_insert(session, MESSAGES).on_conflict_do_nothing(
            index_elements=["campaign_id", "recipient_key", "channel"]), rows)
    return campaign_id


def store_batch_chunks(session: Session, payload: dict) -> tuple[int, list[int]]:
    """``store_batch`` and its chunk rows; returns the campaign id and the chunk numbers to send now."""
    from services.notifications.chunks import add_chunks

    campaign_id = store_batch(session, payload)
    sizes: dict[int, int] = {}
    for position in range(len(dict.fromkeys(r["recipient_key"] for r in payload["recipients"]))):
        number = chunk_no(payload["batch_no"], position)
        sizes[number] = sizes.get(number, 0) + 1
    return campaign_id, add_chunks(session, campaign_id, payload["channel"], sizes, _send_at(payload))


def _send_at(payload: dict) -> datetime | None:
    """A scheduled campaign's start in UTC (SQLite keeps no offsets); a time without offset is village time."""
    try:
        send_at = datetime.fromisoformat(payload["send_at"]) if payload.get("send_at") else None
    except ValueError:
        log.warning("kampanye %s: send_at tidak terbaca (%s), dikirim sekarang", payload["campaign_key"],
                    payload["send_at"])
        return None
    if send_at is None:
        return None
    return (send_at if send_at.tzinfo else send_at.replace(tzinfo=LOCAL_TZ)).astimezone(UTC)


_INSERT_COLUMNS = ("recipient_key", "phone", "body", "status", "error", "chunk_no")
_INSERT_PG = text("""
INSERT INTO message (campaign_id, recipient_key, channel, phone, body, status, error, attempts, queued_at, chunk_no)
SELECT :campaign_id, v.recipient_key, :channel, v.phone, v.body, v.status, v.error, 0, :queued_at, v.chunk_no
FROM unnest(CAST(:recipient_key AS varchar[]), CAST(:phone AS varchar[]), CAST(:body AS text[]),
            CAST(:status AS varchar[]), CAST(:error AS text[]), CAST(:chunk_no AS integer[]))
     AS v(recipient_key, phone, body, status, error, chunk_no)
ON CONFLICT (campaign_id, recipient_key, channel) DO NOTHING
""")


def _message_rows(campaign_id: int, payload: dict) -> list[dict]:
    now = utcnow()
    try:
        template, template_error = compile_template(payload["template"]), None
    except TemplateRenderError as exc:
        template, template_error = None, str(exc)
    rows, seen = [], set()
    for recipient in payload["recipients"]:
        if recipient["recipient_key"] in seen:
            continue  # one INSERT cannot hold the same key twice on PostgreSQL
        seen.add(recipient["recipient_key"])
        address, missing = normalise_address(payload["channel"], recipient.get("phone"))
        row = {"campaign_id": campaign_id, "recipient_key": recipient["recipient_key"],
               "channel": payload["channel"], "phone": address, "body": "",
               "status": "queued", "error": None, "attempts": 0, "queued_at": now,
               "chunk_no": chunk_no(payload["batch_no"], len(rows))}
        if row["phone"] is None:
            row.update(status="skipped", error=missing, phone=(recipient.get("phone") or None))
        elif template_error:
            row.update(status="failed", error=template_error)
        else:
            try:
                row["body"] = render(template, recipient.get("vars") or {})
            except TemplateRenderError as exc:
                row.update(status="failed", error=str(exc))
        rows.append(row)
    return rows


def _in_batch(campaign_id: int, recipient_keys: list[str], channel_name: str | None = None):
    where = and_(MESSAGES.c.campaign_id == campaign_id, MESSAGES.c.recipient_key.in_(recipient_keys))
    # A recipient has a row per channel once a fallback copied it: each run sends its own channel's.
    return and_(where, MESSAGES.c.channel == channel_name) if channel_name else where


_RETURNING = (MESSAGES.c.id, MESSAGES.c.phone, MESSAGES.c.body, MESSAGES.c.recipient_key, MESSAGES.c.attempts)


def claim_queued(session: Session, campaign_id: int, recipient_keys: list[str], token: str,
                 channel_name: str | None = None) -> list[ClaimedMessage]:
    """queued -> sending for the whole batch in one statement; only the rows returned may be sent."""
    rows = session.execute(update(MESSAGES).where(_in_batch(campaign_id, recipient_keys, channel_name),
                                                  MESSAGES.c.status == "queued")
                           .values(status="sending", attempts=MESSAGES.c.attempts + 1, claimed_at=utcnow(),
                                   claimed_by=token).returning(*_RETURNING)).all()
    return [ClaimedMessage(*row) for row in rows]


def recover_interrupted(session: Session, campaign_id: int, recipient_keys: list[str], token: str,
                        stale_seconds: int, idempotent: bool, channel: Channel | None = None,
                        channel_name: str | None = None,
                        campaign_key: str = "") -> tuple[list[ClaimedMessage], int]:
    """Rows left 'sending' by a dead run: re-claimed for a resend under the same key, or settled without
    a resend (the provider's status API where the channel has one, else 'unknown')."""
    cutoff = utcnow() - timedelta(seconds=stale_seconds)
    dead = and_(_in_batch(campaign_id, recipient_keys, channel_name), MESSAGES.c.status == "sending",
                MESSAGES.c.claimed_at < cutoff)
    if idempotent:
        rows = session.execute(update(MESSAGES).where(dead).values(
            attempts=MESSAGES.c.attempts + 1, claimed_at=utcnow(), claimed_by=token).returning(*_RETURNING)).all()
        return [ClaimedMessage(*row) for row in rows], 0
    if channel is not None and getattr(channel, "has_lookup", False):
        return [], settle_by_lookup(session, channel, campaign_key, dead)
    result = session.execute(update(MESSAGES).where(dead).values(status="unknown", error=INTERRUPTED))
    return [], result.rowcount


LOOKED_UP_ABSENT = ("Pengiriman terputus; penyedia tidak mencatat pesan ini. Tidak dikirim ulang otomatis "
                    "agar warga tidak menerima pesan ganda (periksa manual)")


def settle_by_lookup(session: Session, channel: Channel, campaign_key: str, dead) -> int:
    """Ask the provider about each interrupted message: accepted -> sent, else unknown. Returns the unknown."""
    from services.notifications.channels import OutgoingMessage

    unknown = 0
    for row in session.execute(select(*_RETURNING).where(dead)).all():
        message = ClaimedMessage(*row)
        try:
            provider_id = channel.lookup(OutgoingMessage(message.id, message.phone, message.body, campaign_key,
                                                         message.recipient_key))
        except Exception as exc:  # the status API is down: the message stays in doubt, never resent
            log.warning("status pesan %s tidak dapat ditanyakan: %s", message.id, exc)
            provider_id = None
        if provider_id:
            values = {"status": "sent", "provider_message_id": provider_id, "sent_at": utcnow(), "error": None}
        else:
            values, unknown = {"status": "unknown", "error": LOOKED_UP_ABSENT}, unknown + 1
        session.execute(update(MESSAGES).where(MESSAGES.c.id == message.id, MESSAGES.c.status == "sending")
                        .values(**values))
    return unknown


_RECORD = (update(MESSAGES)
           .where(MESSAGES.c.id == bindparam("b_id"), MESSAGES.c.status == "sending",
                  MESSAGES.c.claimed_by == bindparam("b_token"))
           .values(status=bindparam("b_status"), error=bindparam("b_error"),
                   provider_message_id=bindparam("b_provider_id"), sent_at=bindparam("b_sent_at"),
                   attempts=bindparam("b_attempts")))


# PostgreSQL: the whole group in ONE statement (arrays unnested into rows); executemany would cost a
# round trip per row. SQLite (in-process, no round trips) keeps the executemany above.
_RECORD_PG = text("""
UPDATE message AS m SET status = v.status, error = v.error, provider_message_id = v.provider_id,
       sent_at = v.sent_at, attempts = v.attempts
FROM unnest(CAST(:ids AS integer[]), CAST(:statuses AS varchar[]), CAST(:errors AS text[]),
            CAST(:provider_ids AS varchar[]), CAST(:sent_ats AS timestamptz[]), CAST(:attempts AS integer[]))
     AS v(id, status, error, provider_id, sent_at, attempts)
WHERE m.id = v.id AND m.status = 'sending' AND m.claimed_by = :token
""")


def pending_elsewhere(session: Session, campaign_id: int, recipient_keys: list[str], token: str,
                      channel_name: str | None = None) -> int:
    """Rows of this batch still under another run's live claim."""
    return session.scalar(select(func.count()).select_from(MESSAGES).where(
        _in_batch(campaign_id, recipient_keys, channel_name), MESSAGES.c.status == "sending", MESSAGES.c.claimed_by != token)) or 0


def record_results(db, token: str, results: list[dict], renew: bool = True) -> None:
    """One statement per group of outcomes; a row re-claimed by another run meanwhile is left alone.

    With ``renew`` also renews the lease on this run's rows still being sent (the caller does that every
    few seconds, not with every group: renewing rewrites every unfinished row of the batch)."""
    with db.transaction() as session:
        postgres = session.get_bind().dialect.name == "postgresql"
        if postgres:
            # Outcomes need no fsync of their own: the claim was committed durably before the send, so an
            # outcome lost in a database crash leaves the row 'sending', which recovery never sends blindly.
            session.execute(text("SET LOCAL synchronous_commit = off"))
        if renew:
            session.execute(update(MESSAGES).where(MESSAGES.c.status == "sending", MESSAGES.c.claimed_by == token)
                            .values(claimed_at=utcnow()))
            renew_chunks(session, token)
        if not results:
            return
        if postgres:
            session.execute(_RECORD_PG, {
                "token": token, "ids": [r["b_id"] for r in results], "statuses": [r["b_status"] for r in results],
                "errors": [r["b_error"] for r in results], "provider_ids": [r["b_provider_id"] for r in results],
                "sent_ats": [r["b_sent_at"] for r in results], "attempts": [r["b_attempts"] for r in results]})
        else:
            session.execute(_RECORD, [{**r, "b_token": token} for r in results])


def deliver_batch(db, campaign_id: int, campaign_key: str, recipient_keys: list[str], channel: Channel,
                  max_attempts: int = 5, stale_seconds: int = 30, *, token: str | None = None, limiter=None,
                  concurrency: int = 8, record_every: int = 100, heartbeat_seconds: float = 5,
                  channel_name: str | None = None) -> BatchOutcome:
    """Send every queued message of this batch once; temporary failures go back to queued until ``max_attempts``.

    ``token`` names this execution (unique per run); outcomes are recorded every ``record_every`` messages
    or ``heartbeat_seconds``, so a crash loses at most that many outcomes (recovered as above)."""
    token = token or uuid.uuid4().hex
    outcome = BatchOutcome()
    with db.transaction() as session:
        resend, outcome.unknown = recover_interrupted(session, campaign_id, recipient_keys, token, stale_seconds,
                                                      getattr(channel, "idempotent", False), channel,
                                                      channel_name, campaign_key)
        claimed = claim_queued(session, campaign_id, recipient_keys, token, channel_name)
    outcome.resent_with_key = len(resend)
    work = resend + claimed
    outcome.already_handled = len(recipient_keys) - len(work)

    # Renewed at least three times per lease, however short a lease is configured.
    heartbeat_seconds = min(heartbeat_seconds, stale_seconds / 3)
    renewed = [time.monotonic()]

    def record(results: list[dict]) -> None:
        for result in results:
            if result["b_status"] == "queued" and result["b_attempts"] >= max_attempts:
                result["b_status"] = "failed"
            if result["b_status"] == "sent":
                outcome.sent += 1
            elif result["b_status"] == "failed":
                outcome.failed += 1
            else:
                outcome.requeued.append(result["b_id"])
        # The lease is renewed at the heartbeat (well inside ``stale_seconds``), not with every group.
        renew = time.monotonic() - renewed[0] >= heartbeat_seconds
        if renew:
            renewed[0] = time.monotonic()
        record_results(db, token, results, renew=renew)

    send_claimed(channel, campaign_key, work, record, limiter=limiter, concurrency=concurrency,
                 record_every=record_every, heartbeat_seconds=heartbeat_seconds)
    with db.transaction() as session:
        outcome.pending_elsewhere = pending_elsewhere(session, campaign_id, recipient_keys, token, channel_name)
    return outcome
