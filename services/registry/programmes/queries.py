"""Read helpers shared with the admin and reports: which programmes an organisation may see."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.models import ProgrammePartner


def visible_programme_ids(session: Session, organisation_id: int | None) -> set[int]:
    """Ids of the programmes ``organisation_id`` funds or runs (any partner role); none for no organisation."""
    if organisation_id is None:
        return set()
    query = select(ProgrammePartner.programme_id).where(ProgrammePartner.organisation_id == organisation_id)
    return set(session.execute(query).scalars())
