"""Dedup review cases: one cluster of records that may be one person, and its members."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registry.core.base import Base, utcnow
from services.registry.core.models.areas import InArea

# terbuka: awaiting review; bukan_duplikat: "bukan orang yang sama"; digabung: merged into one person;
# dipindah: a person moved to the right household.
CLUSTER_STATUSES = ("terbuka", "bukan_duplikat", "digabung", "dipindah")


class DedupCluster(Base):
    """A review case. ``signature`` hashes the members and their compared attributes: a case decided
    once is found again with the same signature and stays decided until a member changes.

    A case may span villages (the same NIK in Kamal and Gili Anyar): it is visible to every village one
    of its members lives in, through its ``areas`` links (see ``__area_links__`` in core/models/areas.py)."""

    __tablename__ = "dedup_cluster"
    __area_links__ = ("dedup_cluster_area", "cluster_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signature: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="terbuka", index=True)
    score: Mapped[float] = mapped_column(Float)
    layers: Mapped[list] = mapped_column(JSON, default=list)  # e.g. ["nik_sama", "nama_mirip"]
    size: Mapped[int] = mapped_column(Integer)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    members: Mapped[list[DedupMember]] = relationship(back_populates="cluster", cascade="all, delete-orphan",
                                                      order_by="DedupMember.id")
    areas: Mapped[list[DedupClusterArea]] = relationship(cascade="all, delete-orphan", passive_deletes=True)

    def __repr__(self) -> str:
        return f"Kasus duplikat #{self.id}"


class DedupClusterArea(InArea, Base):
    """One village a case concerns: the case is visible there (a link row per village of its members)."""

    __tablename__ = "dedup_cluster_area"
    __table_args__ = (UniqueConstraint("cluster_id", "area_id", name="uq_dedup_cluster_area"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("dedup_cluster.id", ondelete="CASCADE"), index=True)


class DedupMember(Base):
    """A person in a case, with the attributes as found (kept after a merge removes the person).

    Visible wherever its case is, so each village sees the other's member too; ``area_id`` (the village the
    member lived in when found, not a scope column) tells the screens whose member it is, to mask the rest."""

    __tablename__ = "dedup_member"
    __area_via__ = ("cluster_id", "dedup_cluster")
    __table_args__ = (UniqueConstraint("cluster_id", "person_ref", name="uq_dedup_member"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("dedup_cluster.id", ondelete="CASCADE"), index=True)
    person_ref: Mapped[int] = mapped_column(Integer, index=True)  # person id as found; no FK: survives a merge
    household_id: Mapped[int] = mapped_column(Integer)
    nik: Mapped[str] = mapped_column(String(16))
    no_kk: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(150))
    birth_date: Mapped[date | None] = mapped_column(Date)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)

    cluster: Mapped[DedupCluster] = relationship(back_populates="members")


# antre -> berjalan (stage: membaca / memeriksa / menyimpan) -> selesai | gagal
RUN_STATUSES = ("antre", "berjalan", "selesai", "gagal")


class DedupRun(Base):
    """One requested run of the whole check. ``run_key`` makes a redelivered task a no-op once finished;
    status and stage are committed as the run goes, so the admin and a watchdog can see where it is."""

    __tablename__ = "dedup_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="antre")
    stage: Mapped[str | None] = mapped_column(String(30))
    requested_by: Mapped[str] = mapped_column(String(100))
    counts: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
