"""Run every layer over the registry and return clusters; storing them is store.py's job."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import chain

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.models import BankAccount, Person
from services.registry.people.dedup.clusters import Cluster, build_clusters
from services.registry.people.dedup.layers import (
    COMMON_NAME_HOLDERS,
    REKENING,
    TELEPON,
    PersonRow,
    exact_nik,
    name_variants,
    nik_slip,
    shared_contact,
)
from services.registry.people.dedup.names import normalise, place_key

STREAM_CHUNK = 20_000


def load_people(session: Session) -> dict[int, PersonRow]:
    """Every person as a small row, streamed in chunks (1 M persons fit: no ORM objects are kept)."""
    query = select(Person.id, Person.household_id, Person.nik, Person.name, Person.sex, Person.birth_date,
                   Person.phone, Person.birth_place).execution_options(yield_per=STREAM_CHUNK)
    return {row[0]: PersonRow(*row) for row in session.execute(query)}


def load_accounts(session: Session) -> list[tuple[int, str]]:
    query = select(BankAccount.person_id, BankAccount.bank_code, BankAccount.account_number).where(
        BankAccount.active.is_(True)).execution_options(yield_per=STREAM_CHUNK)
    return [(pid, f"{code}:{number}") for pid, code, number in session.execute(query)]


def prepare(people: list[PersonRow]) -> None:
    """Fill each row's normalised name and birth place and whether its name is common in the registry.
    Names and places repeat a lot, so each distinct text is normalised once."""
    names: dict[str, str] = {}
    places: dict[str | None, str] = {}
    holders: Counter[tuple[str, str]] = Counter()
    for p in people:
        key = names.get(p.name)
        if key is None:
            key = names[p.name] = normalise(p.name)
        place = places.get(p.birth_place)
        if place is None:
            place = places[p.birth_place] = place_key(p.birth_place)
        p.key, p.skeleton, p.place = key, key.replace(" ", ""), place
        holders[(p.skeleton, p.sex)] += 1
    for p in people:
        p.common = holders[(p.skeleton, p.sex)] > COMMON_NAME_HOLDERS


def find_clusters(people: dict[int, PersonRow], accounts: Iterable[tuple[int, str]] = ()) -> list[Cluster]:
    """All four layers -> union-find clusters."""
    rows = list(people.values())
    prepare(rows)
    phones = ((p.id, p.phone) for p in rows if p.phone)
    edges = chain(exact_nik(rows), nik_slip(rows), name_variants(rows),
                  shared_contact(people, phones, TELEPON), shared_contact(people, accounts, REKENING))
    return build_clusters(edges, people)


def scan(session: Session) -> tuple[dict[int, PersonRow], list[Cluster]]:
    people = load_people(session)
    return people, find_clusters(people, load_accounts(session))
