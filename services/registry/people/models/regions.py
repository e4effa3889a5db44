"""Administrative areas of the village: desa > dusun > RW > RT, each with an optional boundary polygon.

Households keep their own dusun/rw/rt text; they are linked to an area by the normalised
``match_*`` path columns (see services/registry/people/regions.py), never by a foreign key, so a roster
import never depends on the areas having been drawn first."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registry.core.base import Base, utcnow
from services.registry.core.models.areas import InArea

# Ordered from the top: a region's parent is always of the kind just before its own.
REGION_KINDS = ("desa", "dusun", "rw", "rt")


class Region(InArea, Base):
    __tablename__ = "region"
    # Unique within an area: two villages may each have their own.
    __table_args__ = (UniqueConstraint("area_id", "code", name="uq_region_area_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)  # one of REGION_KINDS
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    # Normalised path (casefolded names, 3-digit RW/RT) that household text columns are matched on.
    match_desa: Mapped[str | None] = mapped_column(String(100))
    match_dusun: Mapped[str | None] = mapped_column(String(100))
    match_rw: Mapped[str | None] = mapped_column(String(3))
    match_rt: Mapped[str | None] = mapped_column(String(3))
    boundary: Mapped[dict | None] = mapped_column(JSON)  # GeoJSON geometry (Polygon/MultiPolygon), WGS84
    centroid_lat: Mapped[float | None] = mapped_column(Float)
    centroid_lon: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    parent: Mapped[Region | None] = relationship(remote_side=[id])

    @property
    def has_boundary(self) -> bool:
        return self.boundary is not None

    def __repr__(self) -> str:
        return f"{self.kind.upper() if self.kind in ('rw', 'rt') else self.kind.title()} {self.name}"
