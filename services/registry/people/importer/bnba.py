"""Programme lists (BNBA) carrying only ``NIK, NAMA``: enrol registered persons' households in a programme.

Every row ends enrolled, already enrolled, or in the rejection report with its reason; one transaction,
so a failed file changes nothing, and importing the same file again enrols nobody twice."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.core.audit import record
from services.registry.core.identity import IdentityError, check_nik
from services.registry.core.parsing import BNBA_REQUIRED, RosterFileError, read_roster
from services.registry.models import Enrolment, Person, Programme
from services.registry.people.importer.report import Rejection, report_path_for, write_report

_NOT_LETTERS = re.compile(r"[^A-Z]+")


@dataclass
class BnbaResult:
    enrolled: int
    already: int
    rejected: int
    report_path: Path


def same_name(listed: str, registered: str) -> bool:
    """Spelling noise aside (case, dots, apostrophes, spaces), the list must name the registered person."""
    def letters(name: str) -> str:
        return _NOT_LETTERS.sub("", name.upper())
    return letters(listed) == letters(registered)


def _persons_by_nik(session: Session, niks: list[str]) -> dict[str, list[Person]]:
    found: dict[str, list[Person]] = {}
    for start in range(0, len(niks), 1000):
        for person in session.scalars(select(Person).where(Person.nik.in_(niks[start:start + 1000]))):
            found.setdefault(person.nik, []).append(person)
    return found


def import_bnba(session: Session, path: str | Path, programme_code: str, actor: str) -> BnbaResult:
    """Enrol the households of the listed persons in ``programme_code``; commit once at the end."""
    programme = session.scalar(select(Programme).where(Programme.code == programme_code))
    if programme is None:
        raise RosterFileError(f"Program dengan kode {programme_code} tidak ada")
    roster = read_roster(path, required=BNBA_REQUIRED)
    records = list(roster.records())
    persons = _persons_by_nik(session, sorted({listed.get("NIK", "") for _n, listed, _c in records}))
    enrolled_households = set(session.scalars(
        select(Enrolment.household_id).where(Enrolment.programme_id == programme.id)))
    rejections, seen, enrolled, already = [], set(), 0, 0
    for number, listed, cells in records:
        nik, name = listed.get("NIK", ""), listed.get("NAMA", "")
        reason = None
        try:
            check_nik(nik)
        except IdentityError as exc:
            reason = str(exc)
        matches = persons.get(nik, [])
        if reason is None and nik in seen:
            reason = "NIK muncul lebih dari sekali dalam berkas"
        elif reason is None and not matches:
            reason = "NIK tidak ada di registri: impor daftar keluarga (KK) lebih dulu"
        elif reason is None and len(matches) > 1:
            reason = "NIK ada di lebih dari satu KK: selesaikan kasus duplikatnya lebih dulu"
        elif reason is None and not same_name(name, matches[0].name):
            reason = f"NAMA ({name}) tidak sama dengan nama di registri untuk NIK ini"
        if reason:
            rejections.append(Rejection(number, nik, name, reason, cells))
            continue
        seen.add(nik)
        person = matches[0]
        if person.household_id in enrolled_households:
            already += 1
            continue
        session.add(Enrolment(programme_id=programme.id, household_id=person.household_id, recipient_id=person.id,
                              status="aktif"))
        enrolled_households.add(person.household_id)
        enrolled += 1
    report = write_report(report_path_for(path), roster.headers, rejections)
    record(session, actor, "import_bnba", "programme", programme.id, file=Path(path).name, enrolled=enrolled,
           already_enrolled=already, rejected=len(rejections))
    session.commit()
    return BnbaResult(enrolled, already, len(rejections), report)
