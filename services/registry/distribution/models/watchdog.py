"""One row per scheduled watchdog pass: what it found stuck and re-sent, for the admin and /health."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.registry.core.base import Base, utcnow


class WatchdogRun(Base):
    __tablename__ = "watchdog_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    entitlements: Mapped[int] = mapped_column(Integer, default=0)  # cycles whose generation was re-sent
    exports: Mapped[int] = mapped_column(Integer, default=0)  # payment batches re-sent
    statements: Mapped[int] = mapped_column(Integer, default=0)  # bank-result imports re-sent
    detail: Mapped[str] = mapped_column(String(500), default="")
