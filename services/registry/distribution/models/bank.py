"""Recipients' bank accounts, for direct transfers; shared accounts across households are a dedup signal."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registry.core.base import Base, utcnow
from services.registry.people.models.people import Person


class BankAccount(Base):
    __tablename__ = "bank_account"
    __area_via__ = ("person_id", "person")
    __table_args__ = (UniqueConstraint("person_id", "bank_code", "account_number", name="uq_bank_account_person"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    bank_code: Mapped[str] = mapped_column(String(20))  # BI bank code or BIC, e.g. "002" / "BRINIDJA"
    bank_name: Mapped[str | None] = mapped_column(String(100))
    account_number: Mapped[str] = mapped_column(String(34), index=True)
    holder_name: Mapped[str] = mapped_column(String(150))
    # False when the holder name does not match the person's name: flagged for review, not refused.
    holder_name_matches: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    person: Mapped[Person] = relationship()
