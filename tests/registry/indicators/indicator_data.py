"""Small known data for the indicator tests: every expected figure is worked out in the comments.

Period under test: March 2026 (2026-03-01 to 2026-04-01 exclusive, midnights WIB = 17:00 UTC the day before)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.orm import Session

from services.registry.distribution import ledger
from services.registry.feedback.satisfaction import record_survey
from services.registry.indicators import codes
from services.registry.models import (
    Complaint,
    Cycle,
    Enrolment,
    Entitlement,
    FundingSource,
    Household,
    HouseholdWelfare,
    Instrument,
    Person,
    Programme,
    SatisfactionResponse,
    SurveyResponse,
    Training,
    TrainingEnrolment,
)


def at(day: str, hour: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@dataclass
class Ids:
    p: int
    q: int
    cycle: int
    households: dict[int, int]
    training: int


def _household(session: Session, n: int, band: str | None) -> Household:
    hh = Household(no_kk=f"352601120000{n:04d}", address=f"Jl. Kamal {n}", rt="001", rw="002", dusun="Kamal Barat",
                   desa="Kamal")
    session.add(hh)
    session.flush()
    session.add(Person(household_id=hh.id, nik=f"35260141018{n:05d}", name=f"Warga {n}", sex="L",
                       birth_date=date(1980, 1, 1), relationship_to_head="KEPALA KELUARGA", phone=f"+62812000{n:05d}"))
    if band:
        session.add(HouseholdWelfare(household_id=hh.id, band=band))
    session.flush()
    return hh


def _ledger(session, monkeypatch, when: datetime, **kwargs) -> None:
    monkeypatch.setattr(ledger, "utcnow", lambda: when)
    ledger.append(session, actor="uji", **kwargs)


def build(session: Session, monkeypatch) -> Ids:
    # h1..h4, h6, h8 miskin (6 households); h7 rentan; h5 without a welfare row.
    hh = {n: _household(session, n, band) for n, band in
          ((1, "miskin"), (2, "miskin"), (3, "miskin"), (4, "miskin"), (5, None), (6, "miskin"), (7, "rentan"),
           (8, "miskin"))}
    p = Programme(code="P1", name="Program P", kind="tunai", benefit_amount=Decimal(100000))
    q = Programme(code="Q1", name="Program Q", kind="barang")
    session.add_all([p, q])
    session.flush()
    # Budgets 2026: P 1.000.000, Q 500.000; a 2025 source that must not count.
    session.add_all([FundingSource(programme_id=p.id, name="DD P", kind="dana_desa", budget=Decimal(1000000),
                                   fiscal_year=2026),
                     FundingSource(programme_id=q.id, name="CSR Q", kind="csr", budget=Decimal(500000),
                                   fiscal_year=2026),
                     FundingSource(programme_id=p.id, name="DD P lama", kind="dana_desa", budget=Decimal(7000000),
                                   fiscal_year=2025)])
    # Enrolments: P has h1, h2, h3 (February) and h8 (10 April: after the period); Q has h4 (January).
    for n, prog, on in ((1, p, date(2026, 2, 1)), (2, p, date(2026, 2, 1)), (3, p, date(2026, 2, 1)),
                        (8, p, date(2026, 4, 10)), (4, q, date(2026, 1, 1))):
        session.add(Enrolment(programme_id=prog.id, household_id=hh[n].id, status="aktif", enrolled_on=on))
    # Cycle of March for P: e1..e4 live (100.000 each), e5 cancelled.
    cycle = Cycle(programme_id=p.id, name="Maret 2026", period_start=date(2026, 3, 1), period_end=date(2026, 3, 31),
                  status="disetujui", approved_at=at("2026-02-25"))
    draft = Cycle(programme_id=p.id, name="Draf Maret", period_start=date(2026, 3, 1), status="draft")
    session.add_all([cycle, draft])
    session.flush()
    ents = {}
    for n, status in ((1, "disalurkan"), (2, "disalurkan"), (3, "disalurkan"), (4, "dikembalikan"),
                      (5, "dibatalkan")):
        ents[n] = Entitlement(cycle_id=cycle.id, programme_id=p.id, household_id=hh[n].id, amount=Decimal(100000),
                              status=status, recipient_id=hh[n].members[0].id if hh[n].members else None)
        session.add(ents[n])
    session.flush()
    # e1 collected 10 March; e2 paid 31 March 12:00; e3 paid 2 April (late); e4 paid 5 March, returned 20 March.
    _ledger(session, monkeypatch, at("2026-03-10", 9), cycle_id=cycle.id, entitlement_id=ents[1].id,
            event="collected", amount=100000)
    _ledger(session, monkeypatch, at("2026-03-31", 12), cycle_id=cycle.id, entitlement_id=ents[2].id, event="paid",
            amount=100000)
    _ledger(session, monkeypatch, at("2026-04-02", 8), cycle_id=cycle.id, entitlement_id=ents[3].id, event="paid",
            amount=100000)
    _ledger(session, monkeypatch, at("2026-03-05", 8), cycle_id=cycle.id, entitlement_id=ents[4].id, event="paid",
            amount=100000)
    _ledger(session, monkeypatch, at("2026-03-20", 8), cycle_id=cycle.id, entitlement_id=ents[4].id, event="returned",
            amount=100000)
    # Complaints closed in March: 2 days (P), 14 days (P), 5.5 days (no programme); one closed in April, one open.
    for received, closed, prog in (("2026-03-01", at("2026-03-03"), p), ("2026-02-20", at("2026-03-06"), p),
                                   ("2026-03-10", at("2026-03-15", 12), None), ("2026-03-20", at("2026-04-02"), p),
                                   ("2026-03-25", None, p)):
        session.add(Complaint(tracking_code=f"ADU-T{received[5:7]}{received[8:10]}{len(received)}X"[:12],
                              channel="web", category="layanan", title="Uji", body="Uji",
                              programme_id=prog.id if prog else None, status="selesai" if closed else "baru",
                              received_at=at(received), closed_at=closed, recorded_by="uji"))
        session.flush()
    # Needs surveys (pendapatan_bulanan): h1 1.000.000 -> 1.300.000 (+300.000; April's 5.000.000 is after the
    # period); h2 800.000 -> 900.000 -> 1.000.000 (+200.000, first and last); h3 one response only (left out);
    # h6 (not in P) 2.000.000 -> 1.900.000 (-100.000).
    needs = Instrument(code="KEBUTUHAN-DESA", version=1, name="Kebutuhan", purpose="kebutuhan")
    session.add(needs)
    session.flush()
    for n, day, income in ((1, "2026-01-05", 1000000), (1, "2026-03-05", 1300000), (1, "2026-04-05", 5000000),
                           (2, "2026-01-05", 800000), (2, "2026-02-05", 900000), (2, "2026-03-06", 1000000),
                           (3, "2026-01-05", 500000), (6, "2026-01-05", 2000000), (6, "2026-03-05", 1900000)):
        session.add(SurveyResponse(household_id=hh[n].id, instrument_id=needs.id, collected_at=at(day),
                                   source="admin", answers={"pendapatan_bulanan": income}))
    session.flush()
    # Satisfaction: codes for the cycle's delivered households (h1, h2, h3); h1 answers 5, h2 answers 4 (March);
    # a training of Q whose participant answers 2 (March); h3 answers 1 in April (outside the period).
    assert codes.issue_for_cycle(session, cycle.id, "uji") == 3
    training = Training(topic="Menjahit", programme_id=q.id, status="selesai")
    session.add(training)
    session.flush()
    session.add(TrainingEnrolment(training_id=training.id, person_id=hh[7].members[0].id, status="selesai"))
    session.flush()
    assert codes.issue_for_training(session, training.id, "uji") == 1
    issued = {c.household_id: c.code for c in codes.unused_codes(session, cycle_id=cycle.id)}
    course = codes.unused_codes(session, training_id=training.id)[0].code
    for code, score, when in ((issued[hh[1].id], 5, at("2026-03-12")), (issued[hh[2].id], 4, at("2026-03-31", 16)),
                              (course, 2, at("2026-03-20")), (issued[hh[3].id], 1, at("2026-04-03"))):
        response = record_survey(session, {"code": code, "score": score})
        session.execute(update(SatisfactionResponse).where(SatisfactionResponse.id == response.id)
                        .values(created_at=when))
    session.commit()
    return Ids(p=p.id, q=q.id, cycle=cycle.id, households={n: h.id for n, h in hh.items()}, training=training.id)
