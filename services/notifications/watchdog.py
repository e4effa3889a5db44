"""The notifications beat's tick: every stored chunk ends done, whatever the broker or a worker lost.

- a chunk still ``queued`` long after its task was sent (the task was lost with Redis' contents, or the
  send itself failed) is sent again;
- a ``running`` chunk whose heartbeat is older than a lease belongs to a dead run: its messages left
  "sending" are settled without a resend (the provider's status API where the channel has one, else
  "unknown"), unless the channel drops a repeated idempotency key, in which case the next run resends them
  under the same key; then the chunk is sent again for what is still queued;
- a ``waiting`` chunk (temporary failures, quiet hours) is sent again once it is due;
- a chunk whose runs keep dying is given up (see chunks.give_up).

Sending a chunk twice is harmless: only one run can claim it. So is a second watchdog.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import and_, func, or_, select, update

from services.common.db import utcnow
from services.notifications.chunks import CHUNKS, MAX_CHUNK_RUNS, ChunkRef, chunk_keys, give_up
from services.notifications.delivery import recover_interrupted
from services.notifications.models import Campaign, CampaignChunk

BATCH = 500  # chunks per pass; the next tick takes the rest
_REF = (CHUNKS.c.id, CHUNKS.c.campaign_id, CHUNKS.c.chunk_no, CHUNKS.c.channel, CHUNKS.c.runs)


def _conditions(stale_seconds: int, requeue_seconds: int):
    now = utcnow()
    expired = and_(CampaignChunk.status == "running",
                   CampaignChunk.heartbeat_at < now - timedelta(seconds=stale_seconds))
    lost = and_(CampaignChunk.status == "queued", CampaignChunk.enqueued_at < now - timedelta(seconds=requeue_seconds))
    due = and_(CampaignChunk.status == "waiting", CampaignChunk.not_before <= now)
    return expired, lost, due


def stuck_count(session, stale_seconds: int, requeue_seconds: int) -> int:
    """/health: chunks the next tick will send again (a dead run's, or whose task was lost)."""
    expired, lost, _ = _conditions(stale_seconds, requeue_seconds)
    return session.scalar(select(func.count()).select_from(CampaignChunk).where(or_(expired, lost))) or 0


def run_watchdog(db, send_chunk: Callable[[ChunkRef], None], channel_for: Callable[[str], object],
                 stale_seconds: int, requeue_seconds: int) -> dict[str, int]:
    """One pass; ``send_chunk`` sends a chunk's task, ``channel_for`` gives a channel object (or None)."""
    result = {"requeued": 0, "unknown": 0, "given_up": 0}
    expired, lost, due = _conditions(stale_seconds, requeue_seconds)
    with db.transaction() as session:
        rows = session.execute(select(*_REF).where(or_(expired, lost, due)).order_by(CHUNKS.c.id)
                               .limit(BATCH).with_for_update(skip_locked=True)).all()
        chunks = [ChunkRef(*row) for row in rows]
        dead = {ref.id for ref in session.execute(select(CHUNKS.c.id).where(
            CHUNKS.c.id.in_([c.id for c in chunks]), expired))}
        requeue = []
        for ref in chunks:
            if ref.runs >= MAX_CHUNK_RUNS:
                give_up(session, ref)
                result["given_up"] += 1
                continue
            if ref.id in dead:
                result["unknown"] += _settle_dead_run(session, ref, channel_for(ref.channel), stale_seconds)
            requeue.append(ref)
        if requeue:
            session.execute(update(CHUNKS).where(CHUNKS.c.id.in_([r.id for r in requeue])).values(
                status="queued", enqueued_at=utcnow(), claimed_by=None, heartbeat_at=None))
    # Sent after the commit: a run that starts at once finds the chunk queued.
    for ref in requeue:
        send_chunk(ref)
    result["requeued"] = len(requeue)
    return result


def _settle_dead_run(session, ref: ChunkRef, channel, stale_seconds: int) -> int:
    """Messages the dead run left "sending": never resent blindly (see delivery.recover_interrupted)."""
    idempotent = bool(channel is not None and getattr(channel, "idempotent", False))
    if idempotent:
        return 0  # the next run resends them under the same key; the provider drops the repeats
    campaign_key = session.scalar(select(Campaign.key).where(Campaign.id == ref.campaign_id)) or ""
    _, unknown = recover_interrupted(session, ref.campaign_id, chunk_keys(session, ref), "watchdog",
                                     stale_seconds, False, channel, ref.channel, campaign_key)
    return unknown
