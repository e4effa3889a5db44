"""Partners: contacts, agreements (MoU) and funding applications to kabupaten/central government."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registry.core.base import Base, utcnow
from services.registry.core.models.areas import InArea
from services.registry.programmes.models.programmes import Organisation, Programme

APPLICATION_LEVELS = ("kabupaten", "provinsi", "pusat")
APPLICATION_STATUSES = ("draf", "diajukan", "diproses", "disetujui", "ditolak")


class PartnerContact(Base):
    __tablename__ = "partner_contact"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(150))
    position: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(150))

    organisation: Mapped[Organisation] = relationship()


class PartnerAgreement(InArea, Base):
    """An MoU / PKS: its period, what the partner commits to, and the signed document."""

    __tablename__ = "partner_agreement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    commitments: Mapped[str | None] = mapped_column(Text)
    committed_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    document: Mapped[str | None] = mapped_column(String(255))  # relative to var/uploads
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    programme: Mapped[Programme | None] = relationship()

    def __repr__(self) -> str:
        return self.title


class FundingApplication(Base):
    """A subsidy or funding request sent to the kabupaten, province or central government."""

    __tablename__ = "funding_application"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))  # one of APPLICATION_LEVELS
    agency: Mapped[str] = mapped_column(String(150))  # e.g. Dinas Sosial Kab. Bangkalan
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id"), index=True)
    amount_requested: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    amount_approved: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    status: Mapped[str] = mapped_column(String(20), default="draf")  # one of APPLICATION_STATUSES
    submitted_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    programme: Mapped[Programme | None] = relationship()
