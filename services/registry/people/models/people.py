"""Households (Kartu Keluarga) and the persons in them."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registry.core.base import Base, utcnow
from services.registry.core.models.areas import InArea


class Household(InArea, Base):
    __tablename__ = "household"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    no_kk: Mapped[str] = mapped_column(String(16), unique=True, index=True)
    address: Mapped[str | None] = mapped_column(String(255))
    rt: Mapped[str | None] = mapped_column(String(3))
    rw: Mapped[str | None] = mapped_column(String(3))
    dusun: Mapped[str | None] = mapped_column(String(100), index=True)
    desa: Mapped[str | None] = mapped_column(String(100))
    kecamatan: Mapped[str | None] = mapped_column(String(100))
    kabupaten: Mapped[str | None] = mapped_column(String(100))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    members: Mapped[list[Person]] = relationship(back_populates="household", order_by="Person.id")
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="household")  # noqa: F821

    @property
    def head(self) -> Person | None:
        for person in self.members:
            if (person.relationship_to_head or "").upper() == "KEPALA KELUARGA":
                return person
        return self.members[0] if self.members else None

    def __repr__(self) -> str:
        return f"KK {self.no_kk}"


class Person(Base):
    __tablename__ = "person"
    __area_via__ = ("household_id", "household")
    # The same NIK may stand in two households: that is a duplicate candidate, never a crash.
    __table_args__ = (UniqueConstraint("household_id", "nik", name="uq_person_household_nik"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    nik: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(150), index=True)
    sex: Mapped[str] = mapped_column(String(1))  # L / P
    birth_place: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    relationship_to_head: Mapped[str | None] = mapped_column(String(50))
    occupation: Mapped[str | None] = mapped_column(String(100))
    education: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    is_duplicate_candidate: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    household: Mapped[Household] = relationship(back_populates="members")

    def __repr__(self) -> str:
        return self.name


class DuplicateCandidate(Base):
    """A pair flagged for review by an operator; never merged automatically."""

    __tablename__ = "duplicate_candidate"
    __table_args__ = (UniqueConstraint("person_id", "other_person_id", name="uq_duplicate_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    other_person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="terbuka")  # terbuka / bukan_duplikat / digabung
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    other_person: Mapped[Person] = relationship(foreign_keys=[other_person_id])
