"""Organisations (village, NGO, CSR), programmes, who funds or runs them, and enrolments."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registry.core.base import Base, utcnow
from services.registry.core.models.areas import InArea
from services.registry.people.models.people import Household, Person

ORGANISATION_KINDS = ("desa", "lsm", "csr", "pemerintah")
PARTNER_ROLES = ("penyandang_dana", "pelaksana")
# How a cycle's cash entitlements are paid: "tunai" all at the pickup desk; "bank_jika_ada" by transfer
# where the recipient has a verified account (holder name matches), at the desk otherwise.
PAYMENT_CHANNELS = ("tunai", "bank_jika_ada")


class Organisation(InArea, Base):
    __tablename__ = "organisation"
    # Unique within an area: two villages may each have their own.
    __table_args__ = (UniqueConstraint("area_id", "name", name="uq_organisation_area_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(20))  # one of ORGANISATION_KINDS
    contact_email: Mapped[str | None] = mapped_column(String(150))

    def __repr__(self) -> str:
        return self.name


class Programme(InArea, Base):
    __tablename__ = "programme"
    # Unique within an area: two villages may each have their own.
    __table_args__ = (UniqueConstraint("area_id", "code", name="uq_programme_area_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(30))  # tunai, barang, pelatihan, modal_usaha, ...
    description: Mapped[str | None] = mapped_column(Text)
    benefit_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="aktif")
    payment_channel: Mapped[str] = mapped_column(String(20), default="tunai", server_default="tunai")
    # The village account that pays this programme; a bank statement for any other account is refused.
    paying_account: Mapped[str | None] = mapped_column(String(34))
    # The file a payment batch is exported as by default (distribution/banks FORMATS); a batch may differ.
    payment_export: Mapped[str] = mapped_column(String(30), default="pain.001.001.03",
                                                server_default="pain.001.001.03")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    partners: Mapped[list[ProgrammePartner]] = relationship(back_populates="programme", cascade="all, delete-orphan")
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="programme")

    def __repr__(self) -> str:
        return self.name


class ProgrammePartner(Base):
    """An organisation that funds or runs a programme; partners see exactly these programmes."""

    __tablename__ = "programme_partner"
    __area_via__ = ("programme_id", "programme")
    __table_args__ = (UniqueConstraint("programme_id", "organisation_id", "role", name="uq_programme_partner"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # one of PARTNER_ROLES

    programme: Mapped[Programme] = relationship(back_populates="partners")
    organisation: Mapped[Organisation] = relationship()


class Enrolment(Base):
    """A household receiving a programme, with the person who collects for it."""

    __tablename__ = "enrolment"
    __area_via__ = ("household_id", "household")
    __table_args__ = (UniqueConstraint("programme_id", "household_id", name="uq_enrolment_programme_household"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    status: Mapped[str] = mapped_column(String(20), default="aktif")  # aktif / berhenti
    enrolled_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    programme: Mapped[Programme] = relationship(back_populates="enrolments")
    household: Mapped[Household] = relationship(back_populates="enrolments")
    recipient: Mapped[Person | None] = relationship()
