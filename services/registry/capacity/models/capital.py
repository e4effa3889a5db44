"""Business capital (bantuan modal usaha): grants and revolving loans, repayments and follow-up visits."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registry.core.base import Base, utcnow
from services.registry.distribution.models.bank import BankAccount
from services.registry.people.models.people import Household, Person
from services.registry.programmes.models.funding import FundingSource
from services.registry.programmes.models.programmes import Programme

CAPITAL_KINDS = ("hibah", "pinjaman")
CAPITAL_STATUSES = ("usulan", "dinilai", "disetujui", "ditolak", "dicairkan", "lunas")
CHANNELS = ("tunai", "bank", "barang")


class BusinessGroup(Base):
    """A kelompok usaha bersama (KUBE) that receives capital together."""

    __tablename__ = "business_group"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(150), unique=True)
    business: Mapped[str | None] = mapped_column(String(150))
    dusun: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    members: Mapped[list[BusinessGroupMember]] = relationship(back_populates="group", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return self.name


class BusinessGroupMember(Base):
    __tablename__ = "business_group_member"
    __table_args__ = (UniqueConstraint("group_id", "person_id", name="uq_business_group_member_person"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("business_group.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[str] = mapped_column(String(30), default="anggota")  # ketua / bendahara / anggota

    group: Mapped[BusinessGroup] = relationship(back_populates="members")
    person: Mapped[Person] = relationship()


class CapitalGrant(Base):
    """One proposal through its life: usulan -> dinilai -> disetujui -> dicairkan (-> lunas for loans)."""

    __tablename__ = "capital_grant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # one of CAPITAL_KINDS
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("business_group.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id"), index=True)
    # The pot the money comes from: approval and payout are checked against what it has left.
    funding_source_id: Mapped[int | None] = mapped_column(ForeignKey("funding_source.id"), index=True)
    business: Mapped[str] = mapped_column(String(150))
    purpose: Mapped[str | None] = mapped_column(Text)
    amount_requested: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    amount_approved: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    instalments: Mapped[int | None] = mapped_column(Integer)  # loans only: monthly instalments
    status: Mapped[str] = mapped_column(String(20), default="usulan")
    assessment: Mapped[str | None] = mapped_column(Text)
    assessed_by: Mapped[str | None] = mapped_column(String(100))
    approved_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    household: Mapped[Household | None] = relationship()
    group: Mapped[BusinessGroup | None] = relationship()
    programme: Mapped[Programme | None] = relationship()
    funding_source: Mapped[FundingSource | None] = relationship()
    disbursements: Mapped[list[CapitalDisbursement]] = relationship(back_populates="grant")
    schedule: Mapped[list[LoanInstalment]] = relationship(back_populates="grant", order_by="LoanInstalment.number")
    payments: Mapped[list[LoanPayment]] = relationship(back_populates="grant", order_by="LoanPayment.paid_on")
    visits: Mapped[list[CapitalFollowUp]] = relationship(back_populates="grant", order_by="CapitalFollowUp.visited_on")

    def __repr__(self) -> str:
        return f"{self.business} ({self.kind})"


class CapitalDisbursement(Base):
    __tablename__ = "capital_disbursement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("capital_grant.id"), index=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)  # idempotency: one row per logical payout
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    channel: Mapped[str] = mapped_column(String(10))  # one of CHANNELS
    disbursed_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(100))
    # Cash/in-kind: who collected (the household's adult or a group member), where, handed over by whom.
    collector_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    collector_name: Mapped[str | None] = mapped_column(String(150))
    location: Mapped[str | None] = mapped_column(String(200))
    handed_over_by: Mapped[str | None] = mapped_column(String(150))
    # Bank: the recipient's recorded account and the bank's transaction reference.
    bank_account_id: Mapped[int | None] = mapped_column(ForeignKey("bank_account.id"))
    bank_reference: Mapped[str | None] = mapped_column(String(64))
    ledger_seq: Mapped[int | None] = mapped_column(Integer)  # the ledger entry that records this payout

    grant: Mapped[CapitalGrant] = relationship(back_populates="disbursements")
    bank_account: Mapped[BankAccount | None] = relationship()


class LoanInstalment(Base):
    __tablename__ = "loan_instalment"
    __table_args__ = (UniqueConstraint("grant_id", "number", name="uq_loan_instalment_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("capital_grant.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    amount_due: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    amount_paid: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))

    grant: Mapped[CapitalGrant] = relationship(back_populates="schedule")


class LoanPayment(Base):
    __tablename__ = "loan_payment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("capital_grant.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    paid_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(100))
    ledger_seq: Mapped[int | None] = mapped_column(Integer)  # the "repaid" ledger entry

    grant: Mapped[CapitalGrant] = relationship(back_populates="payments")


class CapitalFollowUp(Base):
    """A field visit after disbursement: is the business running, what does it earn."""

    __tablename__ = "capital_follow_up"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("capital_grant.id", ondelete="CASCADE"), index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    business_status: Mapped[str] = mapped_column(String(20))  # berjalan / berkembang / berhenti
    monthly_income: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    note: Mapped[str | None] = mapped_column(Text)
    visited_by: Mapped[str | None] = mapped_column(String(100))

    grant: Mapped[CapitalGrant] = relationship(back_populates="visits")
