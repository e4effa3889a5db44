"""Complaints (pengaduan) and satisfaction surveys from residents, with the SP4N-LAPOR! clock.

Sensitive categories (pungli, nepotisme) are readable only by the "Pengawas Pengaduan" role, Admin and
Auditor (see admin/roles.py); everything else about a complaint is ordinary registry data."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.common.contracts import COMPLAINT_CATEGORIES
from services.registry.core.base import Base, utcnow
from services.registry.core.models.areas import InArea
from services.registry.people.models.people import Person
from services.registry.programmes.models.cycles import Cycle

SENSITIVE_CATEGORIES = ("pungli", "nepotisme")
# baru -> diteruskan (forwarded to who handles it) -> ditindaklanjuti (followed up) -> selesai
COMPLAINT_STATUSES = ("baru", "diteruskan", "ditindaklanjuti", "selesai")


class Complaint(InArea, Base):
    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(20), unique=True, index=True)
    channel: Mapped[str] = mapped_column(String(10))  # one of contracts.COMPLAINT_CHANNELS
    category: Mapped[str] = mapped_column(String(20), index=True)  # a key of contracts.COMPLAINT_CATEGORIES
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(200))  # dusun / RT / RW as the sender said it
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    sender_name: Mapped[str | None] = mapped_column(String(150))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id"))
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycle.id"))
    photo_path: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="baru", index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    forwarded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    forwarded_to: Mapped[str | None] = mapped_column(String(150))
    followed_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolution: Mapped[str | None] = mapped_column(Text)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(100))

    person: Mapped[Person | None] = relationship()

    def __repr__(self) -> str:
        return self.tracking_code

    @property
    def category_label(self) -> str:
        return COMPLAINT_CATEGORIES.get(self.category, self.category)


class SatisfactionResponse(Base):
    """A 1-5 satisfaction score after a distribution or training; one per one-time code.

    (Needs-survey answers are ``surveys.SurveyResponse``; this is the short public form.)"""

    __tablename__ = "satisfaction_response"
    __table_args__ = (UniqueConstraint("code", name="uq_satisfaction_response_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    # Exactly one of cycle_id / training_id: what the issued code (indicators.SatisfactionCode) was for.
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycle.id"), index=True)
    training_id: Mapped[int | None] = mapped_column(ForeignKey("training.id"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    cycle: Mapped[Cycle | None] = relationship()
