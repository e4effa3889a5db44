"""Report runs and the files (artifacts) each run produced."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.common.db import utcnow

RUN_STATUSES = ("antre", "berjalan", "selesai", "gagal")


class Base(DeclarativeBase):
    pass


class ReportRun(Base):
    __tablename__ = "report_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_key: Mapped[str] = mapped_column(String(200), unique=True)
    report: Mapped[str] = mapped_column(String(50))
    programme_id: Mapped[int | None] = mapped_column(Integer, index=True)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    # Periodic reports: the period (YYYY-MM / YYYY-Qn / YYYY), the partner it belongs to (scoping), and
    # the figures with the SHA-256 of their canonical JSON: the same period generated again must match.
    period: Mapped[str | None] = mapped_column(String(10), index=True)
    organisation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    figures: Mapped[dict | None] = mapped_column(JSON)
    figures_sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="antre")  # one of RUN_STATUSES
    requested_by: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    artifacts: Mapped[list[Artifact]] = relationship(back_populates="run", cascade="all, delete-orphan",
                                                     order_by="Artifact.id")


class Artifact(Base):
    __tablename__ = "artifact"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("report_run.id", ondelete="CASCADE"), index=True)
    format: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    run: Mapped[ReportRun] = relationship(back_populates="artifacts")
