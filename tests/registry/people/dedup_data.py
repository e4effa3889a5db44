"""Small hand-made registries for the dedup tests: each person says which case it exercises."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from services.registry.models import BankAccount, Household, Person


def nik(birth: date, sex: str, serial: int, region: str = "352601") -> str:
    day = birth.day + (40 if sex == "P" else 0)
    return f"{region}{day:02d}{birth:%m%y}{serial:04d}"


def kk(n: int) -> str:
    return f"3526010101{n:06d}"


def add_household(session: Session, n: int, members: list[dict]) -> Household:
    household = Household(no_kk=kk(n), address=f"Jl. Raya Kamal {n}", rt="001", rw="002", dusun="Kamal")
    session.add(household)
    session.flush()
    for i, m in enumerate(members):
        birth = m["birth"]
        person = Person(household_id=household.id, name=m["name"], sex=m.get("sex", "L"), birth_date=birth,
                        nik=m.get("nik") or nik(birth, m.get("sex", "L"), m.get("serial", n * 10 + i)),
                        phone=m.get("phone"),
                        relationship_to_head=m.get("rel", "KEPALA KELUARGA" if i == 0 else "ANAK"))
        session.add(person)
        session.flush()
        if m.get("account"):
            session.add(BankAccount(person_id=person.id, bank_code="002", account_number=m["account"],
                                    holder_name=m["name"]))
    session.flush()
    return household


D1, D2, D3 = date(1980, 3, 14), date(1992, 7, 1), date(2010, 5, 20)


def tricky_registry(session: Session) -> dict[str, int]:
    """Households covering every layer and every trap; returns person ids by label."""
    h1 = add_household(session, 1, [
        {"name": "Moh. Rofi'i", "birth": D1, "serial": 11},
        {"name": "Siti Aminah", "sex": "P", "birth": D2, "serial": 12},
        # twins: same KK, same birth date, names alike but different people
        {"name": "Hasan Basri", "birth": D3, "serial": 13},
        {"name": "Husen Basri", "birth": D3, "serial": 14},
    ])
    # (a) the same NIK in a second household (the son registered again in his wife's KK)
    add_household(session, 2, [
        {"name": "Mohammad Rofii", "birth": D1, "nik": h1.members[0].nik},
        # common name, other birth date: not the same Siti Aminah
        {"name": "Siti Aminah", "sex": "P", "birth": date(1975, 1, 9), "serial": 22},
    ])
    # (b) one digit slip in the NIK, same name and birth date
    slip = h1.members[1].nik[:-1] + ("9" if h1.members[1].nik[-1] != "9" else "8")
    add_household(session, 3, [{"name": "SITTI AMINAH", "sex": "P", "birth": D2, "nik": slip}])
    # (c) name variant, same birth date and sex, unrelated NIK
    add_household(session, 4, [{"name": "Achmad Djunaedi", "birth": date(1968, 8, 17), "serial": 41,
                                "phone": "+6281234500001"}])
    add_household(session, 5, [{"name": "H. Ahmad Junaidi", "birth": date(1968, 8, 17), "serial": 63}])
    # (d) shared phone and bank account across households, names alike, birth date typo
    add_household(session, 6, [{"name": "Nur Hayati", "sex": "P", "birth": date(1985, 2, 2), "serial": 61,
                                "phone": "+6281234500002", "account": "0012345678"}])
    add_household(session, 7, [{"name": "Nurhayati", "sex": "P", "birth": date(1985, 2, 12), "serial": 71,
                                "phone": "+6281234500002", "account": "0012345678"}])
    # shared phone across households but clearly different people (a father's phone): no case
    add_household(session, 8, [{"name": "Abdul Karim", "birth": date(1950, 6, 6), "serial": 81,
                                "phone": "+6281234500003"}])
    add_household(session, 9, [{"name": "Fatimah", "sex": "P", "birth": date(1979, 4, 4), "serial": 91,
                                "phone": "+6281234500003"}])
    session.commit()
    by_name = {p.name: p.id for p in session.query(Person)}
    return by_name
