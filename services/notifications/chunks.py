"""A campaign as durable work: its messages are stored in numbered chunks before any task is sent.

A task carries only (campaign id, chunk number, channel); everything else is read from the database, so
losing the broker's contents loses no recipient: the watchdog (watchdog.py) sends a chunk again when its
task was lost (still 'queued' long after it was sent) or its run died (heartbeat older than a lease).

Chunk states: queued -> running (one run holds it: ``claimed_by``, ``heartbeat_at``) -> done, or
-> waiting (temporary failures or quiet hours; due again at ``not_before``) -> queued again.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from services.common.db import utcnow
from services.notifications.models import Campaign, CampaignChunk, Message
from services.notifications.sql import insert_or_ignore as _insert

# Messages per chunk: a run takes seconds (minutes at a low rate limit), so a redelivery is cheap.
CHUNK_SIZE = 250
# A batch holds at most 1000 recipients (the send_batch contract): its chunks are numbered
# batch_no * CHUNKS_PER_BATCH + part, so batches stored in any order never share a number.
CHUNKS_PER_BATCH = 4
# A chunk whose runs keep dying (a poison message, a crash loop) is given up after this many runs.
MAX_CHUNK_RUNS = 20
CHUNKS = CampaignChunk.__table__


class ChunkRef(NamedTuple):
    id: int
    campaign_id: int
    chunk_no: int
    channel: str
    runs: int


def chunk_no(batch_no: int, position: int) -> int:
    """The chunk of the ``position``-th recipient of batch ``batch_no``."""
    return batch_no * CHUNKS_PER_BATCH + position // CHUNK_SIZE


def task_payload(campaign_id: int, number: int, channel: str) -> dict:
    return {"campaign_id": campaign_id, "chunk_no": number, "channel": channel}


def add_chunks(session: Session, campaign_id: int, channel: str, sizes: dict[int, int],
               not_before: datetime | None = None) -> list[int]:
    """Create the chunk rows (existing ones untouched); returns the numbers still queued, to send now.

    With ``not_before`` in the future (a scheduled campaign) they wait for the watchdog instead."""
    now = utcnow()
    status = "waiting" if not_before is not None and not_before > now else "queued"
    if sizes:
        session.execute(_insert(session, CampaignChunk).on_conflict_do_nothing(
            index_elements=["campaign_id", "chunk_no", "channel"]), [
            {"campaign_id": campaign_id, "chunk_no": number, "channel": channel, "size": size, "status": status,
             "runs": 0, "enqueued_at": now, "created_at": now, "not_before": not_before}
            for number, size in sorted(sizes.items())])
    return list(session.scalars(select(CampaignChunk.chunk_no).where(
        CampaignChunk.campaign_id == campaign_id, CampaignChunk.channel == channel,
        CampaignChunk.chunk_no.in_(list(sizes)), CampaignChunk.status == "queued").order_by(CampaignChunk.chunk_no)))


def claim_chunk(session: Session, campaign_id: int, number: int, channel: str, token: str,
                stale_seconds: int) -> ChunkRef | None:
    """Take the chunk for this run unless another live run holds it, it is done, or it is not due yet."""
    now = utcnow()
    claimable = or_(CampaignChunk.status == "queued",
                    and_(CampaignChunk.status == "waiting",
                         or_(CampaignChunk.not_before.is_(None), CampaignChunk.not_before <= now)),
                    and_(CampaignChunk.status == "running",
                         CampaignChunk.heartbeat_at < now - timedelta(seconds=stale_seconds)))
    claimed = session.execute(update(CHUNKS).where(
        CHUNKS.c.campaign_id == campaign_id, CHUNKS.c.chunk_no == number, CHUNKS.c.channel == channel, claimable)
        .values(status="running", claimed_by=token, heartbeat_at=now, runs=CHUNKS.c.runs + 1)
        .returning(CHUNKS.c.id, CHUNKS.c.campaign_id, CHUNKS.c.chunk_no, CHUNKS.c.channel, CHUNKS.c.runs)).first()
    return ChunkRef(*claimed) if claimed else None


def chunk_status(session: Session, campaign_id: int, number: int, channel: str) -> str | None:
    return session.scalar(select(CampaignChunk.status).where(
        CampaignChunk.campaign_id == campaign_id, CampaignChunk.chunk_no == number, CampaignChunk.channel == channel))


def chunk_keys(session: Session, chunk: ChunkRef) -> list[str]:
    return list(session.scalars(select(Message.recipient_key).where(
        Message.campaign_id == chunk.campaign_id, Message.chunk_no == chunk.chunk_no,
        Message.channel == chunk.channel)))


def open_counts(session: Session, chunk: ChunkRef) -> dict[str, int]:
    """How many of the chunk's messages are still queued or sending."""
    rows = session.execute(select(Message.status, func.count()).where(
        Message.campaign_id == chunk.campaign_id, Message.chunk_no == chunk.chunk_no,
        Message.channel == chunk.channel, Message.status.in_(("queued", "sending"))).group_by(Message.status))
    return {"queued": 0, "sending": 0, **dict(rows.all())}


