"""A cycle's candidate households, and the proposals (usul) and objections (sanggah) about them."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registry.core.base import Base, utcnow
from services.registry.people.models.people import Household
from services.registry.programmes.models.cycles import Cycle

CANDIDATE_SOURCES = ("aturan", "operator", "usul", "musyawarah")
CANDIDATE_STATUSES = ("aktif", "dihapus")
FEEDBACK_KINDS = ("usul", "sanggah")
FEEDBACK_STATUSES = ("terbuka", "dijawab")


class Candidate(Base):
    """One household on a cycle's draft list; ``snapshot`` holds what the list showed when it was made."""

    __tablename__ = "candidate"
    __area_via__ = ("household_id", "household")
    __table_args__ = (UniqueConstraint("cycle_id", "household_id", name="uq_candidate_cycle_household"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    need_rank: Mapped[int | None] = mapped_column(Integer)  # 1 = most in need on this list
    score: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    band: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20), default="aturan")  # CANDIDATE_SOURCES
    status: Mapped[str] = mapped_column(String(20), default="aktif", index=True)  # CANDIDATE_STATUSES
    reason: Mapped[str | None] = mapped_column(Text)  # why added or removed by hand
    changed_by: Mapped[str | None] = mapped_column(String(100))
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    cycle: Mapped[Cycle] = relationship()
    household: Mapped[Household] = relationship()

    def __repr__(self) -> str:
        return f"{self.snapshot.get('name') or ''} (KK {self.snapshot.get('no_kk') or self.household_id})"


class CandidateFeedback(Base):
    """An usul (someone proposed) or a sanggah (an objection) about a household in a cycle.

    Must be answered by ``due_on`` (14 days after it arrived, DOMAIN.md); photo and GPS are optional."""

    __tablename__ = "candidate_feedback"
    __area_via__ = ("household_id", "household")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidate.id"))
    kind: Mapped[str] = mapped_column(String(10))  # FEEDBACK_KINDS
    submitted_by: Mapped[str] = mapped_column(String(150))  # "Ketua RT 02", "warga", ...
    reason: Mapped[str] = mapped_column(Text)
    photo_path: Mapped[str | None] = mapped_column(String(255))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    received_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="terbuka", index=True)  # FEEDBACK_STATUSES
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(100))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    cycle: Mapped[Cycle] = relationship()
    household: Mapped[Household] = relationship()
    candidate: Mapped[Candidate | None] = relationship()
