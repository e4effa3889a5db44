"""Run every layer over the registry and return clusters; storing them is store.py's job."""
from __future__ import annotations

from collections.abc import Iterable
from itertools import chain

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import BankAccount, Person
from .clusters import Cluster, build_clusters
from .layers import REKENING, TELEPON, PersonRow, exact_nik, name_variants, nik_slip, shared_contact
from .names import normalise

STREAM_CHUNK = 20_000


def load_people(session: Session) -> dict[int, PersonRow]:
    """Every person as a small row, streamed in chunks (1 M persons fit: no ORM objects are kept)."""
    query = select(Person.id, Person.household_id, Person.nik, Person.name, Person.sex, Person.birth_date,
                   Person.phone).execution_options(yield_per=STREAM_CHUNK)
    return {row[0]: PersonRow(*row) for row in session.execute(query)}


def load_accounts(session: Session) -> list[tuple[int, str]]:
    query = select(BankAccount.person_id, BankAccount.bank_code, BankAccount.account_number).where(
        BankAccount.active.is_(True)).execution_options(yield_per=STREAM_CHUNK)
    return [(pid, f"{code}:{number}") for pid, code, number in session.execute(query)]


def prepare(people: Iterable[PersonRow]) -> None:
    """Fill each row's normalised name; names repeat a lot in a village, so each is normalised once."""
    cache: dict[str, str] = {}
    for p in people:
        key = cache.get(p.name)
        if key is None:
            key = cache[p.name] = normalise(p.name)
        p.key, p.skeleton = key, key.replace(" ", "")


def find_clusters(people: dict[int, PersonRow], accounts: Iterable[tuple[int, str]] = ()) -> list[Cluster]:
    """All four layers -> union-find clusters."""
    prepare(people.values())
    rows = list(people.values())
    phones = ((p.id, p.phone) for p in rows if p.phone)
    edges = chain(exact_nik(rows), nik_slip(rows), name_variants(rows),
                  shared_contact(people, phones, TELEPON), shared_contact(people, accounts, REKENING))
    return build_clusters(edges, people)


def scan(session: Session) -> tuple[dict[int, PersonRow], list[Cluster]]:
    people = load_people(session)
    return people, find_clusters(people, load_accounts(session))