def release_chunk(session: Session, chunk_id: int, token: str, status: str, wait_seconds: float = 0) -> bool:
    """End this run's hold: ``done`` or ``waiting`` (due in ``wait_seconds``); False if the hold was lost."""
    now = utcnow()
    values = {"status": status, "claimed_by": None, "heartbeat_at": None}
    if status == "done":
        values["finished_at"] = now
    else:
        values["not_before"] = now + timedelta(seconds=wait_seconds)
    result = session.execute(update(CHUNKS).where(CHUNKS.c.id == chunk_id, CHUNKS.c.claimed_by == token,
                                                  CHUNKS.c.status == "running").values(**values))
    return result.rowcount == 1


def renew_chunks(session: Session, token: str) -> None:
    """The heartbeat of the chunk this run holds (called with every lease renewal of its messages)."""
    session.execute(update(CHUNKS).where(CHUNKS.c.claimed_by == token, CHUNKS.c.status == "running")
                    .values(heartbeat_at=utcnow()))


def add_fallback_chunk(session: Session, chunk: ChunkRef, fallback: str) -> bool:
    """The chunk's messages that failed for good, copied as queued messages on ``fallback`` (same text).

    Keyed like every message (campaign, recipient, channel): doing it twice adds nothing. True when a
    fallback chunk is queued and needs its task."""
    from services.notifications.rendering import normalise_address

    failed = session.execute(select(Message.recipient_key, Message.phone, Message.body).where(
        Message.campaign_id == chunk.campaign_id, Message.chunk_no == chunk.chunk_no,
        Message.channel == chunk.channel, Message.status == "failed")).all()
    now = utcnow()
    rows = []
    for key, phone, body in failed:
        address, _ = normalise_address(fallback, phone)
        if address and body:
            rows.append({"campaign_id": chunk.campaign_id, "recipient_key": key, "channel": fallback,
                         "phone": address, "body": body, "status": "queued", "attempts": 0, "queued_at": now,
                         "chunk_no": chunk.chunk_no})
    if not rows:
        return False
    session.execute(_insert(session, Message).on_conflict_do_nothing(
        index_elements=["campaign_id", "recipient_key", "channel"]), rows)
    return bool(add_chunks(session, chunk.campaign_id, fallback, {chunk.chunk_no: len(rows)}))


def campaign_of(session: Session, chunk: ChunkRef) -> Campaign:
    return session.get(Campaign, chunk.campaign_id)


def in_chunk(chunk: ChunkRef):
    return and_(Message.campaign_id == chunk.campaign_id, Message.chunk_no == chunk.chunk_no,
                Message.channel == chunk.channel)


GIVEN_UP = "Dihentikan setelah {runs} kali percobaan yang terputus; periksa log pekerja notifikasi"


def give_up(session: Session, chunk: ChunkRef) -> None:
    """A chunk whose runs keep dying: what is queued fails, what was being sent is in doubt, nothing resent."""
    reason = GIVEN_UP.format(runs=chunk.runs)
    session.execute(update(Message).where(in_chunk(chunk), Message.status == "queued")
                    .values(status="failed", error=reason))
    session.execute(update(Message).where(in_chunk(chunk), Message.status == "sending")
                    .values(status="unknown", error=reason))
    session.execute(update(CHUNKS).where(CHUNKS.c.id == chunk.id).values(
        status="done", claimed_by=None, heartbeat_at=None, finished_at=utcnow()))
