"""The areas of the public site: the village a page belongs to, and the totals of a kecamatan or the
kabupaten across its villages.

The reports service reads the registry without the area scope (no user is logged in), so every query
here names its area explicitly. Totals above the village count recipients only; a count under five and
the money behind it are never shown, so that nobody in a small village is singled out."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.registry.models import Area, Cycle, Entitlement, Household, Programme

PUBLIC_CYCLE_STATUSES = ("disetujui", "selesai")
SMALL_COUNT = 5


@dataclass(frozen=True)
class PublicArea:
    """What a page may say about its area (plain values: the session is closed when the page renders)."""

    id: int
    code: str
    level: str
    name: str
    title: str
    head_title: str | None = None
    head_name: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    ancestors: tuple[int, ...] = ()  # ids of the kecamatan, kabupaten and provinsi above
    parent_title: str | None = None

    @property
    def government(self) -> str:
        """"Pemerintah Desa Kamal": who publishes the page, the poster and the messages."""
        return f"Pemerintah {self.title}"


def public_area(area: Area) -> PublicArea:
    ancestors, parent = [], area.parent
    while parent is not None:
        ancestors.append(parent.id)
        parent = parent.parent
    return PublicArea(id=area.id, code=area.code, level=area.level, name=area.name, title=area.title,
                      head_title=area.head_title, head_name=area.head_name, address=area.address,
                      phone=area.phone, email=area.email, ancestors=tuple(ancestors),
                      parent_title=area.parent.title if area.parent else None)


def area_by_code(session: Session, code: str) -> PublicArea | None:
    area = session.scalar(select(Area).where(Area.code == code))
    return public_area(area) if area is not None else None


def households_of(area_id: int):
    """The ids of the households of one desa, as a subquery."""
    return select(Household.id).where(Household.area_id == area_id)


def visible_programme_ids(session: Session, area: PublicArea) -> list[int]:
    """The desa's own programmes, and programmes run above it in which its households have a public entitlement."""
    own = select(Programme.id).where(Programme.area_id == area.id)
    above = (select(Programme.id).where(Programme.area_id.in_(area.ancestors))
             .where(Programme.id.in_(select(Entitlement.programme_id).join(Cycle, Entitlement.cycle_id == Cycle.id)
                                     .where(Cycle.status.in_(PUBLIC_CYCLE_STATUSES),
                                            Entitlement.household_id.in_(households_of(area.id))))))
    return sorted(set(session.scalars(own)) | set(session.scalars(above))) if area.ancestors else list(session.scalars(own))


def count_label(count: int) -> str:
    return f"< {SMALL_COUNT}" if 0 < count < SMALL_COUNT else str(count)


@dataclass
class Totals:
    """Recipients (households with a public entitlement), money disbursed to them, programmes published."""

    recipients: int = 0
    disbursed: Decimal = Decimal(0)
    programmes: int = 0

    @property
    def recipients_label(self) -> str:
        return count_label(self.recipients)

    @property
    def disbursed_shown(self) -> Decimal | None:
        return None if 0 < self.recipients < SMALL_COUNT else self.disbursed

    def add(self, other: Totals) -> None:
        self.recipients += other.recipients
        self.disbursed += other.disbursed
        self.programmes += other.programmes


@dataclass
class AreaRow:
    code: str
    title: str
    totals: Totals
    children: list[AreaRow] = field(default_factory=list)


def area_totals(session: Session, root: PublicArea) -> AreaRow:
    """The root (kabupaten or kecamatan) with a row per kecamatan and per desa under it, every desa listed."""
    prefix = root.code + "."
    areas = session.scalars(select(Area).where(Area.code.startswith(prefix)).order_by(Area.code)).all()
    desa_ids = [a.id for a in areas if a.level == "desa"]
    recipients = func.count(func.distinct(Entitlement.household_id)).filter(Entitlement.status != "dibatalkan")
    disbursed = func.sum(Entitlement.amount).filter(Entitlement.status == "disalurkan")
    query = (select(Household.area_id, recipients, disbursed)
             .join(Entitlement, Entitlement.household_id == Household.id)
             .join(Cycle, Entitlement.cycle_id == Cycle.id)
             .where(Cycle.status.in_(PUBLIC_CYCLE_STATUSES), Household.area_id.in_(desa_ids))
             .group_by(Household.area_id))
    per_desa = {area_id: Totals(count or 0, Decimal(paid or 0)) for area_id, count, paid in session.execute(query)}
    published = (select(Programme.area_id, func.count(func.distinct(Programme.id)))
                 .join(Cycle, Cycle.programme_id == Programme.id)
                 .where(Cycle.status.in_(PUBLIC_CYCLE_STATUSES), Programme.area_id.in_(desa_ids))
                 .group_by(Programme.area_id))
    for area_id, count in session.execute(published):
        per_desa.setdefault(area_id, Totals()).programmes = count
    rows: dict[int, AreaRow] = {}
    children: dict[int | None, list[AreaRow]] = defaultdict(list)
    for area in areas:
        row = AreaRow(area.code, area.title, per_desa.get(area.id, Totals()) if area.level == "desa" else Totals())
        rows[area.id] = row
        children[area.parent_id].append(row)
    top = AreaRow(root.code, root.title, Totals(), children.get(root.id, []))
    for area in sorted(areas, key=lambda a: -a.code.count(".")):  # desa first, then kecamatan
        row = rows[area.id]
        row.children = children.get(area.id, [])
        for child in row.children:
            row.totals.add(child.totals)
    for child in top.children:
        top.totals.add(child.totals)
    return top
