"""Skills registry queries, usable as programme criteria ("perempuan yang bisa menjahit").

For the eligibility-rule engine: ``persons_with_skill_query`` returns a composable ``Select`` of
``Person`` (add ``.where(...)``, use ``.with_only_columns(Person.id)`` as a subquery, or join it),
and ``persons_with_skill`` runs it::

    from services.registry.people.skills import persons_with_skill, persons_with_skill_query
    penjahit = persons_with_skill(session, "menjahit", sex="P", min_level="menengah")
    ids = persons_with_skill_query("nelayan", dusun="Pesisir").with_only_columns(Person.id)

``skill`` is a code of ``models.resources.SKILLS``; ``min_level`` accepts that level or a higher one
(dasar < menengah < mahir); ``source`` restricts to, e.g., skills confirmed by a "pelatihan"."""
from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from services.registry.models import Household, Person, PersonSkill
from services.registry.people.models.resources import SKILL_LEVELS, SKILLS


def persons_with_skill_query(skill: str, sex: str | None = None, min_level: str | None = None,
                             source: str | None = None, dusun: str | None = None) -> Select:
    if skill not in SKILLS:
        raise ValueError(f"Kode keterampilan '{skill}' tidak dikenal; pilih: {', '.join(sorted(SKILLS))}")
    query = select(Person).join(PersonSkill, PersonSkill.person_id == Person.id).where(PersonSkill.skill == skill)
    if sex:
        query = query.where(Person.sex == sex.upper())
    if min_level:
        if min_level not in SKILL_LEVELS:
            raise ValueError(f"Tingkat '{min_level}' tidak dikenal; pilih: {', '.join(SKILL_LEVELS)}")
        query = query.where(PersonSkill.level.in_(SKILL_LEVELS[SKILL_LEVELS.index(min_level):]))
    if source:
        query = query.where(PersonSkill.source == source)
    if dusun:
        query = query.join(Household, Household.id == Person.household_id).where(Household.dusun == dusun)
    return query.order_by(Person.id)


def persons_with_skill(session: Session, skill: str, **criteria) -> list[Person]:
    return list(session.scalars(persons_with_skill_query(skill, **criteria)))
