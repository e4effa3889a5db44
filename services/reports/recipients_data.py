"""Gathers the "programme_recipients" report content from the registry, NIK and KK already masked."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from services.common.privacy import mask_nik
from services.registry.models import Enrolment, Household, Programme

COLUMNS = ("No", "NIK", "Nama Penerima", "No. KK", "RT/RW", "Dusun", "Status")


@dataclass
class RecipientsReport:
    programme_name: str
    programme_code: str
    programme_kind: str
    benefit_amount: str
    funders: list[str]
    implementers: list[str]
    generated_at: datetime
    period: str
    rows: list[tuple] = field(default_factory=list)

    @property
    def totals_by_dusun(self) -> list[tuple[str, int]]:
        return sorted(Counter(row[5] for row in self.rows).items())


def rupiah(amount) -> str:
    if amount is None:
        return "-"
    return "Rp" + f"{int(amount):,}".replace(",", ".")


def load_report(session: Session, programme_id: int, period: str, generated_at: datetime) -> RecipientsReport:
    programme = session.get(Programme, programme_id, options=[selectinload(Programme.partners)])
    if programme is None:
        raise LookupError(f"Program {programme_id} tidak ditemukan")
    partners = [(p.role, p.organisation.name) for p in programme.partners]
    report = RecipientsReport(
        programme_name=programme.name, programme_code=programme.code, programme_kind=programme.kind,
        benefit_amount=rupiah(programme.benefit_amount),
        funders=sorted(name for role, name in partners if role == "penyandang_dana"),
        implementers=sorted(name for role, name in partners if role == "pelaksana"),
        generated_at=generated_at, period=period,
    )
    enrolments = session.scalars(
        select(Enrolment).join(Household).where(Enrolment.programme_id == programme_id)
        .options(joinedload(Enrolment.household).selectinload(Household.members), joinedload(Enrolment.recipient))
        .order_by(Household.dusun, Household.rw, Household.rt, Enrolment.id)
    ).unique()
    for number, enrolment in enumerate(enrolments, start=1):
        household = enrolment.household
        person = enrolment.recipient or household.head
        report.rows.append((
            number, mask_nik(person.nik if person else None), person.name if person else "-",
            mask_nik(household.no_kk), f"{household.rt or '-'}/{household.rw or '-'}",
            household.dusun or "-", enrolment.status,
        ))
    return report
