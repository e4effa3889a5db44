"""Village resources and potential (pemetaan sumber daya dan potensi) and persons' skills.

Skill codes and resource kinds are data, not code: villages add their own with the admin (the
lists below are the defaults offered in forms and checked on input)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registry.core.base import Base, utcnow
from services.registry.people.models.people import Household, Person
from services.registry.people.models.regions import Region

RESOURCE_KINDS = {
    "lahan_pertanian": "Lahan pertanian", "perikanan": "Perikanan / tambak", "tambak_garam": "Tambak garam",
    "kerajinan": "Kerajinan", "usaha_kecil": "Usaha kecil (UMKM)", "fasilitas": "Fasilitas umum",
    "peternakan": "Peternakan", "lainnya": "Lainnya",
}
SKILLS = {
    "menjahit": "Menjahit", "menenun": "Menenun / membatik", "bertani_modern": "Bertani modern",
    "mengajar": "Mengajar", "nelayan": "Nelayan", "kerajinan": "Kerajinan tangan", "memasak": "Memasak / olahan pangan",
    "pertukangan": "Pertukangan", "perbengkelan": "Perbengkelan", "komputer": "Komputer",
    "beternak": "Beternak", "berdagang": "Berdagang",
}
SKILL_LEVELS = ("dasar", "menengah", "mahir")  # ascending: a "menengah" criterion accepts "mahir"
SKILL_SOURCES = ("pelatihan", "survei", "pengakuan", "sertifikat")


class VillageResource(Base):
    __tablename__ = "village_resource"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)  # one of RESOURCE_KINDS
    name: Mapped[str] = mapped_column(String(150), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    size: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    unit: Mapped[str | None] = mapped_column(String(20))  # ha, m2, unit, orang, ...
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    owner_household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id", ondelete="SET NULL"),
                                                           index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    region: Mapped[Region | None] = relationship()
    owner_household: Mapped[Household | None] = relationship()

    def __repr__(self) -> str:
        return self.name


class PersonSkill(Base):
    __tablename__ = "person_skill"
    __table_args__ = (UniqueConstraint("person_id", "skill", name="uq_person_skill"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    skill: Mapped[str] = mapped_column(String(30), index=True)  # one of SKILLS
    level: Mapped[str] = mapped_column(String(10), default="dasar")  # one of SKILL_LEVELS
    source: Mapped[str] = mapped_column(String(20), default="survei")  # one of SKILL_SOURCES
    notes: Mapped[str | None] = mapped_column(String(255))
    recorded_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    person: Mapped[Person] = relationship()
