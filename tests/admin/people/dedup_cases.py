"""Adds two duplicate cases to a seeded admin database; each call uses its own birth year (1901 + k), so calls
and demo persons never fall into one cluster."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.models import DedupCluster, DedupMember, Person
from services.registry.people.dedup.store import run_dedup
from tests.registry.people.dedup_data import add_household, nik


def add_cases(engine, k: int) -> dict[str, int]:
    """Two open cases: a NIK in two KKs, and a name variant in another KK; returns case ids by kind."""
    base = 900_000 + 100 * k
    with Session(engine) as session:
        born, other = date(1901 + k, 2, 3), date(1901 + k, 4, 5)
        shared = nik(born, "L", 9000 + k)
        add_household(session, base, [{"name": "Moh. Kholil", "birth": born, "nik": shared}])
        add_household(session, base + 1, [{"name": "Mochammad Cholil", "birth": born, "nik": shared}])
        add_household(session, base + 2, [{"name": "Sitti Romlah", "sex": "P", "birth": other, "serial": 7000 + k}])
        add_household(session, base + 3, [{"name": "Siti Romla", "sex": "P", "birth": other, "serial": 8000 + k}])
        session.commit()
        run_dedup(session, "penguji")

        def case_of(name: str) -> int:
            return session.execute(select(DedupCluster.id).join(DedupMember).where(
                DedupMember.name == name, DedupMember.birth_date.in_([born, other]),
                DedupCluster.status == "terbuka")).scalar_one()

        ids = {"nik": case_of("Moh. Kholil"), "name": case_of("Siti Romla")}
        ids["kholil_person"] = session.execute(select(Person.id).where(Person.name == "Moh. Kholil",
                                                                    Person.birth_date == born)).scalar_one()
        return ids
