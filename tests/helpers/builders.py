"""Registry rows built directly for a test, where several areas build the same: approved cycles with
entitlements (approval itself is another part's work), a partner's cycle and its capital grants, the demo's
programmes.

The selection tests' small village, built row by row, is tests/registry/village.py."""
from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.registry.models import (
    BankAccount,
    CapitalGrant,
    Cycle,
    CyclePlan,
    Enrolment,
    Entitlement,
    FundingSource,
    Household,
    Organisation,
    Person,
    Programme,
    ProgrammePartner,
)

_partner_codes = itertools.count(1)


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


def programme(session: Session, code: str) -> Programme:
    """A programme of the seeded demo (``BLT-DD-2026``, ``SEMBAKO-CSR-2026``) by its code."""
    return session.scalars(select(Programme).where(Programme.code == code)).one()


def partner_cycle(session: Session, organisation: str, households: int = 2, *, code: str | None = None,
                  kk_prefix: str | None = None, budget: str = "50000000", source_name: str | None = None,
                  **kwargs) -> tuple[Cycle, FundingSource]:
    """``make_cycle`` run with ``organisation`` as implementing partner, paid from its own funding source.

    The cycle plan records that source (what the approval screen does), so its pickups count as disbursed.
    Without ``code``/``kk_prefix`` each call gets fresh ones."""
    n = next(_partner_codes)
    cycle = make_cycle(session, households=households, code=code or f"MITRA-{n}",
                       kk_prefix=kk_prefix or f"35268{n:03d}8888", **kwargs)
    org = session.scalars(select(Organisation).where(Organisation.name == organisation)).one()
    source = FundingSource(programme_id=cycle.programme_id, name=source_name or f"Hibah {organisation} {n}",
                           kind="lsm", organisation_id=org.id, budget=Decimal(budget))
    session.add_all([ProgrammePartner(programme_id=cycle.programme_id, organisation_id=org.id, role="pelaksana"),
                     CyclePlan(cycle_id=cycle.id, funding_source=source, benefit_amount=Decimal("300000"),
                               approved_total=Decimal("300000") * households, approved_count=households,
                               generation_status="selesai", generated_count=households)])
    session.commit()
    return cycle, source


def entitle_enrolled(session: Session, programme: Programme, cycle: Cycle, statuses: tuple[str, ...],
                     **fields) -> None:
    """One entitlement of ``cycle`` per status, for the first households enrolled in ``programme`` (their first
    member receives); ``fields`` such as ``amount`` or ``package``. The caller commits."""
    households = session.scalars(select(Household).join(Enrolment).where(Enrolment.programme_id == programme.id)
                                 .order_by(Household.id).limit(len(statuses))).all()
    for household, status in zip(households, statuses, strict=True):
        session.add(Entitlement(cycle_id=cycle.id, programme_id=programme.id, household_id=household.id,
                                status=status, recipient_id=household.members[0].id, **fields))


def approved_grants(session: Session, households, source: FundingSource, amount: str,
                    businesses=("Warung kelontong", "Ternak bebek")) -> list[CapitalGrant]:
    """Capital grants assessed and approved from ``source``, one per household and business, ready to pay out."""
    grants = [CapitalGrant(kind="hibah", household_id=household.id, programme_id=source.programme_id,
                           funding_source_id=source.id, business=business, amount_requested=Decimal(amount),
                           amount_approved=Decimal(amount), status="disetujui", assessed_by="pendamping")
              for household, business in zip(households, businesses, strict=True)]
    session.add_all(grants)
    session.commit()
    return grants


def exported_batch(session: Session, engine, households: int = 4):
    """A bank cycle with verified accounts, its payment batch created and exported: (cycle, batch, items)."""
    from services.registry.distribution import batches
    from services.registry.models import PaymentItem

    cycle = make_cycle(session, households=households, channel="bank", with_accounts=True)
    batch, _ = batches.create_batch(session, cycle.id, "operator")
    batches.export_batch(engine, batch.id)
    items = session.execute(select(PaymentItem).where(PaymentItem.batch_id == batch.id).order_by(PaymentItem.id)
                            ).scalars().all()
    return cycle, batch, items
