"""Verification sample: Cochran + finite population size, reproducible draw of paid recipients,
questions through notifications.send_batch (contract-valid), answers and the discrepancy report."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from services.common import contracts
from services.registry.distribution import verification
from services.registry.distribution.common import DistributionError
from services.registry.models import AuditEntry, Entitlement, Person
from tests.helpers.builders import ents, make_cycle


@pytest.mark.parametrize(("population", "confidence", "margin", "expected"), [
    (100_000, 0.95, 0.05, 383), (1000, 0.95, 0.05, 278), (50, 0.95, 0.05, 45), (10, 0.99, 0.01, 10),
    (500, 0.90, 0.10, 60), (0, 0.95, 0.05, 0),
])
def test_cochran_with_finite_population_correction(population, confidence, margin, expected):
    assert verification.sample_size(population, confidence, margin) == expected


def test_bad_parameters_are_refused():
    with pytest.raises(DistributionError, match="kepercayaan"):
        verification.sample_size(100, 1.5, 0.05)


class Recorder:
    def __init__(self):
        self.sent = []

    def send_task(self, name, kwargs, queue, **options):
        self.sent.append((name, kwargs["payload"], queue))


def test_sample_of_paid_recipients_questions_answers_and_report(session):
    cycle = make_cycle(session, households=30)
    paid = ents(cycle)[:25]
    session.execute(update(Entitlement).where(Entitlement.id.in_([e.id for e in paid])).values(status="disalurkan"))
    session.execute(update(Person).where(Person.id == paid[0].recipient_id).values(phone=None))
    session.commit()
    sample = verification.draw_sample(session, cycle.id, "auditor", confidence=0.90, margin=0.10, seed=7)
    again = verification.draw_sample(session, cycle.id, "auditor", confidence=0.90, margin=0.10, seed=7)
    assert sample.size == verification.sample_size(25, 0.90, 0.10) == 19
    assert [c.entitlement_id for c in sample.cases] == [c.entitlement_id for c in again.cases]  # reproducible
    assert {c.entitlement_id for c in sample.cases} <= {e.id for e in paid}
    celery = Recorder()
    asked = verification.send_questions(session, celery, sample.id, "operator")
    visits = [c for c in sample.cases if c.method == "kunjungan"]
    assert asked == sample.size - len(visits)
    name, payload, queue = celery.sent[0]
    assert (name, queue) == ("notifications.send_batch", "notifications")
    contracts.validate(name, payload)
    assert payload["recipients"][0]["vars"]["amount"] == "Rp300.000"
    first, second = sample.cases[:2]
    verification.record_answer(session, first.id, True, "operator")
    verification.record_answer(session, second.id, False, "operator", amount_received=Decimal("250000"),
                               note="dipotong Rp50.000 oleh oknum")
    result = verification.report(session, sample.id)
    assert (result["answered"], result["unanswered"]) == (2, sample.size - 2)
    assert [d["case_id"] for d in result["discrepancies"]] == [second.id]
    assert result["discrepancies"][0]["shortfall"] == Decimal("50000.00")
    assert "\u2022" in result["discrepancies"][0]["nik"]


@pytest.mark.parametrize("registry_url", ["sqlite"], indirect=True)  # no PostgreSQL-specific behaviour
def test_no_paid_recipients_no_sample(session):
    cycle = make_cycle(session, households=2)
    with pytest.raises(DistributionError, match="Belum ada penerima"):
        verification.draw_sample(session, cycle.id, "auditor")


def test_sms_replies_recorded_from_the_recipients_phone_only(session):
    cycle = make_cycle(session, households=3)
    session.execute(update(Entitlement).where(Entitlement.cycle_id == cycle.id).values(status="disalurkan"))
    session.commit()
    sample = verification.draw_sample(session, cycle.id, "auditor", seed=1)
    case = sample.cases[0]
    phone = case.entitlement.recipient.phone
    with pytest.raises(DistributionError, match="tidak cocok"):
        verification.record_sms_reply(session, f"VERIF {case.id} YA", "+6280000000000")
    with pytest.raises(DistributionError, match="tidak dikenali"):
        verification.record_sms_reply(session, "sudah terima pak", phone)
    answered = verification.record_sms_reply(session, f"verif {case.id} tidak 250.000", phone)
    assert (answered.received_full, answered.amount_received, answered.discrepancy) == (False, Decimal("250000"), True)
    audits = session.execute(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.entity == "verification_case")).scalar_one()
    verification.record_sms_reply(session, f"VERIF {case.id} TIDAK 250000", phone)  # delivered twice
    assert session.execute(select(func.count()).select_from(AuditEntry)
                           .where(AuditEntry.entity == "verification_case")).scalar_one() == audits == 1
