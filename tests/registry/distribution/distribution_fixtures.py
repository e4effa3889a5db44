"""Approved cycles with entitlements, built directly (approval itself is another part's work)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.registry.models import BankAccount, Cycle, Entitlement, Household, Person, Programme


def make_cycle(session: Session, households: int = 3, channel: str = "tunai", status: str = "disetujui",
               amount: str = "300000", package: str | None = None, code: str = "BLT-DD",
               with_accounts: bool = False, kk_prefix: str = "352601010120", area_id: int | None = None,
               household_area_id: int | None = None) -> Cycle:
    """A programme, ``households`` households (head, spouse, a child of 10), one cycle, one entitlement each;
    without areas both belong to the default desa."""
    programme = Programme(code=code, name=f"{code} Desa Kamal", kind="tunai", benefit_amount=Decimal(amount),
                          area_id=area_id)
    cycle = Cycle(programme=programme, name=f"{code} Januari 2027", status=status)
    session.add(cycle)
    first = session.execute(select(func.count()).select_from(Household)).scalar_one()
    for n in range(first, first + households):
        household = Household(no_kk=f"{kk_prefix}{n:04d}", address=f"Jl. Raya Kamal {n}", rt="001", rw="002",
                              dusun="Kamal", desa="Kamal", area_id=household_area_id or area_id)
        head = Person(household=household, nik=f"35260112038{n:05d}", name=f"Moh. Sholeh Bin Ahmad {n}", sex="L",
                      birth_date=date(1984, 3, 12), relationship_to_head="KEPALA KELUARGA",
                      phone=f"+628123450{n:04d}")
        spouse = Person(household=household, nik=f"35260152058{n:05d}", name=f"Siti Aminah {n}", sex="P",
                        birth_date=date(1985, 5, 12), relationship_to_head="ISTRI")
        child = Person(household=household, nik=f"35260101011{n:05d}", name=f"Ahmad Kecil {n}", sex="L",
                       birth_date=date(2016, 1, 1), relationship_to_head="ANAK")
        session.add_all([household, head, spouse, child])
        session.flush()
        if with_accounts:
            session.add(BankAccount(person=head, bank_code="BRINIDJA", bank_name="BRI",
                                    account_number=f"0021010{n:08d}", holder_name=head.name.upper()))
        session.add(Entitlement(
            cycle=cycle, programme=programme, household=household, recipient=head,
            amount=Decimal(amount) if channel != "barang" else None, package=package, channel=channel,
            snapshot={"recipient_id": head.id, "recipient_name": head.name, "nik": head.nik,
                      "no_kk": household.no_kk, "rt": "001", "rw": "002"}))
    session.commit()
    return cycle


def ents(cycle: Cycle) -> list[Entitlement]:
    """A cycle's entitlements in creation order (the relationship itself has no order)."""
    return sorted(cycle.entitlements, key=lambda e: e.id)
