"""What a reviewer sees of a case's members: everything of the members of the villages the reviewer
serves, and of another village's member only what the decision needs (masked NIK and KK, the name and
birth date that were compared, the village's name and the programmes it receives; no address, no phone)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from services.common.privacy import mask_nik
from services.registry.core.models.areas import VISIBLE_AREAS
from services.registry.models import Area, DedupCluster, Enrolment, Person, Programme


@dataclass
class MemberView:
    person_ref: int
    nik: str
    no_kk: str
    name: str
    birth_date: date | None
    village: str
    own: bool  # a member of a village the reviewer serves
    person: Person | None = None  # the live record, own members only
    programmes: list[str] = field(default_factory=list)
    exists: bool = True


def is_own(area_id: int | None, visible: tuple[int, ...] | None = None) -> bool:
    visible = VISIBLE_AREAS.get() if visible is None else visible
    return visible is None or area_id in visible


def other_villages(case: DedupCluster) -> list[int]:
    """Areas of the case's members that the running request does not serve."""
    return sorted({m.area_id for m in case.members if not is_own(m.area_id)} - {None})


def member_views(session: Session, case: DedupCluster) -> list[MemberView]:
    ids = [m.person_ref for m in case.members]
    names = dict(session.execute(select(Area.id, Area.name).where(
        Area.id.in_({m.area_id for m in case.members if m.area_id}))).all())
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids))
                                               .options(selectinload(Person.household)))}
    # Whether the other village's member still exists and what it receives decides a double receipt: read
    # past the scope, and only the programme codes.
    alive = set(session.scalars(select(Person.id).where(Person.id.in_(ids)).execution_options(all_areas=True)))
    programmes: dict[int, list[str]] = {}
    for recipient_id, code in session.execute(
            select(Enrolment.recipient_id, Programme.code).join(Programme, Programme.id == Enrolment.programme_id)
            .where(Enrolment.recipient_id.in_(ids)).order_by(Programme.code).execution_options(all_areas=True)):
        programmes.setdefault(recipient_id, []).append(code)
    views = []
    for member in case.members:
        own = is_own(member.area_id)
        views.append(MemberView(
            person_ref=member.person_ref, nik=member.nik if own else mask_nik(member.nik),
            no_kk=member.no_kk if own else mask_nik(member.no_kk), name=member.name, birth_date=member.birth_date,
            village=names.get(member.area_id, "-"), own=own, person=people.get(member.person_ref) if own else None,
            programmes=programmes.get(member.person_ref, []), exists=member.person_ref in alive))
    return views
