"""Small registry fixtures for the capacity tests: a few households of Desa Kamal and a programme."""
from __future__ import annotations

from datetime import date

from services.registry.models import Enrolment, Household, Organisation, Person, Programme


def household(session, no_kk: str, dusun: str, members: list[tuple[str, str, str, date]]) -> Household:
    """``members``: (nik, name, sex, birth date); the first is the head."""
    home = Household(no_kk=no_kk, dusun=dusun, address=f"Jl. Raya {dusun} No. 7", rt="001", rw="002", desa="Kamal")
    for n, (nik, name, sex, born) in enumerate(members):
        home.members.append(Person(nik=nik, name=name, sex=sex, birth_date=born, phone=f"+62812000{nik[-5:]}",
                                   relationship_to_head="KEPALA KELUARGA" if n == 0 else "ISTRI"))
    session.add(home)
    session.flush()
    return home


def village(session) -> dict:
    """Two BLT households (Kamal Timur, Kamal Barat) and one non-recipient household."""
    blt = Programme(code="BLT-DD", name="BLT Dana Desa", kind="tunai")
    org = Organisation(name="LSM Mandiri", kind="lsm")
    session.add_all([blt, org])
    a = household(session, "3526010101010001", "Kamal Timur", [
        ("3526011203800001", "Ahmad Fauzi", "L", date(1980, 3, 12)),
        ("3526015506850002", "Siti Aminah Rahayu", "P", date(1985, 6, 15)),
        ("3526014101100003", "Nur Aini", "P", date(2010, 1, 1))])
    b = household(session, "3526010101010002", "Kamal Barat", [
        ("3526010101750004", "Hasan Basri", "L", date(1975, 1, 1)),
        ("3526014202900005", "Fatimah Zahro", "P", date(1990, 2, 2))])
    c = household(session, "3526010101010003", "Kamal Timur", [
        ("3526010303700006", "Rudi Hartono", "L", date(1970, 3, 3)),
        ("3526014404880007", "Dewi Lestari", "P", date(1988, 4, 4))])
    session.add_all([Enrolment(programme=blt, household=a, status="aktif"),
                     Enrolment(programme=blt, household=b, status="aktif")])
    session.flush()
    return {"blt": blt, "org": org, "a": a, "b": b, "c": c}
