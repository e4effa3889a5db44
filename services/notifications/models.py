"""Notifications data model: a campaign and one message row per (recipient, channel)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import utcnow

# unknown: claimed by a worker that died mid-send on a channel without an idempotency key; the message
# may or may not have gone out, so it is left for staff to review instead of being sent twice.
# delivered: the provider's delivery receipt said so; opted_out: the recipient sent STOP/BERHENTI.
STATUSES = ("queued", "sending", "sent", "delivered", "failed", "skipped", "opted_out", "unknown")


class Base(DeclarativeBase):
    pass


class Campaign(Base):
    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    channel: Mapped[str] = mapped_column(String(20), nullable=False)
    template: Mapped[str] = mapped_column(Text, nullable=False)
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    source: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # Legally required notices (e.g. a change to one's entitlement) still reach those who opted out.
    legally_required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    # The channel its failed messages are sent again on (only "sms", for WhatsApp campaigns).
    fallback: Mapped[str | None] = mapped_column(String(10), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)


class Message(Base):
    __tablename__ = "message"
    __table_args__ = (UniqueConstraint("campaign_id", "recipient_key", "channel", name="uq_message_recipient"),
                      Index("ix_message_chunk", "campaign_id", "chunk_no"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False, index=True)
    recipient_key: Mapped[str] = mapped_column(String(200), nullable=False)
    channel: Mapped[str] = mapped_column(String(20), nullable=False)
    phone: Mapped[str | None] = mapped_column(String(200), nullable=True)
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="queued", index=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    provider_message_id: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # When a worker claimed it (queued -> sending); a claim left far behind marks a crashed worker.
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Which task execution claimed it (the Celery task id): a redelivery of the same task that finds
    # its own claims still 'sending' knows the earlier run died mid-batch and recovers them at once.
    claimed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # The campaign chunk (see CampaignChunk) whose task sends this message.
    chunk_no: Mapped[int | None] = mapped_column(Integer, nullable=True)


# queued: a task for it was sent at enqueued_at; running: a run holds it and renews heartbeat_at;
# waiting: temporary failures or quiet hours, due again at not_before; done: nothing left to send.
CHUNK_STATUSES = ("queued", "running", "waiting", "done")


class CampaignChunk(Base):
    """A slice of a campaign's messages on one channel: the unit of work a task carries by number only.

    The rows live in the database before any task is sent, so the broker holds nothing that cannot be
    rebuilt: the watchdog re-sends a chunk whose task was lost or whose run died."""

    __tablename__ = "campaign_chunk"
    __table_args__ = (UniqueConstraint("campaign_id", "chunk_no", "channel", name="uq_campaign_chunk"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False)
    chunk_no: Mapped[int] = mapped_column(Integer, nullable=False)
    channel: Mapped[str] = mapped_column(String(20), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="queued", index=True)
    runs: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    not_before: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class OptOut(Base):
    """A phone (or address) that asked for no more messages: STOP/BERHENTI by SMS or WhatsApp, or staff."""

    __tablename__ = "opt_out"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    keyword: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    source: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)


class InboundEvent(Base):
    """Every inbound webhook call once (keyed by the provider's id): SMS/WhatsApp replies and receipts."""

    __tablename__ = "inbound_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    channel: Mapped[str] = mapped_column(String(20), nullable=False)
    sender: Mapped[str | None] = mapped_column(String(200), nullable=True)
    text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # complaint, opt_out, inbox, receipt
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)


# posting: claimed by a run (like a message's 'sending'); unknown: that run died mid-call, and the Graph
# API has no idempotency key, so it is left for staff to check on the page instead of posted twice.
SOCIAL_STATUSES = ("queued", "posting", "posted", "failed", "unknown")


class SocialPost(Base):
    """One announcement on one target (facebook/instagram): posted at most once per (post_key, target)."""

    __tablename__ = "social_post"
    __table_args__ = (UniqueConstraint("post_key", "target", name="uq_social_post_target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_key: Mapped[str] = mapped_column(String(200), nullable=False)
    target: Mapped[str] = mapped_column(String(20), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    link: Mapped[str | None] = mapped_column(String(500), nullable=True)
    image_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    requested_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Instagram's first step (media container): kept so a retry after a failed publish reuses it.
    container_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    provider_post_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
